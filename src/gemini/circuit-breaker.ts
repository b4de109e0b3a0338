/**
 * Per-model circuit breaker for model-side failures (500/503/504): after `threshold` of them in a row the
 * model is considered down for `openMs`, and calls fail fast instead of hammering Gemini and holding users
 * for the whole deadline. A success closes it. Per replica, in memory; pure apart from the injected clock.
 */
export interface BreakerOptions {
  threshold: number;
  openMs: number;
}

export const BREAKER_DEFAULTS: BreakerOptions = { threshold: 5, openMs: 30_000 };

export class CircuitBreaker {
  private readonly streak = new Map<string, number>();
  private readonly openUntil = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly options: BreakerOptions = BREAKER_DEFAULTS,
  ) {}

  /** Milliseconds until the model may be tried again; 0 when closed. */
  blockedFor(model: string): number {
    const until = this.openUntil.get(model);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    // Half-open: let calls through; the next failure re-opens at once.
    this.openUntil.delete(model);
    this.streak.set(model, this.options.threshold - 1);
    return 0;
  }

  failure(model: string): void {
    const n = (this.streak.get(model) ?? 0) + 1;
    this.streak.set(model, n);
    if (n >= this.options.threshold) this.openUntil.set(model, this.now() + this.options.openMs);
  }

  success(model: string): void {
    this.streak.delete(model);
    this.openUntil.delete(model);
  }
}
