/**
 * The keyboard-wedge scanner's timing rules (src/renderer/src/scan/wedgeBuffer.ts, DESIGN.md §7),
 * fed keys with made-up times, no browser. The DOM listener around it (wedge.ts) is exercised by
 * the checkout e2e tests, which type at scanner speed.
 */
import { describe, expect, it } from 'vitest';
import { WedgeBuffer, type WedgeKey, type WedgeStep, type WedgeTiming } from '../../src/renderer/src/scan/wedgeBuffer';

/** Types `text` then `end` (Enter by default) `gapMs` apart from `start`; returns every step and the scans. */
function type(wedge: WedgeBuffer, text: string, opts: { start?: number; gapMs?: number; end?: string | null } & Partial<WedgeKey> = {}) {
  const { start = 1000, gapMs = 5, end = 'Enter', ...where } = opts;
  const keys = [...text, ...(end === null ? [] : [end])];
  const steps: WedgeStep[] = keys.map((key, i) => wedge.key({ ...where, key, time: start + i * gapMs }));
  const scans = steps.flatMap((s) => (s.kind === 'scan' ? [s.code] : []));
  return { steps, scans, endedAt: start + (keys.length - 1) * gapMs };
}

const scanner = (timing?: WedgeTiming) => new WedgeBuffer(timing);

describe('the keyboard-wedge scanner', () => {
  it('a code typed by the scanner, keys a few ms apart, is one scan when Enter ends it', () => {
    expect(type(scanner(), '6902754001019').scans).toEqual(['6902754001019']);
  });

  it('Tab ends a scan just like Enter', () => {
    expect(type(scanner(), '6902754001019', { end: 'Tab' }).scans).toEqual(['6902754001019']);
  });

  it('every Base45 symbol of a voucher survives: space $ % * + - . / :', () => {
    const token = 'CT1:0A9Z $%*+-./: END';
    expect(type(scanner(), token).scans).toEqual([token]);
  });

  it('a person typing slowly is not a scanner', () => {
    const { steps, scans } = type(scanner(), '6902754001019', { gapMs: 120 });
    expect(scans).toEqual([]);
    expect(steps.every((s) => s.kind === 'pass')).toBe(true);
  });

  it('the gap that still counts as a scanner can be set per till', () => {
    expect(type(scanner({ maxGapMs: 100 }), '12345', { gapMs: 80 }).scans).toEqual(['12345']);
    expect(type(scanner({ maxGapMs: 20 }), '12345', { gapMs: 30 }).scans).toEqual([]);
  });

  it('keys exactly the gap apart still belong together', () => {
    expect(type(scanner({ maxGapMs: 50 }), '12345', { gapMs: 50 }).scans).toEqual(['12345']);
  });

  it('a code shorter than the minimum is left to the page, Enter included', () => {
    const { steps, scans } = type(scanner(), '123');
    expect(scans).toEqual([]);
    expect(steps.at(-1)).toEqual({ kind: 'pass' });
    expect(type(scanner({ minLength: 2 }), '12').scans).toEqual(['12']);
  });

  it('once a burst is clearly a scanner, a busy page pausing it does not cut the scan in two', () => {
    const wedge = scanner();
    const a = type(wedge, '690275', { end: null });
    const b = type(wedge, '4001019', { start: a.endedAt + 150 });
    expect(b.scans).toEqual(['6902754001019']);
  });

  it('a pause longer than that starts afresh', () => {
    const wedge = scanner();
    const a = type(wedge, '690275', { end: null });
    expect(type(wedge, '4001019', { start: a.endedAt + 301 }).scans).toEqual(['4001019']);
  });

  it('a stray key long before a scan does not pollute it', () => {
    const wedge = scanner();
    wedge.key({ key: '7', time: 0 });
    expect(type(wedge, '6902754001019', { start: 400 }).scans).toEqual(['6902754001019']);
  });

  it('the scan keys are kept from the page from the second key on, and so is the Enter that ends it', () => {
    const { steps } = type(scanner(), '6902');
    expect(steps.map((s) => s.kind)).toEqual(['pass', 'swallow', 'swallow', 'swallow', 'scan']);
  });

  it('keys that are not characters (Shift) are not part of the code but keep the burst going', () => {
    const wedge = scanner();
    const steps = ['C', 'Shift', 'T', '1', ':', 'Shift', 'A', 'Enter'].map((key, i) => wedge.key({ key, time: 10 * i }));
    expect(steps.at(-1)).toEqual({ kind: 'scan', code: 'CT1:A' });
  });

  it('one scan at a time: two scans back to back are reported separately, each whole', () => {
    const wedge = scanner();
    const first = type(wedge, '6902754001019');
    const second = type(wedge, 'CT1:AB CD', { start: first.endedAt + 5 });
    expect([...first.scans, ...second.scans]).toEqual(['6902754001019', 'CT1:AB CD']);
  });

  it('Enter on its own after a scan does nothing more', () => {
    const wedge = scanner();
    const first = type(wedge, '6902754001019');
    expect(wedge.key({ key: 'Enter', time: first.endedAt + 5 })).toEqual({ kind: 'pass' });
  });

  it('keys typed into a field are left to the field', () => {
    const { steps, scans } = type(scanner(), '6902754001019', { editable: true });
    expect(scans).toEqual([]);
    expect(steps.every((s) => s.kind === 'pass')).toBe(true);
  });

  it('a field that opts in to scans (data-scan-target) gets scans too', () => {
    expect(type(scanner(), '6902754001019', { editable: true, scanTarget: true }).scans).toEqual(['6902754001019']);
  });

  it('shortcuts with Ctrl, Alt or Meta are never part of a scan', () => {
    const wedge = scanner();
    expect(wedge.key({ key: 'c', time: 0, modifier: true })).toEqual({ kind: 'pass' });
    const { scans } = type(wedge, '1234', { start: 5, modifier: true });
    expect(scans).toEqual([]);
  });

  it('a Chinese input method composing (keyCode 229) is reported, so the cashier can be told', () => {
    const wedge = scanner();
    expect(wedge.key({ key: 'Process', time: 0, composing: true })).toEqual({ kind: 'ime' });
    // even in a field, where keys are otherwise left alone
    expect(wedge.key({ key: 'Process', time: 5, composing: true, editable: true })).toEqual({ kind: 'ime' });
    // and it does not become part of the next scan
    expect(type(wedge, '12345', { start: 10 }).scans).toEqual(['12345']);
  });
});
