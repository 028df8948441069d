/**
 * How many batch intakes this process runs at once, and a short, bounded line of those that wait
 * for a place. At day close a thousand tills upload at the same moment: answering every one past
 * the running few with 429 at once made most of them send their whole batch two, three, five times
 * (4,800 refusals for 1,000 batches in the load bench), each resend costing a signature and a body
 * on both sides. A batch that waits here has not been read yet (its body stays in the socket, so
 * the line costs no memory to speak of); it is refused with 429 + Retry-After when the line is full,
 * when the intakes ahead of it would at this process's pace take longer than a till should hold its
 * upload open (then at once), or when its wait grows that long all the same.
 *
 * Each refusal is given a time of its own to come back (Retry-After): after the work already
 * admitted here has drained, one refusal per intake this process finishes, at the pace it has been
 * finishing them. A thousand tills refused in the same second with the same Retry-After came back
 * in the same second and were mostly refused again; spread out, they find a place the first time
 * they return, and the servers are neither idle nor flooded meanwhile.
 */
import { performance } from 'node:perf_hooks';

/** Ends an intake's hold on its place; `completed`: the intake ran to its answer (only such a one measures the pace). */
export type Release = (completed?: boolean) => void;

/** What `enter` answers when the till hung up while it waited: neither a place nor a refusal to send. */
export const GONE = 'gone';

export interface IntakeGateOptions {
  /** Intakes that run at once. */
  running: number;
  /** Intakes that may wait for a place; one more is refused at once. */
  waiting: number;
  /** The longest an intake waits before it is refused (ms). */
  maxWaitMs: number;
}

/** The longest Retry-After given (s): well inside the 15 minutes a till honours at most. */
export const MAX_RETRY_AFTER_S = 600;
/**
 * How long an intake is taken to hold its place (ms) until this process has measured it: about
 * what a 100-record batch takes on a busy two-core server. A few dozen intakes replace the guess.
 */
const GUESSED_INTAKE_MS = 200;

interface Waiter {
  admit: (release: Release | null | typeof GONE) => void;
  timer: NodeJS.Timeout;
}

export class IntakeGate {
  private active = 0;
  private readonly line: Waiter[] = [];
  /**
   * How long an intake holds its place when every place is taken (a moving average, ms). With all
   * `running` places busy, one intake finishes every duration ÷ running (Little's law): the pace.
   */
  private busyIntakeMs = GUESSED_INTAKE_MS;
  private measured = 0;
  /** The next free time to send a refused till back to (ms on `now`'s clock). */
  private nextSlotMs = -Infinity;

  /** `now`: a monotonic clock (ms), so that the wall clock being set neither skews the pace nor the slots. */
  constructor(
    private readonly o: IntakeGateOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const [name, v] of Object.entries(o))
      if (!Number.isInteger(v) || v < (name === 'running' ? 1 : 0)) throw new Error(`intake gate: ${name} must be a whole number`);
  }

  get maxRunning(): number {
    return this.o.running;
  }

  get runningNow(): number {
    return this.active;
  }

  get waitingNow(): number {
    return this.line.length;
  }

  /**
   * A place to run an intake (call the release when it is done, however it ends), null: refuse it,
   * or GONE: the till hung up while it waited (`onGone` is how the caller says so; its place in
   * line is given up, and there is nobody to answer).
   */
  enter(onGone: (giveUp: () => void) => void): Promise<Release | null | typeof GONE> {
    if (this.active < this.o.running) return Promise.resolve(this.take());
    // Refused at once, rather than after holding the till's upload open for nothing: a full line, or
    // one that at this process's pace would not reach this intake within the longest wait.
    if (this.line.length >= this.o.waiting || (this.line.length + 1) * this.pace() > this.o.maxWaitMs) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w: Waiter = {
        admit: resolve,
        timer: setTimeout(() => this.leave(w, null), this.o.maxWaitMs),
      };
      this.line.push(w);
      onGone(() => this.leave(w, GONE));
    });
  }

  /**
   * The Retry-After (whole seconds, from `minSeconds` to MAX_RETRY_AFTER_S) for the intake being
   * refused now: the next free slot after the intakes running and waiting here, each slot one
   * intake's worth of this process's pace. Every call books a slot; past the cap, slots are not
   * booked further out than they are given (the tills told the cap come back together then).
   */
  retryAfterSeconds(minSeconds: number): number {
    const now = this.now();
    const pace = this.pace();
    const ahead = (this.active + this.line.length) * pace;
    const slot = Math.min(Math.max(this.nextSlotMs, now + Math.max(minSeconds * 1000, ahead)), now + MAX_RETRY_AFTER_S * 1000);
    this.nextSlotMs = slot + pace;
    return Math.min(MAX_RETRY_AFTER_S, Math.max(minSeconds, Math.round((slot - now) / 1000)));
  }

  private pace(): number {
    return this.busyIntakeMs / this.o.running;
  }

  /** The pace (ms between finished intakes while every place is taken), and how many intakes it was measured on. */
  get paceNow(): { ms: number; measured: number } {
    return { ms: this.pace(), measured: this.measured };
  }

  private take(): Release {
    this.active++;
    const started = this.now();
    let done = false;
    return (completed = false) => {
      if (done) return;
      done = true;
      // Only an intake that ran to its answer while every place was taken says how fast this process
      // works when it is busy (one refused in a millisecond for a bad signature, or whose till hung
      // up, does not); one sample moves the pace a tenth of the way, and never by more than a long wait.
      if (completed && (this.active >= this.o.running || this.line.length > 0)) {
        const took = Math.min(Math.max(0, this.now() - started), 10 * this.o.maxWaitMs);
        this.busyIntakeMs = 0.9 * this.busyIntakeMs + 0.1 * took;
        this.measured++;
      }
      this.active--;
      const next = this.line.shift();
      if (next) {
        clearTimeout(next.timer);
        next.admit(this.take());
      }
    };
  }

  private leave(w: Waiter, answer: null | typeof GONE): void {
    const i = this.line.indexOf(w);
    if (i < 0) return;
    this.line.splice(i, 1);
    clearTimeout(w.timer);
    w.admit(answer);
  }
}
