import { drawdownPeriods, toCsv, tradeStats } from './analysis';

const d = (n: number) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString();

describe('drawdownPeriods', () => {
  it('splits the drawdown series into periods, deepest first, the last one still open', () => {
    // peak day 1; under water days 2–3 (10 %, 5 %), regained day 4; under again day 6 (3 %) to the end
    const series = [0, 0, 10, 5, 0, 0, 3].map((value, n) => ({ date: d(n), value }));
    expect(drawdownPeriods(series)).toEqual([
      { start: d(1), trough: d(2), end: d(4), depth_pct: 10, duration_days: 3 },
      { start: d(5), trough: d(6), end: null, depth_pct: 3, duration_days: 1 },
    ]);
  });
});

describe('tradeStats', () => {
  it('groups by symbol and side and counts streaks', () => {
    const t = (symbol: string, pnl: number, trade_type = 'long') => ({ symbol, trade_type, pnl, pnl_pct: pnl / 10, holding_period: 2 });
    const s = tradeStats([t('AAPL', 10), t('AAPL', 20), t('MSFT', -5, 'short'), t('MSFT', -5), t('AAPL', 0)]);
    // 2 winners of 5 → 40 %; total 20; streaks: +2 then −3
    expect(s).toMatchObject({
      trades: 5,
      winning: 2,
      losing: 3,
      win_rate: 40,
      total_pnl: 20,
      avg_pnl: 4,
      max_consecutive_wins: 2,
      max_consecutive_losses: 3,
    });
    expect(s.by_symbol).toEqual([
      {
        symbol: 'AAPL',
        trades: 3,
        winning: 2,
        losing: 1,
        win_rate: expect.closeTo(66.666667, 5),
        total_pnl: 30,
        avg_pnl: 10,
        avg_pnl_pct: 1,
      },
      { symbol: 'MSFT', trades: 2, winning: 0, losing: 2, win_rate: 0, total_pnl: -10, avg_pnl: -5, avg_pnl_pct: -0.5 },
    ]);
    expect(s.by_type.short.trades).toBe(1);
    expect(tradeStats([])).toMatchObject({ trades: 0, win_rate: 0, avg_holding_period: null, best_trade_pct: null });
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', '=cmd()'],
          [-1.5, null],
        ],
      ),
    ).toBe('a,b\r\n"x,y",\'=cmd()\r\n-1.5,\r\n');
  });
});
