import { runBacktest } from '../engine';
import { bar, frozenClock, scripted, T0, DAY } from './fixtures';

describe('golden: losing round trip', () => {
  const bars = [bar(0, 50, 51, 49, 50), bar(1, 50, 51, 44, 45), bar(2, 45, 46, 39, 40), bar(3, 40, 41, 39, 40)];
  const strategy = scripted({ 0: (ctx) => ctx.buy(), 1: (ctx) => ctx.sell() });
  const result = runBacktest(bars, strategy, {}, frozenClock);

  it('buys at 50 and sells the whole long at 45, losing price move plus both commissions', () => {
    // entry bar1 open 50: qty = floor(10,000 / (50 × 1.002)) = floor(199.60) = 199; cost 9,950; commission 19.90
    // exit bar2 open 45 (sell() while long = sell it all): proceeds 8,955; commission 17.91
    // pnl = (45 − 50) × 199 − 19.90 − 17.91 = −1,032.81; pnl_pct = −1,032.81 / 9,950 = −10.38 %
    expect(result.trades).toHaveLength(1);
    const [t] = result.trades;
    expect(t).toMatchObject({
      side: 'long',
      entry_time: T0 + DAY,
      entry_price: 50,
      exit_time: T0 + 2 * DAY,
      exit_price: 45,
      qty: 199,
      exit_reason: 'signal',
    });
    expect(t.pnl).toBeCloseTo(-1032.81, 6);
    expect(t.pnl_pct).toBeCloseTo(-10.38, 6);
  });

  it('records equity with the loss realised on bar 2', () => {
    // bar0 10,000; bar1 cash 30.10 + 199×45 = 8,985.10; bar2 cash 30.10 + 8,955 − 17.91 = 8,967.19; bar3 flat
    const equity = result.equity_curve.map((p) => p.equity);
    [10000, 8985.1, 8967.19, 8967.19].forEach((e, i) => expect(equity[i]).toBeCloseTo(e, 6));
  });

  it('reports a loss, 0 % win rate and the drawdown from the initial cash', () => {
    // return = 8,967.19 / 10,000 − 1 = −10.3281 %; drawdown (10,000 − 8,967.19) / 10,000 = 10.3281 %
    // returns −0.10149, −0.0019933, 0; mean −0.03449443; sd 0.05802842 → sharpe ≈ −9.4364
    expect(result.metrics.return_pct).toBeCloseTo(-10.3281, 6);
    expect(result.metrics.num_trades).toBe(1);
    expect(result.metrics.win_rate).toBe(0);
    expect(result.metrics.max_drawdown).toBeCloseTo(10.3281, 6);
    expect(result.metrics.sharpe_ratio).toBeCloseTo(-9.4364, 3);
  });
});
