import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Dashboard } from '../../../shared/api/schemas/backoffice';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Today's sales by hour. Its own module so that the chart library loads only when the owner opens
 * the dashboard (React.lazy): the cashier's screen never pays for it.
 */
export default function HourChart({ byHour }: { byHour: Dashboard['byHour'] }) {
  const { t, money } = useI18n();
  const data = byHour.map((h) => ({ hour: `${h.hour}`, sales: h.salesFen / 100, voucher: h.voucherFen / 100 }));
  return (
    <div className="chart" data-testid="hour-chart">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="hour" />
          <YAxis />
          <Tooltip formatter={(v) => money(Math.round(Number(v) * 100))} />
          <Legend />
          <Bar dataKey="sales" name={t('dash.sales')} fill="#9aa5b1" isAnimationActive={false} />
          <Bar dataKey="voucher" name={t('dash.voucher')} fill="#b91c1c" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
