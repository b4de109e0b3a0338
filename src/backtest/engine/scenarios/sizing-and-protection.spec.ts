import { runBacktest } from '../engine';
import { bar, frozenClock, scripted } from './fixtures';

describe('golden: position size and the configured stop loss / take profit', () => {
  const bars = [
    bar(0, 100, 101, 99, 100),
    bar(1, 100, 103, 98, 102), // entry at the open 100; stop 95 not touched (low 98)
    bar(2, 101, 102, 94, 96), // low 94 ≤ 95 → stop at 95
    bar(3, 96, 97, 95, 97),
  ];

  it('puts half the cash in and exits at entry × (1 − 5 %)', () => {
    // positionSize 0.5: qty = floor(0.5 × 10,000 / (100 × 1.002)) = floor(49.90) = 49
    // stopLossPct 5 → stop = 100 × 0.95 = 95; pnl = (95 − 100) × 49 − 9.80 − 9.31 = −264.11
    const result = runBacktest(bars, scripted({ 0: (ctx) => ctx.buy() }), { positionSize: 0.5, stopLossPct: 5 }, frozenClock);
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0]).toMatchObject({ qty: 49, entry_price: 100, exit_price: 95, exit_reason: 'stop_loss' });
    expect(result.trades[0].pnl).toBeCloseTo(-264.11, 6);
  });

  it('takes profit at entry × (1 + 2 %) and leaves an explicit stop alone', () => {
    // takeProfitPct 2 → target 102; bar 1 high 103 ≥ 102 → exit at max(open 100, 102) = 102 on the entry bar
    // the order's own stop 90 replaces the configured 5 % (never touched)
    const result = runBacktest(
      bars,
      scripted({ 0: (ctx) => ctx.buy({ stopLoss: 90 }) }),
      { takeProfitPct: 2, stopLossPct: 5 },
      frozenClock,
    );
    expect(result.trades[0]).toMatchObject({ qty: 99, exit_price: 102, exit_reason: 'take_profit' });
  });

  it('mirrors the levels for a short: stop above, target below', () => {
    // short at 100 with stopLossPct 3 → stop 103; bar 1 high 103 ≥ 103 → stop at max(open 100, 103) = 103
    const result = runBacktest(bars, scripted({ 0: (ctx) => ctx.sell() }), { stopLossPct: 3 }, frozenClock);
    expect(result.trades[0]).toMatchObject({ side: 'short', entry_price: 100, exit_price: 103, exit_reason: 'stop_loss' });
  });
});
