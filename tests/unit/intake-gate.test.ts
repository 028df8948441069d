import { describe, expect, it } from 'vitest';
import { IntakeGate } from '../../src/server/http/intakeGate';

const never = () => undefined;

describe('the program server’s intake gate', () => {
  it('runs so many at once, lines up so many more in arrival order, and refuses the rest', async () => {
    const gate = new IntakeGate({ running: 2, waiting: 2, maxWaitMs: 10_000 });
    const a = (await gate.enter(never))!;
    const b = (await gate.enter(never))!;
    expect([a, b].every(Boolean)).toBe(true);
    const order: string[] = [];
    const c = gate.enter(never).then((r) => (order.push('c'), r));
    const d = gate.enter(never).then((r) => (order.push('d'), r));
    expect(await gate.enter(never)).toBeNull(); // the line is full
    expect([gate.runningNow, gate.waitingNow]).toEqual([2, 2]);
    a();
    a(); // a release counts once, however often it is called
    const rc = await c;
    expect(rc).not.toBeNull();
    expect([gate.runningNow, gate.waitingNow]).toEqual([2, 1]);
    b();
    expect(await d).not.toBeNull();
    expect(order).toEqual(['c', 'd']);
    rc!();
    expect([gate.runningNow, gate.waitingNow]).toEqual([1, 0]);
  });

  it('refuses one that waited too long, and gives up the place of one whose till hung up', async () => {
    const gate = new IntakeGate({ running: 1, waiting: 5, maxWaitMs: 30 });
    const held = (await gate.enter(never))!;
    const t0 = Date.now();
    expect(await gate.enter(never)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    let hangUp: () => void = never;
    const gone = gate.enter((giveUp) => (hangUp = giveUp));
    expect(gate.waitingNow).toBe(1);
    hangUp();
    expect(await gone).toBeNull();
    expect(gate.waitingNow).toBe(0);
    held();
    expect(gate.runningNow).toBe(0);
  });

  it('takes only whole numbers, at least one running', () => {
    expect(() => new IntakeGate({ running: 0, waiting: 0, maxWaitMs: 0 })).toThrow(/running/);
    expect(() => new IntakeGate({ running: 1, waiting: 1.5, maxWaitMs: 0 })).toThrow(/waiting/);
    expect(() => new IntakeGate({ running: 1, waiting: -1, maxWaitMs: 0 })).toThrow(/waiting/);
  });
});
