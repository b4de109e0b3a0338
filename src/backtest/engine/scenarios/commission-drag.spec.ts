import { runBacktest } from '../engine';
import { bar, frozenClock, scripted } from './fixtures';

describe('golden: commission drag', () => {
  const flat = [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100), bar(2, 100, 100, 100, 100), bar(3, 100, 100, 100, 100)];
  const roundTrip = () => scripted({ 0: (ctx) => ctx.buy(), 1: (ctx) => ctx.sell() });

  it('loses exactly the two 1 % commissions on a round trip at an unchanged price', () => {
    const result = runBacktest(flat, roundTrip(), { commissionRate: 0.01 }, frozenClock);
    // buy at 100: qty = floor(10,000 / (100 × 1.01)) = floor(99.01) = 99; cost 9,900; commission 99; cash 1
    // sell at 100: proceeds 9,900; commission 99; cash 1 + 9,900 − 99 = 9,802
    // pnl = 0 − 99 − 99 = −198; pnl_pct = −198 / 9,900 = −2 %
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0].pnl).toBeCloseTo(-198, 9);
    expect(result.trades[0].pnl_pct).toBeCloseTo(-2, 9);
    // equity: 10,000; 1 + 99×100 = 9,901; 9,802; 9,802
    const equity = result.equity_curve.map((p) => p.equity);
    [10000, 9901, 9802, 9802].forEach((e, i) => expect(equity[i]).toBeCloseTo(e, 9));
    // return −1.98 %, drawdown 1.98 %, 0 % win rate
    // returns −0.0099, −0.00999899, 0; mean −0.006633; sd 0.00574456 → sharpe ≈ −18.3296
    expect(result.metrics.return_pct).toBeCloseTo(-1.98, 9);
    expect(result.metrics.max_drawdown).toBeCloseTo(1.98, 9);
    expect(result.metrics.win_rate).toBe(0);
    expect(result.metrics.sharpe_ratio).toBeCloseTo(-18.3296, 3);
  });

  it('is break-even with zero commission (same trades, no drag)', () => {
    const result = runBacktest(flat, roundTrip(), { commissionRate: 0 }, frozenClock);
    // qty = floor(10,000 / 100) = 100; in and out at 100 → pnl 0, equity 10,000 throughout
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0].qty).toBe(100);
    expect(result.trades[0].pnl).toBe(0);
    expect(result.equity_curve.map((p) => p.equity)).toEqual([10000, 10000, 10000, 10000]);
    expect(result.metrics.return_pct).toBe(0);
    expect(result.metrics.sharpe_ratio).toBe(0);
  });
});
