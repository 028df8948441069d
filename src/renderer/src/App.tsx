import { useEffect, useState } from 'react';
import type { ApiError } from '../../shared/api/errors';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../shared/i18n/locales';
import { errorMessage, translate } from '../../shared/i18n/translate';
import { useApi } from './api/ApiContext';
import { StatusBar } from './components/StatusBar';
import { I18nProvider, useI18n } from './i18n/I18nProvider';
import { DiagnosticsScreen } from './screens/DiagnosticsScreen';

/** The app shell: header with navigation and language, the current screen, the status bar. */
export function App() {
  const api = useApi();
  const [locale, setLocale] = useState<Locale>(DEFAULT_LOCALE);
  const [fatal, setFatal] = useState<ApiError | null>(null);

  useEffect(() => {
    void api.getSettings({}).then((r) => {
      if (r.ok) setLocale(r.value.locale);
      else if (r.error.code === 'unauthorized') setFatal(r.error);
    });
  }, [api]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = `${translate(locale, 'app.title')} ${translate(locale, 'app.subtitle')}`;
  }, [locale]);

  if (fatal) {
    return (
      <div className="fatal" role="alert" data-testid="fatal">
        <p>{errorMessage('zh-CN', fatal)}</p>
        <p lang="en">{errorMessage('en', fatal)}</p>
      </div>
    );
  }

  const changeLocale = (next: Locale) => {
    setLocale(next);
    void api.setLocale({ locale: next });
  };

  return (
    <I18nProvider locale={locale}>
      <Shell onLocale={changeLocale} />
    </I18nProvider>
  );
}

function Shell({ onLocale }: { onLocale: (l: Locale) => void }) {
  const { t, locale } = useI18n();
  return (
    <div className="shell">
      <header className="top-bar">
        <div className="brand">
          <span className="brand-title">{t('app.title')}</span>
          <span className="brand-sub">{t('app.subtitle')}</span>
        </div>
        <nav className="nav">
          <span className="nav-item active">{t('nav.diagnostics')}</span>
        </nav>
        <div className="lang" role="group" aria-label={t('nav.language')}>
          {LOCALES.map((l) => (
            <button key={l} type="button" className={l === locale ? 'active' : ''} aria-pressed={l === locale} onClick={() => onLocale(l)} data-testid={`lang-${l}`}>
              {t(`lang.${l}`)}
            </button>
          ))}
        </div>
      </header>
      <main className="content">
        <DiagnosticsScreen />
      </main>
      <StatusBar />
    </div>
  );
}
