import { maxAgeMs, storedWindow, StoredCoverage } from './stored-bars.provider';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const coverage = (over: Partial<StoredCoverage> = {}): StoredCoverage => ({
  symbolId: 1,
  days: 365,
  firstBar: new Date(NOW - 364 * DAY),
  lastBar: new Date(Date.UTC(2026, 11, 1)),
  synthetic: true,
  fetchedAt: new Date(NOW - 3600_000),
  ...over,
});

describe(storedWindow.name, () => {
  it('serves everything a same-length fetch stored while it is younger than the max age', () => {
    const c = coverage();
    expect(storedWindow({ symbol: 'AAPL', period: '1y', interval: '1d' }, c, 86400, NOW)).toEqual({ from: c.firstBar, to: c.lastBar });
  });

  it('serves the last days up to the newest bar from a longer fetch', () => {
    const c = coverage();
    const w = storedWindow({ symbol: 'AAPL', period: '1mo', interval: '1d' }, c, 86400, NOW)!;
    expect(w.to).toEqual(c.lastBar);
    expect(c.lastBar.getTime() - w.from.getTime()).toBe(30 * DAY - 1);
  });

  it.each([
    ['a longer period than fetched', { symbol: 'AAPL', period: '2y', interval: '1d' } as const, coverage(), 86400],
    [
      'a fetch older than the max age',
      { symbol: 'AAPL', period: '1y', interval: '1d' } as const,
      coverage({ fetchedAt: new Date(NOW - 2 * DAY) }),
      86400,
    ],
    ['the layer switched off', { symbol: 'AAPL', period: '1y', interval: '1d' } as const, coverage(), 0],
    [
      'an intraday fetch older than one bar',
      { symbol: 'AAPL', period: '1mo', interval: '5m' } as const,
      coverage({ days: 30, fetchedAt: new Date(NOW - 6 * 60_000) }),
      86400,
    ],
    [
      'a fetch from the future (clock skew)',
      { symbol: 'AAPL', period: '1y', interval: '1d' } as const,
      coverage({ fetchedAt: new Date(NOW + 60_000) }),
      86400,
    ],
  ])('asks the source for %s', (_what, req, c, maxAge) => {
    expect(storedWindow(req, c, maxAge, NOW)).toBeNull();
  });

  it('keeps intraday series fresh for one bar at most', () => {
    expect(maxAgeMs({ symbol: 'AAPL', period: '1mo', interval: '5m' }, 86400)).toBe(5 * 60_000);
    expect(maxAgeMs({ symbol: 'AAPL', period: '1mo', interval: '5m' }, 60)).toBe(60_000);
    expect(maxAgeMs({ symbol: 'AAPL', period: '1y', interval: '1wk' }, 86400)).toBe(DAY);
  });
});
