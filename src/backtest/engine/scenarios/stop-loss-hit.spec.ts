import { runBacktest } from '../engine';
import { bar, frozenClock, scripted, T0, DAY } from './fixtures';

describe('golden: stop-loss hit', () => {
  const bars = [
    bar(0, 100, 101, 99, 100),
    bar(1, 100, 103, 98, 102), // entry bar: low 98 stays above the stop
    bar(2, 101, 102, 94, 96), // low 94 ≤ stop 95, open 101 above it → exit at 95
    bar(3, 96, 97, 95, 97),
  ];
  const result = runBacktest(bars, scripted({ 0: (ctx) => ctx.buy({ stopLoss: 95 }) }), {}, frozenClock);

  it('exits the long at the stop price on the bar whose low touches it', () => {
    // entry bar1 open 100: qty = floor(10,000 / 100.2) = 99; cost 9,900; commission 19.80; cash 80.20
    // exit at 95: proceeds 9,405; commission 18.81
    // pnl = (95 − 100) × 99 − 19.80 − 18.81 = −533.61; pnl_pct = −533.61 / 9,900 = −5.39 %
    expect(result.trades).toHaveLength(1);
    const [t] = result.trades;
    expect(t).toMatchObject({
      side: 'long',
      entry_time: T0 + DAY,
      entry_price: 100,
      exit_time: T0 + 2 * DAY,
      exit_price: 95,
      qty: 99,
      exit_reason: 'stop_loss',
    });
    expect(t.pnl).toBeCloseTo(-533.61, 6);
    expect(t.pnl_pct).toBeCloseTo(-5.39, 6);
  });

  it('stays flat after the stop', () => {
    // bar1 80.20 + 99×102 = 10,178.20; bar2 80.20 + 9,405 − 18.81 = 9,466.39; bar3 flat 9,466.39
    const equity = result.equity_curve.map((p) => p.equity);
    [10000, 10178.2, 9466.39, 9466.39].forEach((e, i) => expect(equity[i]).toBeCloseTo(e, 6));
  });

  it('reports the loss and the drawdown from the bar-1 peak', () => {
    // return −5.3361 %; drawdown (10,178.20 − 9,466.39) / 10,178.20 = 6.99348 %
    // returns 0.01782, −0.06993476, 0; mean −0.01737159; sd 0.04638484 → sharpe ≈ −5.9452
    expect(result.metrics.return_pct).toBeCloseTo(-5.3361, 6);
    expect(result.metrics.num_trades).toBe(1);
    expect(result.metrics.win_rate).toBe(0);
    expect(result.metrics.max_drawdown).toBeCloseTo(6.99348, 4);
    expect(result.metrics.sharpe_ratio).toBeCloseTo(-5.9452, 3);
  });
});
