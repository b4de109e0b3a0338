import { BACKOFF_DEFAULTS, backoffMs, extendOnly } from './cooldown-policy';

const noJitter = (): number => 0.5;
const lowest = (): number => 0;
const highest = (): number => 0.999999;

/** mulberry32: a tiny seeded PRNG so jitter tests are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(backoffMs.name, () => {
  it('uses base 30 s, cap 300 s and 20 % jitter by default', () => {
    expect(BACKOFF_DEFAULTS).toEqual({ baseMs: 30_000, capMs: 300_000, jitter: 0.2 });
  });

  it('is 0 when there has been no failure since the last success', () => {
    expect(backoffMs(0, noJitter)).toBe(0);
    expect(backoffMs(-3, noJitter)).toBe(0);
  });

  it('waits the base delay after the first failure', () => {
    expect(backoffMs(1, noJitter)).toBe(30_000);
  });

  it('doubles with each consecutive failure', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, noJitter))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('caps at 300 s', () => {
    expect(backoffMs(5, noJitter)).toBe(300_000);
    expect(backoffMs(6, noJitter)).toBe(300_000);
  });

  it('stays capped for absurd failure counts without overflowing', () => {
    expect(backoffMs(10_000, noJitter)).toBe(300_000);
  });

  it('subtracts up to 20 % with the lowest random value', () => {
    expect(backoffMs(1, lowest)).toBe(24_000);
  });

  it('adds almost 20 % with the highest random value', () => {
    expect(backoffMs(1, highest)).toBe(36_000);
  });

  it('never exceeds the cap, even with upward jitter', () => {
    expect(backoffMs(5, highest)).toBe(300_000);
    expect(backoffMs(4, highest)).toBe(288_000);
  });

  it('still jitters downward at the cap', () => {
    expect(backoffMs(8, lowest)).toBe(240_000);
  });

  it('keeps seeded jitter within ±20 % of the nominal value', () => {
    const random = seeded(42);
    for (let i = 0; i < 200; i++) {
      const ms = backoffMs(2, random);
      expect(ms).toBeGreaterThanOrEqual(48_000);
      expect(ms).toBeLessThanOrEqual(72_000);
    }
  });

  it('is reproducible with the same seed', () => {
    const a = seeded(7);
    const b = seeded(7);
    expect([1, 2, 3].map((n) => backoffMs(n, a))).toEqual([1, 2, 3].map((n) => backoffMs(n, b)));
  });

  it('returns whole milliseconds', () => {
    expect(Number.isInteger(backoffMs(3, seeded(1)))).toBe(true);
  });

  it('honours custom base, cap and jitter', () => {
    expect(backoffMs(3, noJitter, { baseMs: 1000, capMs: 3000 })).toBe(3000);
    expect(backoffMs(2, lowest, { baseMs: 1000, jitter: 0 })).toBe(2000);
    expect(backoffMs(1, lowest, { baseMs: 1000, jitter: 0.5 })).toBe(500);
  });

  it('treats a fractional failure count by its whole part', () => {
    expect(backoffMs(2.7, noJitter)).toBe(60_000);
  });

  it('rejects a random source outside [0, 1)', () => {
    expect(() => backoffMs(1, () => 1)).toThrow(RangeError);
    expect(() => backoffMs(1, () => Number.NaN)).toThrow(RangeError);
  });

  it('rejects invalid options', () => {
    expect(() => backoffMs(1, noJitter, { jitter: 2 })).toThrow(RangeError);
    expect(() => backoffMs(1, noJitter, { baseMs: -1 })).toThrow(RangeError);
  });

  it('does not consume randomness when no backoff is due', () => {
    const random = jest.fn(() => 0.5);
    backoffMs(0, random);
    expect(random).not.toHaveBeenCalled();
  });
});

describe(extendOnly.name, () => {
  it('takes the proposed end when no cooldown is set', () => {
    expect(extendOnly(null, 5000)).toBe(5000);
  });

  it('extends an earlier cooldown with a later one', () => {
    expect(extendOnly(5000, 9000)).toBe(9000);
  });

  it('never shortens a longer running cooldown', () => {
    expect(extendOnly(9000, 5000)).toBe(9000);
  });

  it('keeps the same end when both are equal', () => {
    expect(extendOnly(7000, 7000)).toBe(7000);
  });

  it('replaces an already expired cooldown with a new later one', () => {
    expect(extendOnly(1000, 61_000)).toBe(61_000);
  });
});
