import { runBacktest } from '../engine';
import { bar, frozenClock, scripted, T0, DAY } from './fixtures';

describe('golden: take-profit hit', () => {
  const bars = [
    bar(0, 100, 101, 99, 100),
    bar(1, 100, 104, 99, 103), // entry bar: high 104 below the target
    bar(2, 104, 112, 103, 111), // high 112 ≥ 110, open 104 below it → exit at 110
    bar(3, 111, 112, 110, 111),
  ];
  const strategy = scripted({ 0: (ctx) => ctx.buy({ takeProfit: 110 }) });
  const result = runBacktest(bars, strategy, { commissionRate: 0 }, frozenClock);

  it('exits the long at the take-profit price', () => {
    // no commission: qty = floor(10,000 / 100) = 100, cash 0; exit 100 × 110 = 11,000
    // pnl = (110 − 100) × 100 = 1,000; pnl_pct = 1,000 / 10,000 = 10 %
    expect(result.trades).toEqual([
      {
        side: 'long',
        entry_time: T0 + DAY,
        entry_price: 100,
        exit_time: T0 + 2 * DAY,
        exit_price: 110,
        qty: 100,
        pnl: 1000,
        pnl_pct: 10,
        exit_reason: 'take_profit',
      },
    ]);
  });

  it('reports the realised 10 % and no drawdown', () => {
    // equity 10,000; 100×103 = 10,300; 11,000; 11,000
    // returns 0.03, 0.06796117, 0; mean 0.03265372; sd 0.03405821 → sharpe ≈ 15.2199
    expect(result.equity_curve.map((p) => p.equity)).toEqual([10000, 10300, 11000, 11000]);
    expect(result.metrics.return_pct).toBeCloseTo(10, 9);
    expect(result.metrics.num_trades).toBe(1);
    expect(result.metrics.win_rate).toBe(100);
    expect(result.metrics.max_drawdown).toBe(0);
    expect(result.metrics.sharpe_ratio).toBeCloseTo(15.2199, 3);
  });
});
