import { runBacktest } from '../engine';
import { bar, T0, DAY } from './fixtures';

describe('golden: no trades', () => {
  const bars = [bar(0, 10, 11, 9, 10), bar(1, 10, 12, 9, 11), bar(2, 11, 11, 8, 9)];
  let ticks = 0;
  // a scripted clock: start at 1,000 ms, end at 1,250 ms
  const clock = (): number => (ticks++ === 0 ? 1000 : 1250);
  const result = runBacktest(bars, { onBar: (_bar, ctx) => ctx.log(`close ${ctx.bars.at(-1)?.close}`) }, {}, clock);

  it('keeps the initial cash on every bar', () => {
    expect(result.equity_curve).toEqual([
      { time: T0, equity: 10000 },
      { time: T0 + DAY, equity: 10000 },
      { time: T0 + 2 * DAY, equity: 10000 },
    ]);
    expect(result.trades).toEqual([]);
    expect(result.logs).toEqual(['close 10', 'close 11', 'close 9']);
  });

  it('reports all-zero metrics and the clock-measured execution time', () => {
    // returns 0, 0 → zero deviation → sharpe 0; execution_time (1,250 − 1,000) ms = 0.25 s
    expect(result.metrics).toEqual({
      return_pct: 0,
      num_trades: 0,
      win_rate: 0,
      sharpe_ratio: 0,
      max_drawdown: 0,
      execution_time: 0.25,
    });
  });
});
