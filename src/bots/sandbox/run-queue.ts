/**
 * A first-come-first-served concurrency limit with a bounded waiting line. Pure: no timers, no I/O.
 * Waiters learn their 1-based position when they join and whenever it improves.
 */
export class QueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`the run queue is full (${waiting} waiting)`);
  }
}

interface Waiter {
  grant: () => void;
  onPosition?: (position: number) => void;
}

export class RunQueue {
  private active = 0;
  private readonly line: Waiter[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.line.length;
  }

  /** Resolves with a release function once a slot is free. Throws QueueFullError when the line is full. */
  acquire(onPosition?: (position: number) => void): Promise<() => void> {
    if (this.active < this.concurrency && this.line.length === 0) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.line.length >= this.maxWaiting) return Promise.reject(new QueueFullError(this.line.length));
    return new Promise((resolve) => {
      this.line.push({ grant: () => resolve(this.releaser()), onPosition });
      onPosition?.(this.line.length);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.line.shift();
      if (next) next.grant();
      else this.active -= 1;
      this.line.forEach((w, i) => w.onPosition?.(i + 1));
    };
  }
}
