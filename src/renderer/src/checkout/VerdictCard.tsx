import { useI18n } from '../i18n/I18nProvider';
import { isLocalVerdict, type Verdict } from './saleSession';
import { VoucherCode } from './VoucherCode';

/** The big, unmistakable answer for the last voucher scanned: colour, icon, words, and the card's holder code. */
export function VerdictCard({ verdict }: { verdict: Verdict | null }) {
  const { t, money, date, locale } = useI18n();
  if (!verdict)
    return (
      <div className="verdict idle" data-testid="verdict">
        {t('verdict.idle')}
      </div>
    );
  if (isLocalVerdict(verdict)) {
    return (
      <div className="verdict bad" role="alert" data-testid="verdict" data-code={verdict.code}>
        <span className="verdict-icon" aria-hidden="true">
          ✕
        </span>
        <div>
          <div className="verdict-title">{t('verdict.refused')}</div>
          <div className="verdict-text">{t('verdict.not_a_voucher')}</div>
          <div className="verdict-meta scanned-text">{verdict.shown}</div>
        </div>
      </div>
    );
  }
  const name = verdict.campaignName ? (locale === 'en' ? verdict.campaignName.en : verdict.campaignName.zh) : '';
  if (verdict.code !== 'valid') {
    return (
      <div className="verdict bad" role="alert" data-testid="verdict" data-code={verdict.code}>
        <span className="verdict-icon" aria-hidden="true">
          ✕
        </span>
        <div>
          <div className="verdict-title">{t('verdict.refused')}</div>
          <div className="verdict-text">
            {t(`verdict.${verdict.code}`, {
              from: verdict.validFrom ? date(verdict.validFrom) : '',
              until: verdict.validUntil ? date(verdict.validUntil) : '',
            })}
          </div>
          {verdict.masked && (
            <div className="verdict-meta">
              {name} · <VoucherCode voucher={verdict} />
            </div>
          )}
        </div>
      </div>
    );
  }
  const idle = !verdict.selected;
  return (
    <div className={idle ? 'verdict warn' : 'verdict good'} role="status" data-testid="verdict" data-code={verdict.code}>
      <span className="verdict-icon" aria-hidden="true">
        {idle ? '!' : '✓'}
      </span>
      <div>
        <div className="verdict-title">
          {t('verdict.valid')} <VoucherCode voucher={verdict} />
        </div>
        <div className="verdict-text">
          {name} ·{' '}
          {verdict.kind === 'fixed'
            ? t('voucher.fixedFace', { amount: money(verdict.faceValueFen ?? 0) })
            : t('voucher.balance', { amount: money(verdict.balanceBeforeFen ?? 0) })}
        </div>
        {idle && <div className="verdict-meta">{t('verdict.nothingEligible')}</div>}
        <div className="verdict-meta">{t('voucher.validUntil', { date: verdict.validUntil ? date(verdict.validUntil) : '' })}</div>
      </div>
    </div>
  );
}
