import { Clock, FakeClock, SystemClock } from './clock';

describe(SystemClock.name, () => {
  it('is a Clock', () => {
    expect(new SystemClock()).toBeInstanceOf(Clock);
  });

  it('returns the current wall-clock time in epoch milliseconds', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});

describe(FakeClock.name, () => {
  it('is a Clock', () => {
    expect(new FakeClock()).toBeInstanceOf(Clock);
  });

  it('starts at epoch 0 by default', () => {
    expect(new FakeClock().now()).toBe(0);
  });

  it('starts at the given instant', () => {
    expect(new FakeClock(1_700_000_000_000).now()).toBe(1_700_000_000_000);
  });

  it('does not move on its own', () => {
    const clock = new FakeClock(42);
    expect(clock.now()).toBe(42);
    expect(clock.now()).toBe(42);
  });

  it('jumps to an absolute instant with set', () => {
    const clock = new FakeClock(1000);
    clock.set(5000);
    expect(clock.now()).toBe(5000);
  });

  it('can be set backwards to simulate clock skew', () => {
    const clock = new FakeClock(5000);
    clock.set(1000);
    expect(clock.now()).toBe(1000);
  });

  it('moves forward by the given amount with advance', () => {
    const clock = new FakeClock(1000);
    clock.advance(250);
    clock.advance(750);
    expect(clock.now()).toBe(2000);
  });

  it('refuses to advance by a negative amount', () => {
    expect(() => new FakeClock().advance(-1)).toThrow(RangeError);
  });

  it('refuses non-finite instants', () => {
    expect(() => new FakeClock(Number.NaN)).toThrow(RangeError);
    expect(() => new FakeClock().set(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('Clock.sleep', () => {
  it('FakeClock: moves time forward by the wait, records it and resolves at once', async () => {
    const clock = new FakeClock(1000);
    await clock.sleep(20_000);
    expect(clock.now()).toBe(21_000);
    expect(clock.sleeps).toEqual([20_000]);
  });

  it('FakeClock: an aborted signal rejects and time stays put', async () => {
    const clock = new FakeClock(5);
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(clock.sleep(100, ac.signal)).rejects.toThrow('cancelled');
    expect(clock.now()).toBe(5);
  });

  it('SystemClock: an abort ends the wait early with the reason', async () => {
    const ac = new AbortController();
    const waiting = new SystemClock().sleep(60_000, ac.signal);
    ac.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow();
  });

  it('SystemClock: resolves after a short wait', async () => {
    await expect(new SystemClock().sleep(1)).resolves.toBeUndefined();
  });
});
