/**
 * Time source for the key-rotation module. Everything that needs "now" receives a `Clock`
 * (or a plain epoch-ms number), so the core stays deterministic under test.
 */
export abstract class Clock {
  /** Current time in epoch milliseconds. */
  abstract now(): number;
}

/** Wall-clock time. The only place in the module allowed to read the system clock. */
export class SystemClock extends Clock {
  override now(): number {
    return Date.now();
  }
}

/** Manually driven clock for tests: time moves only when `set` or `advance` is called. */
export class FakeClock extends Clock {
  private current: number;

  constructor(startMs = 0) {
    super();
    this.current = FakeClock.checked(startMs);
  }

  override now(): number {
    return this.current;
  }

  /** Jump to an absolute epoch-ms instant (may go backwards, to simulate clock skew). */
  set(ms: number): void {
    this.current = FakeClock.checked(ms);
  }

  /** Move forward by `ms` milliseconds. Negative values are refused. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`FakeClock.advance: expected a non-negative finite number, got ${ms}`);
    }
    this.current += ms;
  }

  private static checked(ms: number): number {
    if (!Number.isFinite(ms)) {
      throw new RangeError(`FakeClock: expected a finite epoch-ms number, got ${ms}`);
    }
    return ms;
  }
}
