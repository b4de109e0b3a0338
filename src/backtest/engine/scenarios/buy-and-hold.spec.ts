import { runBacktest } from '../engine';
import { bar, frozenClock, scripted, T0, DAY } from './fixtures';

describe('golden: buy and hold', () => {
  const bars = [bar(0, 100, 101, 99, 100), bar(1, 100, 106, 99, 105), bar(2, 105, 111, 104, 110), bar(3, 110, 116, 109, 115)];
  const result = runBacktest(bars, scripted({ 0: (ctx) => ctx.buy() }), { slippageRate: 0.002 }, frozenClock);

  it('buys all-in at the next open with slippage and keeps the position open (no trade recorded)', () => {
    // buy() on bar 0 fills at bar 1 open 100 × 1.002 = 100.20
    // qty = floor(10,000 / (100.20 × 1.002)) = floor(10,000 / 100.4004) = floor(99.60) = 99
    // cost 99 × 100.20 = 9,919.80; commission 9,919.80 × 0.002 = 19.8396; cash 10,000 − 9,939.6396 = 60.3604
    expect(result.trades).toEqual([]);
    expect(result.logs).toEqual([]);
  });

  it('marks the open position at each close', () => {
    // bar0: flat → 10,000; bar1: 60.3604 + 99×105 = 10,455.3604; bar2: + 99×110 → 10,950.3604; bar3: 11,445.3604
    const equity = result.equity_curve.map((p) => p.equity);
    [10000, 10455.3604, 10950.3604, 11445.3604].forEach((e, i) => expect(equity[i]).toBeCloseTo(e, 6));
    expect(result.equity_curve.map((p) => p.time)).toEqual([T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY]);
  });

  it('reports the gain, no closed trades, no drawdown', () => {
    // return = 11,445.3604 / 10,000 − 1 = 14.453604 %
    // per-bar returns 0.04553604, 0.04734414, 0.04520399; mean 0.04602806; sample sd 0.00115179
    // sharpe = 0.04602806 / 0.00115179 × √252 ≈ 634.38 (smooth uptrend)
    expect(result.metrics.return_pct).toBeCloseTo(14.453604, 6);
    expect(result.metrics.num_trades).toBe(0);
    expect(result.metrics.win_rate).toBe(0);
    expect(result.metrics.max_drawdown).toBe(0);
    expect(result.metrics.sharpe_ratio).toBeCloseTo(634.38, 1);
    expect(result.metrics.execution_time).toBe(0);
  });
});
