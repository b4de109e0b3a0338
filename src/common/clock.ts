import { setTimeout as delay } from 'node:timers/promises';

/**
 * The one time source. Everything whose behaviour depends on "now" or on waiting receives a `Clock`
 * (provided once, by ClockModule) or a plain epoch-ms number, so it stays deterministic under test.
 */
export abstract class Clock {
  /** Current time in epoch milliseconds. */
  abstract now(): number;
  /** Resolves after `ms` milliseconds of this clock's time; rejects with the signal's reason if aborted first. */
  abstract sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time: the only place allowed to read the system clock or set a timer for a wait. */
export class SystemClock extends Clock {
  override now(): number {
    return Date.now();
  }

  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  }
}

/**
 * The wall clock, as a default for classes that scripts and benches construct by hand (outside Nest's DI); the
 * app always passes its injected `Clock` instead.
 */
export const systemClock: Clock = new SystemClock();

/**
 * Manually driven clock for tests: time moves only when `set`, `advance` or `sleep` is called. `sleep` moves
 * time forward by the wait and resolves at once, so a code path that waits 20 s runs in microseconds.
 */
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

  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.advance(Math.max(0, ms));
    await Promise.resolve();
  }

  /** Every wait asked for, in order (tests check that a path waited, and how long). */
  readonly sleeps: number[] = [];

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
