/**
 * How many batch intakes this process runs at once, and a short, bounded line of those that wait
 * for a place. At day close a thousand tills upload at the same moment: answering every one past
 * the running few with 429 at once made most of them send their whole batch two, three, five times
 * (4,800 refusals for 1,000 batches in the load bench), each resend costing a signature and a body
 * on both sides. A batch that waits here has not been read yet (its body stays in the socket, so
 * the line costs no memory to speak of); it is refused with 429 + Retry-After only when the line is
 * full or its wait grows longer than a till should hold its upload open.
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

interface Waiter {
  admit: (release: Release | null) => void;
  timer: NodeJS.Timeout;
}

export class IntakeGate {
  private active = 0;
  private readonly line: Waiter[] = [];

  constructor(private readonly o: IntakeGateOptions) {
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
    if (this.line.length >= this.o.waiting) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w: Waiter = {
        admit: resolve,
        timer: setTimeout(() => this.leave(w, null), this.o.maxWaitMs),
      };
      this.line.push(w);
      onGone(() => this.leave(w, null));
    });
  }

  private take(): Release {
    this.active++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
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
