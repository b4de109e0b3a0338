/**
 * Cooldown arithmetic for repeated transient failures on one key (docs/key-rotation.md):
 * `base × 2^(n-1)` with ±20 % jitter, capped; `n` counts failures since the last success.
 */

export interface BackoffOptions {
  /** Cooldown after the first failure. Default 30 s. */
  baseMs?: number;
  /** Upper bound of any cooldown, jitter included. Default 300 s. */
  capMs?: number;
  /** Relative jitter: 0.2 spreads the value uniformly over [-20 %, +20 %). Default 0.2. */
  jitter?: number;
}

export const BACKOFF_DEFAULTS = { baseMs: 30_000, capMs: 300_000, jitter: 0.2 } as const;

/**
 * Cooldown in whole ms after `consecutiveFailures` failures in a row. 0 failures → 0 ms.
 * `random` returns a number in [0, 1) (Math.random or a seeded generator); 0.5 means no jitter.
 * The exponential part is capped before jitter is applied and the result is capped again,
 * so the value never exceeds `capMs`.
 */
export function backoffMs(consecutiveFailures: number, random: () => number, opts: BackoffOptions = {}): number {
  const baseMs = opts.baseMs ?? BACKOFF_DEFAULTS.baseMs;
  const capMs = opts.capMs ?? BACKOFF_DEFAULTS.capMs;
  const jitter = opts.jitter ?? BACKOFF_DEFAULTS.jitter;
  if (!(baseMs >= 0) || !(capMs >= 0) || !(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`backoffMs: invalid options ${JSON.stringify({ baseMs, capMs, jitter })}`);
  }
  if (!Number.isFinite(consecutiveFailures) || consecutiveFailures < 1) return 0;

  const exponent = Math.floor(consecutiveFailures) - 1;
  // 2^exponent overflows to Infinity for huge n; Math.min handles that.
  const raw = Math.min(capMs, baseMs * 2 ** exponent);
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`backoffMs: random() must return a number in [0, 1), got ${r}`);
  const factor = 1 + jitter * (2 * r - 1);
  return Math.min(capMs, Math.round(raw * factor));
}

/**
 * Combine an existing cooldown end with a new one: a later end extends, an earlier one never shortens.
 * `currentUntil` null means no cooldown is set.
 */
export function extendOnly(currentUntil: number | null, proposedUntil: number): number {
  return currentUntil === null ? proposedUntil : Math.max(currentUntil, proposedUntil);
}
