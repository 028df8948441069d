import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../api/ApiContext';
import { CUSTOMER_CHANNEL, startCustomerFeed } from '../customer/customerFeed';
import { useI18n } from '../i18n/I18nProvider';
import { createAnnouncer } from '../sound/announcer';
import { beepError, beepOk, chimeSuccess } from '../sound/beep';
import { redeemedText, refusedText, watchAnnouncements } from './announceSale';
import { webCartStore } from './cartStore';
import { SaleSession } from './saleSession';
import { SaleContext, type SaleContextValue } from './useSale';

const sounds = { ok: beepOk, error: beepError, done: chimeSuccess };

/**
 * Holds the app's one sale, above the tabs: opening today's sales or the shop settings and coming
 * back finds the basket as it was, and the cart is kept on disk (cartStore.ts) for a restart.
 * Around the sale: voice announcements (语音播报) and the feed of the customer display (客显).
 */
export function SaleProvider({ shopName, children }: { shopName: string | null; children: ReactNode }) {
  const api = useApi();
  const { locale } = useI18n();
  const [session] = useState(() => new SaleSession(api, sounds, undefined, webCartStore(window.localStorage)));
  const voiceOn = useRef(true);
  const context = useRef({ locale, shopName });
  useEffect(() => {
    context.current = { locale, shopName };
  });

  useEffect(() => {
    const announcer = createAnnouncer({ enabled: () => voiceOn.current });
    return watchAnnouncements(session, {
      redeemed: (sale) => void announcer.say(redeemedText(sale, context.current.locale), context.current.locale),
      refused: (verdict) => void announcer.say(refusedText(verdict, context.current.locale), context.current.locale),
    });
  }, [session]);

  const feed = useRef<{ refresh: () => void } | null>(null);
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return undefined;
    const f = startCustomerFeed(session, () => context.current, new BroadcastChannel(CUSTOMER_CHANNEL));
    feed.current = f;
    return () => {
      feed.current = null;
      f.stop();
    };
  }, [session]);
  // The display follows the till's language and shop name as they change.
  useEffect(() => feed.current?.refresh(), [locale, shopName]);

  const value = useMemo<SaleContextValue>(
    () => ({
      session,
      setVoiceEnabled: (enabled) => {
        voiceOn.current = enabled;
      },
    }),
    [session],
  );
  return <SaleContext.Provider value={value}>{children}</SaleContext.Provider>;
}
