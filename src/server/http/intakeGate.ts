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
export type Release = () => void;

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
  admit: (release: Release | null) => void;
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
  /** The next free time to send a refused till back to (ms since the epoch). */
  private nextSlotMs = 0;

  constructor(
    private readonly o: IntakeGateOptions,
    private readonly now: () => number = Date.now,
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
   * A place to run an intake (call the release when it is done, however it ends), or null: refuse
   * it. `gone` is called back if the till hangs up while it waits (its place in line is given up).
   */
  enter(onGone: (giveUp: () => void) => void): Promise<Release | null> {
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
      onGone(() => this.leave(w, null));
    });
  }

  /**
   * The Retry-After (whole seconds, at least `minSeconds`) for the intake being refused now: the
   * next free slot after the intakes running and waiting here, each slot one intake's worth of this
   * process's pace. Every call books a slot.
   */
  retryAfterSeconds(minSeconds: number): number {
    const now = this.now();
    const pace = this.pace();
    const ahead = (this.active + this.line.length) * pace;
    const slot = Math.max(this.nextSlotMs, now + Math.max(minSeconds * 1000, ahead));
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
    return () => {
      if (done) return;
      done = true;
      // Only an intake that ran while every place was taken says how fast this process works when it is busy.
      if (this.active >= this.o.running || this.line.length > 0) {
        this.busyIntakeMs = 0.9 * this.busyIntakeMs + 0.1 * (this.now() - started);
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

  private leave(w: Waiter, answer: null): void {
    const i = this.line.indexOf(w);
    if (i < 0) return;
    this.line.splice(i, 1);
    clearTimeout(w.timer);
    w.admit(answer);
  }
}
