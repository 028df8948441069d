import { WedgeBuffer, type WedgeTiming } from './wedgeBuffer';

/**
 * Keyboard-wedge scanner input (DESIGN.md §7): the DOM listener around WedgeBuffer, which holds
 * the timing rules. This file only turns a keydown into a WedgeKey and acts on the answer.
 * Keys typed into an editable field are left alone unless the field has data-scan-target.
 */
export interface WedgeOptions extends WedgeTiming {
  onScan: (code: string) => void;
  /** keyCode 229: an input method (e.g. Chinese pinyin) is composing and swallowing the scanner's keys. */
  onImeDetected?: () => void;
}

const isEditable = (el: HTMLElement): boolean =>
  el.isContentEditable || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;

export function attachWedge(target: Window, options: WedgeOptions): () => void {
  const wedge = new WedgeBuffer(options);

  const onKeyDown = (e: KeyboardEvent) => {
    const el = e.target instanceof HTMLElement ? e.target : null;
    const step = wedge.key({
      key: e.key,
      time: e.timeStamp || performance.now(),
      composing: e.isComposing || e.keyCode === 229,
      modifier: e.ctrlKey || e.altKey || e.metaKey,
      editable: el !== null && isEditable(el),
      scanTarget: el?.closest('[data-scan-target]') != null,
    });
    if (step.kind === 'ime') options.onImeDetected?.();
    else if (step.kind === 'swallow') e.preventDefault();
    else if (step.kind === 'scan') {
      e.preventDefault();
      e.stopImmediatePropagation();
      options.onScan(step.code);
    }
  };

  target.addEventListener('keydown', onKeyDown, { capture: true });
  return () => target.removeEventListener('keydown', onKeyDown, { capture: true });
}

/** Kept here for older imports; what a scan is, is decided in classifyScan.ts. */
export { looksLikeVoucher } from './classifyScan';
