import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { PrinterSettings } from '../../../shared/api/schemas/printing';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/** The owner sets up the receipt printer: how it is connected, paper width, copies; test print; the queue. */
export function PrinterSettingsPanel() {
  const api = useApi();
  const { t, err, dateTime } = useI18n();
  const current = useCall(() => api.getPrinter({}));
  const jobs = useCall(() => api.listPrintJobs({}), { intervalMs: 3000 });
  const [draft, setDraft] = useState<PrinterSettings | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  if (current.state !== 'ok') return <p className="muted">{t('common.loading')}</p>;
  const s = draft ?? current.value.settings;
  const set = (patch: Partial<PrinterSettings>) => {
    setSaved(false);
    setDraft({ ...s, ...patch });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.savePrinter(s);
    if (!r.ok) return setError(r.error);
    setError(null);
    setDraft(null);
    setSaved(true);
    current.reload();
  };
  const test = async () => {
    const r = await api.printTest({});
    if (!r.ok) setError(r.error);
    jobs.reload();
  };
  const placeholder = s.kind === 'network' ? 'tcp://192.168.1.50:9100' : '\\\\localhost\\POS58 · COM3 · /dev/usb/lp0';
  // printer:NAME needs a native module that does not install cleanly for Electron; the shared printer
  // (\\localhost\Share) reaches the same USB printer with no native code. A till set up that way
  // before still shows it, with the way out.
  const kinds = (['none', 'network', 'device', 'os'] as const).filter((k) => k !== 'os' || current.value.settings.kind === 'os');

  return (
    <div className="printer-settings">
      <form className="form" onSubmit={(e) => void save(e)}>
        <label>
          {t('printer.kind')}
          <select value={s.kind} onChange={(e) => set({ kind: e.target.value as PrinterSettings['kind'] })} data-testid="printer-kind">
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`printer.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {s.kind !== 'none' && (
          <label>
            {t('printer.uri')}
            <input value={s.uri} placeholder={placeholder} onChange={(e) => set({ uri: e.target.value })} data-testid="printer-uri" />
          </label>
        )}
        <label>
          {t('printer.width')}
          <select value={s.width} onChange={(e) => set({ width: Number(e.target.value) === 80 ? 80 : 58 })} data-testid="printer-width">
            <option value={58}>{t('printer.width58')}</option>
            <option value={80}>{t('printer.width80')}</option>
          </select>
        </label>
        <label>
          {t('printer.qr')}
          <select value={s.qr} onChange={(e) => set({ qr: e.target.value === 'raster' ? 'raster' : 'native' })}>
            <option value="native">{t('printer.qr.native')}</option>
            <option value="raster">{t('printer.qr.raster')}</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={s.copies.beneficiary}
            onChange={(e) => set({ copies: { ...s.copies, beneficiary: e.target.checked } })}
          />
          {t('printer.copyBeneficiary')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={s.copies.shop}
            onChange={(e) => set({ copies: { ...s.copies, shop: e.target.checked } })}
            data-testid="printer-shop-copy"
          />
          {t('printer.copyShop')}
        </label>
        <label className="check">
          <input type="checkbox" checked={s.drawer} onChange={(e) => set({ drawer: e.target.checked })} />
          {t('printer.drawer')}
        </label>
        <div className="actions">
          <button type="submit" className="primary" data-testid="printer-save">
            {t('printer.save')}
          </button>
          {current.value.settings.kind !== 'none' && (
            <button type="button" onClick={() => void test()} data-testid="printer-test">
              {t('printer.test')}
            </button>
          )}
        </div>
        {saved && <p className="muted">{t('printer.saved')}</p>}
        {error && <p className="error-box">{err(error)}</p>}
      </form>
      <PrinterHelp showOsRemoved={s.kind === 'os'} />
      {jobs.state === 'ok' && jobs.value.some((j) => j.status === 'queued') && (
        <div className="queue" data-testid="print-queue">
          <h3>{t('printer.queue')}</h3>
          <ul>
            {jobs.value
              .filter((j) => j.status === 'queued')
              .map((j) => (
                <li key={j.id}>
                  {dateTime(j.createdAt)} ·{' '}
                  {j.kind === 'test' ? t('printer.testJob') : t('receipt.no', { no: (j.saleId ?? '').slice(0, 8).toUpperCase() })} ·{' '}
                  {j.lastError ? t(`print.error.${j.lastError}`) : t('print.printing')}
                  <button
                    type="button"
                    className="small-btn"
                    onClick={() => void api.cancelPrintJob({ jobId: j.id }).then(() => jobs.reload())}
                  >
                    {t('printer.cancelJob')}
                  </button>
                </li>
              ))}
          </ul>
          <button type="button" onClick={() => void api.retryPrinting({}).then(() => jobs.reload())} data-testid="printer-retry">
            {t('printer.retry')}
          </button>
        </div>
      )}
    </div>
  );
}

/** Step by step, in the owner's words: network, the Windows shared printer, serial ports, Linux devices. */
function PrinterHelp({ showOsRemoved }: { showOsRemoved: boolean }) {
  const { t } = useI18n();
  const steps = ['step1', 'step2', 'step3', 'step4', 'step5'] as const;
  return (
    <details className="printer-help" open={showOsRemoved} data-testid="printer-help">
      <summary>{t('printer.help.title')}</summary>
      {showOsRemoved && <p className="error-box">{t('printer.help.osRemoved')}</p>}
      <p>{t('printer.help.network')}</p>
      <h4>{t('printer.help.winShare.title')}</h4>
      <ol>
        {steps.map((step) => (
          <li key={step}>{t(`printer.help.winShare.${step}`)}</li>
        ))}
      </ol>
      <p>{t('printer.help.serial')}</p>
      <p>{t('printer.help.linux')}</p>
    </details>
  );
}
