import type { ZReport } from '../../../shared/api/schemas/backoffice';
import type { Category } from '../../../shared/domain/categories';
import { useI18n } from '../i18n/I18nProvider';

/** A Z-report on screen, the same figures as on paper. */
export function ZReportView({ z }: { z: ZReport }) {
  const { t, money, dateTime } = useI18n();
  const row = (label: string, value: string, testId?: string) => (
    <tr>
      <th scope="row">{label}</th>
      <td className="num" data-testid={testId}>
        {value}
      </td>
    </tr>
  );
  return (
    <div className="zreport" data-testid="zreport">
      <h2>{t('zreport.title', { number: z.number })}</h2>
      <p className="muted">
        {dateTime(z.openedAt)} – {dateTime(z.closedAt)} · {t('zreport.cashiers')} {z.cashiers.join('、') || '-'}
      </p>
      <div className="zreport-cols">
        <table className="kv">
          <tbody>
            {row(t('zreport.sales', { count: z.sales.count }), money(z.sales.basketFen))}
            {row(t('totals.voucher'), money(z.sales.voucherFen))}
            {row(t('totals.other'), money(z.sales.otherTenderFen))}
            {row(t('totals.forfeited'), money(z.sales.forfeitedFen))}
            {row(t('zreport.voids', { count: z.voids.count }), money(0 - z.voids.voucherFen - z.voids.otherTenderFen))}
            {z.voucherByCampaign.map((c) => row(`${c.name} ×${c.count}`, money(c.fen)))}
            {Object.entries(z.voucherByCategory).map(([cat, fen]) => row(t(`category.${cat as Category}`), money(fen)))}
          </tbody>
        </table>
        <table className="kv">
          <tbody>
            {Object.entries(z.otherTenderByType).map(([type, fen]) => row(t(`tender.${type as 'cash'}`), money(fen)))}
            {row(t('zreport.float'), money(z.cash.openingFloatFen))}
            {row(t('zreport.expected'), money(z.cash.expectedFen), 'z-expected')}
            {row(t('zreport.counted'), money(z.cash.countedFen))}
            {row(t('zreport.difference'), money(z.cash.differenceFen), 'z-difference')}
            {row(t('zreport.journal', { from: z.journal.fromSeq, to: z.journal.toSeq, count: z.journal.records }), '')}
            {row(t('zreport.head', { hash: z.journal.headHash.slice(0, 16) }), '')}
            {row(
              t('zreport.settlement', {
                pending: z.settlement.pending,
                accepted: z.settlement.accepted,
                rejected: z.settlement.rejected,
                paid: z.settlement.paid,
              }),
              '',
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
