import { decimalOrNull, periodFor, verdictOf } from './bot-verification';

const TODAY = new Date('2026-11-25T07:00:00Z');
const ON = { symbol: 'AAPL', timeframe: '1d', period: '1y' };
const metrics = (over: Partial<Record<string, number>> = {}) => ({
  return_pct: 12.345,
  num_trades: 4,
  win_rate: 50,
  sharpe_ratio: 1.2,
  max_drawdown: 3.4,
  execution_time: 0.01,
  ...over,
});

describe(periodFor.name, () => {
  it('is 1y without a start date, whatever the end date', () => {
    expect(periodFor(undefined, undefined, TODAY)).toBe('1y');
    expect(periodFor(undefined, '2025-01-01', TODAY)).toBe('1y');
  });

  it.each([
    ['2025-01-01', '2025-01-01', '1mo'],
    ['2025-01-01', '2025-01-31', '1mo'],
    ['2025-01-01', '2025-02-01', '3mo'],
    ['2025-01-01', '2025-07-01', '1y'],
    ['2024-01-01', '2025-01-01', '2y'],
    ['2020-02-01', '2025-01-01', '5y'],
    ['2020-01-01', '2025-01-01', 'max'],
    ['1990-01-01', '2025-01-01', 'max'],
  ])('picks the shortest period covering %s…%s: %s', (start, end, period) => {
    expect(periodFor(start, end, TODAY)).toBe(period);
  });

  it('ends an open range today', () => {
    expect(periodFor('2026-10-01', undefined, TODAY)).toBe('3mo');
  });
});

describe(verdictOf.name, () => {
  it('verifies a run that succeeded and traded', () => {
    expect(verdictOf({ ok: true, metrics: metrics() }, ON)).toEqual({
      isVerified: true,
      status: 'verified',
      notes: 'Verified: 4 trade(s) on AAPL 1d (1y); return 12.35%, win rate 50.0%, Sharpe 1.20, max drawdown 3.40%',
      totalReturn: '12.345000',
      winRate: '50.00',
      sharpeRatio: '1.200000',
      maxDrawdown: '3.400000',
      totalTrades: 4,
    });
  });

  it('fails a run that made no trades, keeping its figures', () => {
    expect(verdictOf({ ok: true, metrics: metrics({ num_trades: 0, return_pct: 0 }) }, ON)).toMatchObject({
      isVerified: false,
      status: 'failed',
      totalReturn: '0.000000',
      totalTrades: 0,
    });
  });

  it('fails a run that errored, with no figures and the error in the notes', () => {
    expect(verdictOf({ ok: false, errorType: 'reference', message: 'ReferenceError: nope is not defined' }, ON)).toEqual({
      isVerified: false,
      status: 'failed',
      notes: 'Not verified: the bot failed on AAPL 1d (1y) (reference): ReferenceError: nope is not defined',
      totalReturn: null,
      winRate: null,
      sharpeRatio: null,
      maxDrawdown: null,
      totalTrades: 0,
    });
  });
});

describe(decimalOrNull.name, () => {
  it('rounds to the scale and refuses what does not fit or is not finite', () => {
    expect(decimalOrNull(1.23456789, 15, 6)).toBe('1.234568');
    expect(decimalOrNull(999.994, 5, 2)).toBe('999.99');
    expect(decimalOrNull(999.999, 5, 2)).toBeNull();
    expect(decimalOrNull(Number.NaN, 15, 6)).toBeNull();
    expect(decimalOrNull(Number.POSITIVE_INFINITY, 15, 6)).toBeNull();
  });
});
