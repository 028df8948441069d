import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider';

/**
 * A modal that owns Enter (confirm) and Esc (cancel) while open, and always shows a cancel button
 * at the bottom: a touch-only till has no Esc key, and a dialog nobody can close stops the counter.
 * `actions` (the dialog's own buttons) sit beside it. Tapping outside does not close it: at a busy
 * counter a stray tap would throw away a half-typed PIN.
 */
export function Modal({
  title,
  children,
  actions,
  onConfirm,
  onCancel,
  cancelLabel,
  wide = false,
  testId,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  onConfirm?: () => void;
  onCancel: () => void;
  /** What cancelling means here ("返回", "换人登录"); "取消" when omitted. */
  cancelLabel?: string;
  wide?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopImmediatePropagation();
        onCancel();
      } else if (
        e.key === 'Enter' &&
        onConfirm &&
        // A focused field or button answers Enter itself (a focused "cancel" must not confirm).
        !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement)
      ) {
        e.preventDefault();
        e.stopImmediatePropagation();
        onConfirm();
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [onConfirm, onCancel]);

  // Keys go to the dialog, not to the field behind it (unless a field inside it took focus already).
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.contains(document.activeElement)) el.focus();
  }, []);

  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className={wide ? 'modal wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
      >
        <h2>{title}</h2>
        <div className="modal-body">{children}</div>
        <div className="modal-actions">
          {actions}
          <button type="button" onClick={onCancel} data-testid="modal-cancel">
            {cancelLabel ?? t('common.cancel')}
            <kbd>{t('common.escKey')}</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
