/**
 * The timing and buffering of keyboard-wedge scans (DESIGN.md §7), apart from the DOM so it can be
 * tested in Node: fed one key at a time (its `e.key`, its time, where it was typed), it says what
 * to do with that key. wedge.ts is the thin listener around it.
 *
 * A USB scanner "types" its code very fast and ends with Enter or Tab; a person types slowly.
 * Keys that arrive at most `maxGapMs` apart are one scan. `e.key` is used, never keyCodes, so
 * every Base45 symbol (space $ % * + - . / :) survives. The buffer holds one scan at a time:
 * Enter/Tab hands it over whole and starts the next one empty.
 */
export interface WedgeTiming {
  maxGapMs?: number;
  /**
   * Once a burst has started like a scanner (3 fast keys), a longer gap is tolerated: a busy page
   * (the camera decoding, a re-render) can delay key events, and a scan must not be cut in two.
   */
  burstGapMs?: number;
  minLength?: number;
}

export interface WedgeKey {
  /** KeyboardEvent.key */
  key: string;
  /** Milliseconds, any monotonic clock. */
  time: number;
  /** An input method is composing (isComposing, or keyCode 229). */
  composing?: boolean;
  /** Ctrl, Alt or Meta is held: a shortcut, not a scan. */
  modifier?: boolean;
  /** Typed into an input, textarea, select or contenteditable... */
  editable?: boolean;
  /** ...which sits inside [data-scan-target], so it opts in to scans anyway. */
  scanTarget?: boolean;
}

export type WedgeStep =
  /** keyCode 229: an input method (e.g. Chinese pinyin) is swallowing the scanner's keys. */
  | { kind: 'ime' }
  /** Not part of a scan (yet): the page gets the key as usual. */
  | { kind: 'pass' }
  /** Clearly part of a scan: keep it from the page (a space would press a button). */
  | { kind: 'swallow' }
  /** Enter/Tab ended a scan: keep that key from the page too (it would press "confirm"). */
  | { kind: 'scan'; code: string };

export class WedgeBuffer {
  private readonly maxGap: number;
  private readonly burstGap: number;
  private readonly minLength: number;
  private buffer = '';
  private last = 0;

  constructor(timing: WedgeTiming = {}) {
    this.maxGap = timing.maxGapMs ?? 50;
    this.burstGap = timing.burstGapMs ?? 300;
    this.minLength = timing.minLength ?? 4;
  }

  key(k: WedgeKey): WedgeStep {
    if (k.composing) return { kind: 'ime' };
    if ((k.editable && !k.scanTarget) || k.modifier) return { kind: 'pass' };
    if (k.time - this.last > (this.buffer.length >= 3 ? this.burstGap : this.maxGap)) this.buffer = '';
    this.last = k.time;
    if (k.key === 'Enter' || k.key === 'Tab') {
      const code = this.buffer;
      this.buffer = '';
      return code.length >= this.minLength ? { kind: 'scan', code } : { kind: 'pass' };
    }
    if (k.key.length === 1) {
      this.buffer += k.key;
      if (this.buffer.length >= 2) return { kind: 'swallow' };
    }
    return { kind: 'pass' };
  }
}
