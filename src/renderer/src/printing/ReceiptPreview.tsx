import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/**
 * The receipt as it prints: core renders the same document to ESC/POS and to these text lines,
 * so what the cashier sees is what the paper says. Shows the print status and offers a reprint.
 */
export function ReceiptPreview({ saleId }: { saleId: string }) {
  const api = useApi();
  const { t, err } = useI18n();
  const preview = useCall(() => api.getReceipt({ saleId, copy: 'beneficiary' }));
  const jobs = useCall(() => api.listPrintJobs({}), { intervalMs: 2000 });
  const printer = useCall(() => api.getPrinter({}));
  const [error, setError] = useState<ApiError | null>(null);

  const reprint = async () => {
    const r = await api.printReceipt({ saleId, copy: 'beneficiary' });
    if (!r.ok) setError(r.error);
    else jobs.reload();
  };

  const mine = jobs.state === 'ok' ? jobs.value.filter((j) => j.saleId === saleId) : [];
  const waiting = mine.find((j) => j.status === 'queued');
  const configured = printer.state === 'ok' && printer.value.settings.kind !== 'none';
  let status: string;
  if (!configured) status = t('print.notConfigured');
  else if (waiting)
    status = waiting.lastError ? t('print.waitingError', { reason: t(`print.error.${waiting.lastError}`) }) : t('print.printing');
  else if (mine.some((j) => j.status === 'done')) status = t('print.done');
  else status = t('print.none');

  return (
    <div className="receipt-preview-box">
      <div className={waiting?.lastError ? 'print-status bad' : 'print-status'} data-testid="print-status" role="status">
        {status}
        {configured && (
          <button type="button" className="small-btn" onClick={() => void reprint()} data-testid="reprint">
            {t('print.reprint')}
          </button>
        )}
      </div>
      {error && <p className="error-box">{err(error)}</p>}
      {preview.state === 'ok' && (
        <div
          className="paper"
          lang="zh-CN"
          style={{ width: `${preview.value.width === 58 ? 32 : 48}ch` }}
          data-testid="receipt-preview"
          aria-label={t('print.preview')}
        >
          {preview.value.lines.map((line, i) => (
            <div key={i}>
              {i === preview.value.qrAt && (
                <img
                  className="paper-qr"
                  alt={preview.value.qr}
                  src={`data:image/svg+xml;utf8,${encodeURIComponent(preview.value.qrSvg)}`}
                  data-testid="receipt-qr"
                />
              )}
              <div className="paper-line" data-testid="preview-line">
                {line || ' '}
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
