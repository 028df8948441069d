import { lazy, Suspense } from 'react';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

const HourChart = lazy(() => import('./HourChart'));

/** The owner's first screen: today against last week's same day, sales by hour, the settlement backlog. */
export function DashboardScreen() {
  const api = useApi();
  const { t, err, money } = useI18n();
  const d = useCall(() => api.getDashboard({}), { intervalMs: 30_000 });
  if (d.state === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (d.state === 'error') return <p className="error-box">{err(d.error)}</p>;
  const { today, sameDayLastWeek: before, settlement } = d.value;
  const delta = (now: number, then: number) =>
    then === 0 ? t('dash.noCompare') : t('dash.vsLastWeek', { pct: Math.round(((now - then) / then) * 100) });
  const card = (label: string, value: string, sub: string, id: string) => (
    <div className="card" data-testid={`dash-${id}`}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      <div className="muted small">{sub}</div>
    </div>
  );
  return (
    <section className="panel" aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dash.title')}</h1>
      <div className="cards">
        {card(t('dash.sales'), money(today.salesFen), delta(today.salesFen, before.salesFen), 'sales')}
        {card(t('dash.voucher'), money(today.voucherFen), delta(today.voucherFen, before.voucherFen), 'voucher')}
        {card(t('dash.vouchers'), String(today.vouchers), delta(today.vouchers, before.vouchers), 'vouchers')}
        {card(t('dash.customers'), String(today.customers), delta(today.customers, before.customers), 'customers')}
      </div>
      <h2>{t('dash.byHour')}</h2>
      <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
        <HourChart byHour={d.value.byHour} />
      </Suspense>
      <h2>{t('dash.backlog')}</h2>
      <div className="cards">
        {card(t('settle.state.pending'), money(settlement.pendingFen), '', 'pending')}
        {card(t('dash.rejected'), String(settlement.rejectedToActOn), settlement.rejectedToActOn ? t('dash.rejectedHint') : '', 'rejected')}
        {card(t('dash.paidThisMonth'), money(settlement.paidThisMonthFen), '', 'paid')}
      </div>
    </section>
  );
}
