/**
 * Keyboard-wedge scanner input (DESIGN.md §7). A USB scanner "types" its code very fast and ends
 * with Enter or Tab; a person types slowly. Keys that arrive at most `maxGapMs` apart are one
 * scan. `e.key` is used, never keyCodes, so every Base45 symbol (space $ % * + - . / :) survives.
 * Keys typed into an editable field are left alone unless the field has data-scan-target.
 */
export interface WedgeOptions {
  onScan: (code: string) => void;
  /** keyCode 229: an input method (e.g. Chinese pinyin) is composing and swallowing the scanner's keys. */
  onImeDetected?: () => void;
  maxGapMs?: number;
  /**
   * Once a burst has started like a scanner (3 fast keys), a longer gap is tolerated: a busy page
   * (the camera decoding, a re-render) can delay key events, and a scan must not be cut in two.
   */
  burstGapMs?: number;
  minLength?: number;
}

export function attachWedge(target: Window, options: WedgeOptions): () => void {
  const maxGap = options.maxGapMs ?? 50;
  const burstGap = options.burstGapMs ?? 300;
  const minLength = options.minLength ?? 4;
  let buffer = '';
  let last = 0;

  const editable = (el: EventTarget | null): boolean => {
    if (!(el instanceof HTMLElement)) return false;
    if (el.closest('[data-scan-target]')) return false;
    return el.isContentEditable || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing || e.keyCode === 229) {
      options.onImeDetected?.();
      return;
    }
    if (editable(e.target) || e.ctrlKey || e.altKey || e.metaKey) return;
    const now = e.timeStamp || performance.now();
    if (now - last > (buffer.length >= 3 ? burstGap : maxGap)) buffer = '';
    last = now;
    if (e.key === 'Enter' || e.key === 'Tab') {
      const code = buffer;
      buffer = '';
      if (code.length >= minLength) {
        // A scan: keep Enter from also pressing a focused button (e.g. "confirm").
        e.preventDefault();
        e.stopImmediatePropagation();
        options.onScan(code);
      }
      return;
    }
    if (e.key.length === 1) {
      buffer += e.key;
      // Once it is clearly a scan, the keys must not reach the page (space would press buttons).
      if (buffer.length >= 2) e.preventDefault();
    }
  };

  target.addEventListener('keydown', onKeyDown, { capture: true });
  return () => target.removeEventListener('keydown', onKeyDown, { capture: true });
}

/** Voucher tokens start with CT and a version; anything else the scanners read is a product barcode. */
export function looksLikeVoucher(code: string): boolean {
  return /^\s*CT\d{1,3}:/i.test(code);
}
