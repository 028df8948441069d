import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';

/**
 * A PIN keypad for touch screens that also takes the keyboard's digits, Backspace and Enter.
 * The PIN never leaves this component until submitted.
 */
export function PinPad({
  onSubmit,
  busy,
  autoFocusKeys = true,
}: {
  onSubmit: (pin: string) => void;
  busy?: boolean;
  autoFocusKeys?: boolean;
}) {
  const { t } = useI18n();
  const [pin, setPin] = useState('');
  const press = (d: string) => setPin((p) => (p.length < 8 ? p + d : p));
  const submit = () => {
    if (pin.length >= 4 && !busy) {
      onSubmit(pin);
      setPin('');
    }
  };
  useEffect(() => {
    if (!autoFocusKeys) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (/^\d$/.test(e.key)) press(e.key);
      else if (e.key === 'Backspace') setPin((p) => p.slice(0, -1));
      else if (e.key === 'Enter') {
        e.preventDefault();
        submit();
      } else return;
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <div className="pinpad">
      <div className="pin-dots" aria-label={t('login.pin')} data-testid="pin-dots">
        {Array.from({ length: Math.max(4, pin.length) }, (_, i) => (
          <span key={i} className={i < pin.length ? 'dot on' : 'dot'} />
        ))}
      </div>
      <div className="pin-keys">
        {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
          <button key={d} type="button" onClick={() => press(d)}>
            {d}
          </button>
        ))}
        <button type="button" onClick={() => setPin('')} aria-label={t('login.clear')}>
          {t('login.clear')}
        </button>
        <button type="button" onClick={() => press('0')}>
          0
        </button>
        <button type="button" className="primary" onClick={submit} disabled={pin.length < 4 || busy} data-testid="pin-ok">
          {t('login.ok')}
        </button>
      </div>
    </div>
  );
}
