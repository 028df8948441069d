import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../../shared/api/errors';
import type { LoginResult, User } from '../../shared/api/schemas/auth';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../shared/i18n/locales';
import { errorMessage, translate, type MessageKey } from '../../shared/i18n/translate';
import { useApi } from './api/ApiContext';
import { setSessionToken } from './api/session';
import { onSessionExpired } from './api/sessionWatch';
import { ReauthDialog } from './components/ReauthDialog';
import { CheckoutScreen } from './checkout/CheckoutScreen';
import { SaleProvider } from './checkout/SaleProvider';
import { StatusBar } from './components/StatusBar';
import { LeaveTillMode } from './desktop/LeaveTillMode';
import { I18nProvider, useI18n } from './i18n/I18nProvider';
import { DashboardScreen } from './backoffice/DashboardScreen';
import { DayCloseScreen } from './backoffice/DayCloseScreen';
import { ReportsScreen } from './backoffice/ReportsScreen';
import { DiagnosticsScreen } from './screens/DiagnosticsScreen';
import { ProductsScreen } from './products/ProductsScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { LoginScreen } from './screens/LoginScreen';
import { ManageScreen } from './screens/ManageScreen';
import { SettlementScreen } from './screens/SettlementScreen';
import { SetupScreen } from './screens/SetupScreen';

type Phase =
  | { kind: 'loading' }
  | { kind: 'fatal'; error: ApiError }
  | { kind: 'setup'; demo: boolean }
  | { kind: 'login' }
  | { kind: 'till'; user: User };
type Tab = 'dashboard' | 'checkout' | 'history' | 'dayClose' | 'reports' | 'settlement' | 'products' | 'manage' | 'diagnostics';

/** The app shell: first-run setup, sign-in, then the till with its tabs and status bar. */
export function App() {
  const api = useApi();
  const [locale, setLocale] = useState<Locale>(DEFAULT_LOCALE);
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);
  const [shopName, setShopName] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  // The session ran out while the till was open: ask for the PIN over the screen, keep the sale.
  const [expired, setExpired] = useState(false);
  useEffect(() => onSessionExpired(() => setExpired(true)), []);

  const load = useCallback(async () => {
    const settings = await api.getSettings({});
    if (!settings.ok) return setPhase({ kind: 'fatal', error: settings.error });
    setLocale(settings.value.locale);
    setTimeZone(settings.value.timeZone);
    setShopName(settings.value.shopName);
    const setup = await api.getSetupState({});
    if (!setup.ok) return setPhase({ kind: 'fatal', error: setup.error });
    if (setup.value.needsSetup) return setPhase({ kind: 'setup', demo: setup.value.demo });
    const me = await api.whoAmI({});
    setPhase(me.ok && me.value ? { kind: 'till', user: me.value } : { kind: 'login' });
  }, [api]);

  useEffect(() => {
    // load() sets state only after its first await, never synchronously in this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = `${translate(locale, 'app.title')} ${translate(locale, 'app.subtitle')}`;
  }, [locale]);

  const signedIn = (r: LoginResult) => {
    setSessionToken(r.session);
    void load();
  };
  const signOut = async () => {
    await api.logout({});
    setSessionToken(undefined);
    setPhase({ kind: 'login' });
  };
  const changeLocale = (next: Locale) => {
    setLocale(next);
    void api.setLocale({ locale: next });
  };

  if (phase.kind === 'fatal') {
    return (
      <div className="fatal" role="alert" data-testid="fatal">
        <p>{errorMessage('zh-CN', phase.error)}</p>
        <p lang="en">{errorMessage('en', phase.error)}</p>
      </div>
    );
  }

  return (
    <I18nProvider locale={locale} {...(timeZone ? { timeZone } : {})}>
      {/* The sale lives above the tabs: another screen, a sign-in again or a reload never loses the basket. */}
      <SaleProvider shopName={shopName}>
        <Shell
          phase={phase}
          shopName={shopName}
          timeZone={timeZone}
          onLocale={changeLocale}
          onLogin={signedIn}
          onLogout={() => void signOut()}
        />
      </SaleProvider>
      {expired && phase.kind === 'till' && (
        <ReauthDialog
          user={phase.user}
          onDone={() => setExpired(false)}
          onSwitchUser={() => {
            setExpired(false);
            setSessionToken(undefined);
            setPhase({ kind: 'login' });
          }}
        />
      )}
    </I18nProvider>
  );
}

function Shell({
  phase,
  shopName,
  timeZone,
  onLocale,
  onLogin,
  onLogout,
}: {
  phase: Phase;
  shopName: string | null;
  timeZone: string | undefined;
  onLocale: (l: Locale) => void;
  onLogin: (r: LoginResult) => void;
  onLogout: () => void;
}) {
  const { t, locale } = useI18n();
  const [tab, setTab] = useState<Tab>('checkout');
  const user = phase.kind === 'till' ? phase.user : null;
  // Everyone lands on the counter (a shop opens to sell); the owner's dashboard is the first tab.
  const tabs: Array<[Tab, MessageKey, string]> = user
    ? [
        ...(user.role === 'owner' ? ([['dashboard', 'nav.dashboard', '']] as Array<[Tab, MessageKey, string]>) : []),
        ['checkout', 'nav.checkout', 'F1'],
        ['history', 'nav.history', 'F8'],
        ['dayClose', 'nav.dayClose', ''],
        ...(user.role === 'owner'
          ? ([
              ['reports', 'nav.reports', ''],
              ['settlement', 'nav.settlement', ''],
              ['products', 'nav.products', ''],
              ['manage', 'nav.manage', ''],
            ] as Array<[Tab, MessageKey, string]>)
          : []),
        ['diagnostics', 'nav.diagnostics', ''],
      ]
    : [['diagnostics', 'nav.diagnostics', '']];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!user) return;
      if (e.key === 'F1') {
        e.preventDefault();
        setTab('checkout');
      } else if (e.key === 'F8') {
        e.preventDefault();
        setTab('history');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [user]);

  let body;
  if (phase.kind === 'loading') body = <p className="muted">{t('common.loading')}</p>;
  else if (phase.kind === 'setup')
    body = tab === 'diagnostics' ? <DiagnosticsScreen /> : <SetupScreen demo={phase.demo} onDone={onLogin} />;
  else if (phase.kind === 'login') body = tab === 'diagnostics' ? <DiagnosticsScreen /> : <LoginScreen onLogin={onLogin} />;
  else if (tab === 'history') body = <HistoryScreen shopName={shopName} />;
  else if (tab === 'dashboard') body = <DashboardScreen />;
  else if (tab === 'products') body = <ProductsScreen />;
  else if (tab === 'dayClose') body = <DayCloseScreen />;
  else if (tab === 'reports') body = <ReportsScreen {...(timeZone ? { timeZone } : {})} />;
  else if (tab === 'manage') body = <ManageScreen />;
  else if (tab === 'settlement') body = <SettlementScreen />;
  else if (tab === 'diagnostics') body = <DiagnosticsScreen />;
  else body = <CheckoutScreen user={phase.kind === 'till' ? phase.user : { id: 0, name: '', role: 'cashier' }} shopName={shopName} />;

  return (
    <div className="shell">
      <header className="top-bar">
        <div className="brand">
          <span className="brand-title">{t('app.title')}</span>
          <span className="brand-sub">{shopName ?? t('app.subtitle')}</span>
        </div>
        <nav className="nav">
          {(phase.kind === 'login' || phase.kind === 'setup') && (
            <button
              type="button"
              className={tab !== 'diagnostics' ? 'nav-item active' : 'nav-item'}
              onClick={() => setTab('checkout')}
              data-testid="tab-start"
            >
              {t(phase.kind === 'setup' ? 'nav.setup' : 'nav.login')}
            </button>
          )}
          {tabs.map(([id, key, fkey]) => (
            <button
              key={id}
              type="button"
              className={tab === id ? 'nav-item active' : 'nav-item'}
              onClick={() => setTab(id)}
              data-testid={`tab-${id}`}
            >
              {t(key)}
              {fkey && <kbd>{fkey}</kbd>}
            </button>
          ))}
        </nav>
        {user && <LeaveTillMode />}
        {user && (
          <button type="button" className="nav-item" onClick={onLogout} data-testid="logout">
            {t('nav.logout', { name: user.name })}
          </button>
        )}
        <div className="lang" role="group" aria-label={t('nav.language')}>
          {LOCALES.map((l) => (
            <button
              key={l}
              type="button"
              className={l === locale ? 'active' : ''}
              aria-pressed={l === locale}
              onClick={() => onLocale(l)}
              data-testid={`lang-${l}`}
            >
              {t(`lang.${l}`)}
            </button>
          ))}
        </div>
      </header>
      <main className="content">{body}</main>
      <StatusBar key={user ? `u${user.id}` : phase.kind} />
    </div>
  );
}
