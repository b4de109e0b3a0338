import { runBacktest } from '../engine';
import { bar, frozenClock, scripted, T0, DAY } from './fixtures';

describe('golden: short', () => {
  const bars = [bar(0, 198, 201, 197, 200), bar(1, 200, 201, 189, 190), bar(2, 190, 191, 179, 180), bar(3, 180, 183, 179, 182)];
  const strategy = scripted({ 0: (ctx) => ctx.sell(), 2: (ctx) => ctx.close() });
  const result = runBacktest(bars, strategy, { slippageRate: 0.005 }, frozenClock);

  it('shorts all-in at 199 and covers at 180.90, profiting from the fall', () => {
    // sell() when flat opens a short at bar1 open 200 × (1 − 0.005) = 199
    // qty = floor(10,000 / (199 × 1.002)) = floor(50.15) = 50; proceeds 9,950; commission 19.90; cash 19,930.10
    // close() on bar 2 → buy at bar3 open 180 × 1.005 = 180.90; cost 9,045; commission 18.09
    // pnl = (199 − 180.90) × 50 − 19.90 − 18.09 = 905 − 37.99 = 867.01; pnl_pct = 867.01 / 9,950 = 8.71367 %
    expect(result.trades).toHaveLength(1);
    const [t] = result.trades;
    expect(t).toMatchObject({ side: 'short', entry_time: T0 + DAY, exit_time: T0 + 3 * DAY, qty: 50, exit_reason: 'signal' });
    expect(t.entry_price).toBeCloseTo(199, 9);
    expect(t.exit_price).toBeCloseTo(180.9, 9);
    expect(t.pnl).toBeCloseTo(867.01, 6);
    expect(t.pnl_pct).toBeCloseTo(8.71367, 4);
  });

  it('marks the short at each close (cash − 50 × close)', () => {
    // bar1 19,930.10 − 9,500 = 10,430.10; bar2 19,930.10 − 9,000 = 10,930.10;
    // bar3 covered: 19,930.10 − 9,045 − 18.09 = 10,867.01
    const equity = result.equity_curve.map((p) => p.equity);
    [10000, 10430.1, 10930.1, 10867.01].forEach((e, i) => expect(equity[i]).toBeCloseTo(e, 6));
  });

  it('reports the gain, a winning trade and the small drawdown from the bar-2 peak', () => {
    // return 8.6701 %; drawdown (10,930.10 − 10,867.01) / 10,930.10 = 0.577213 %
    // returns 0.04301, 0.04793818, −0.00577213; mean 0.02839202; sd 0.02968945 → sharpe ≈ 15.1808
    expect(result.metrics.return_pct).toBeCloseTo(8.6701, 6);
    expect(result.metrics.num_trades).toBe(1);
    expect(result.metrics.win_rate).toBe(100);
    expect(result.metrics.max_drawdown).toBeCloseTo(0.577213, 5);
    expect(result.metrics.sharpe_ratio).toBeCloseTo(15.1808, 3);
  });
});
