import { describe, expect, it } from 'vitest';
import { GONE, IntakeGate, type Release } from '../../src/server/http/intakeGate';

const never = () => undefined;

/** Makes a gate measure a pace: every place held, then one finishing each `gapMs` (on `clock`) and taken again at once. */
async function paced(gate: IntakeGate, running: number, gapMs: number, clock = { ms: Date.now() }, n = 200): Promise<void> {
  const queue = (await Promise.all(Array.from({ length: running }, () => gate.enter(never)))).map((r) => r as Release);
  for (let i = 0; i < n; i++) {
    clock.ms += gapMs;
    queue.shift()!(true);
    queue.push((await gate.enter(never)) as Release);
  }
  for (const r of queue) {
    clock.ms += gapMs;
    r(true);
  }
}

describe('the program server’s intake gate', () => {
  it('runs so many at once, lines up so many more in arrival order, and refuses the rest', async () => {
    const gate = new IntakeGate({ running: 2, waiting: 2, maxWaitMs: 10_000 });
    const a = (await gate.enter(never)) as Release;
    const b = (await gate.enter(never)) as Release;
    expect([a, b].every(Boolean)).toBe(true);
    const order: string[] = [];
    const c = gate.enter(never).then((r) => (order.push('c'), r));
    const d = gate.enter(never).then((r) => (order.push('d'), r));
    expect(await gate.enter(never)).toBeNull(); // the line is full
    expect([gate.runningNow, gate.waitingNow]).toEqual([2, 2]);
    a();
    a(); // a release counts once, however often it is called
    const rc = (await c) as Release;
    expect(rc).not.toBeNull();
    expect([gate.runningNow, gate.waitingNow]).toEqual([2, 1]);
    b();
    expect(await d).not.toBeNull();
    expect(order).toEqual(['c', 'd']);
    rc!();
    expect([gate.runningNow, gate.waitingNow]).toEqual([1, 0]);
  });

  it('refuses one that waited too long, and gives up the place of one whose till hung up', async () => {
    const clock = { ms: 1_000_000 };
    const gate = new IntakeGate({ running: 1, waiting: 5, maxWaitMs: 30 }, () => clock.ms);
    await paced(gate, 1, 10, clock); // fast enough that one in line should be reached within 30 ms
    const held = (await gate.enter(never)) as Release;
    const t0 = Date.now();
    expect(await gate.enter(never)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    let hangUp: () => void = never;
    const gone = gate.enter((giveUp) => (hangUp = giveUp));
    expect(gate.waitingNow).toBe(1);
    hangUp();
    expect(await gone).toBe(GONE);
    expect(gate.waitingNow).toBe(0);
    held();
    expect(gate.runningNow).toBe(0);
  });

  it('takes only whole numbers, at least one running', () => {
    expect(() => new IntakeGate({ running: 0, waiting: 0, maxWaitMs: 0 })).toThrow(/running/);
    expect(() => new IntakeGate({ running: 1, waiting: 1.5, maxWaitMs: 0 })).toThrow(/waiting/);
    expect(() => new IntakeGate({ running: 1, waiting: -1, maxWaitMs: 0 })).toThrow(/waiting/);
  });

  it('measures its pace from intakes that run while it is full (each takes running × pace), and not from one alone', async () => {
    const clock = { ms: 1_000_000 };
    const gate = new IntakeGate({ running: 2, waiting: 100, maxWaitMs: 10_000 }, () => clock.ms);
    expect(gate.paceNow).toEqual({ ms: 100, measured: 0 }); // the guess: 200 ms an intake, two at once
    await paced(gate, 2, 40, clock);
    expect(gate.paceNow.ms).toBeCloseTo(40, 3);
    const measured = gate.paceNow.measured;
    // One running alone, for a minute, says nothing about the pace.
    const a = (await gate.enter(never)) as Release;
    clock.ms += 60_000;
    a(true);
    expect(gate.paceNow).toEqual({ ms: expect.closeTo(40, 3), measured });
  });

  it('gives each refusal a time of its own to come back: after the work ahead, one intake’s pace apart', async () => {
    const clock = { ms: 1_000_000 };
    const gate = new IntakeGate({ running: 2, waiting: 100, maxWaitMs: 10_000 }, () => clock.ms);
    await paced(gate, 2, 100, clock); // 100 ms between finished intakes
    const held = [(await gate.enter(never)) as Release, (await gate.enter(never)) as Release];
    const line = Array.from({ length: 20 }, () => gate.enter(never));
    // 22 ahead (2 running, 20 waiting) at 100 ms: the first slot is 2.2 s out, then one every 100 ms.
    const waits = Array.from({ length: 30 }, () => gate.retryAfterSeconds(1));
    expect([waits[0], waits[4], waits[27]]).toEqual([2, 3, 5]); // 2.2, 2.6, 4.9 s, to the nearest second
    expect([...waits].sort((x, y) => x - y)).toEqual(waits);
    // The floor holds however little is ahead, and no refusal is sent further than ten minutes…
    expect(gate.retryAfterSeconds(240)).toBe(240);
    for (let i = 0; i < 10_000; i++) gate.retryAfterSeconds(1);
    expect(gate.retryAfterSeconds(1)).toBe(600);
    // …nor booked further: ten minutes on, the slots start again from the work then ahead.
    clock.ms += 601_000;
    expect(gate.retryAfterSeconds(1)).toBe(2);
    held.forEach((r) => r());
    for (const w of line) ((await w) as Release)();
  });

  it('takes its pace only from intakes that ran to their answer, and not from a clock set back', async () => {
    const clock = { ms: 1_000_000 };
    const gate = new IntakeGate({ running: 2, waiting: 100, maxWaitMs: 10_000 }, () => clock.ms);
    await paced(gate, 2, 100, clock); // each intake holds its place 200 ms: 100 ms a place
    const { measured } = gate.paceNow;
    const a = (await gate.enter(never)) as Release;
    const b = (await gate.enter(never)) as Release;
    clock.ms += 5;
    a(); // refused in 5 ms for a bad signature, or its till hung up: says nothing of the pace
    expect(gate.paceNow).toEqual({ ms: expect.closeTo(100, 3), measured });
    const c = (await gate.enter(never)) as Release;
    clock.ms -= 3_600_000; // an hour back: counted as no time at all, never as less
    b(true);
    expect(gate.paceNow).toEqual({ ms: expect.closeTo(90, 3), measured: measured + 1 });
    c(true);
  });

  it('refuses at once one that the line ahead would not let in within the longest wait', async () => {
    const clock = { ms: 1_000_000 };
    const gate = new IntakeGate({ running: 1, waiting: 100, maxWaitMs: 1_000 }, () => clock.ms);
    await paced(gate, 1, 300, clock); // 300 ms an intake
    const held = (await gate.enter(never)) as Release;
    const first = gate.enter(never); // reached in 300 ms
    const second = gate.enter(never); // 600 ms
    const third = gate.enter(never); // 900 ms
    expect(gate.waitingNow).toBe(3);
    const t0 = Date.now();
    expect(await gate.enter(never)).toBeNull(); // 1,200 ms > 1,000: refused without waiting
    expect(Date.now() - t0).toBeLessThan(100);
    expect(gate.waitingNow).toBe(3);
    held();
    for (const w of [first, second, third]) ((await w) as Release)();
  });
});
