import { runBacktest } from '../engine';
import { BacktestInputError, Bar, Strategy } from '../types';
import { bar, frozenClock, scripted } from './fixtures';

describe('golden: bad input', () => {
  const good = [bar(0, 10, 11, 9, 10), bar(1, 10, 12, 9, 11), bar(2, 11, 11, 8, 9)];
  const idle: Strategy = { onBar: () => undefined };
  const run =
    (bars: Bar[], strategy: Strategy = idle) =>
    () =>
      runBacktest(bars, strategy, {}, frozenClock);

  it('rejects a NaN close, naming the bar index and field', () => {
    const bars = [good[0], { ...good[1], close: NaN }, good[2]];
    expect(run(bars)).toThrow(BacktestInputError);
    expect(run(bars)).toThrow('bar 1: close must be a finite positive number, got NaN');
  });

  it('rejects unsorted bars', () => {
    expect(run([good[1], good[0], good[2]])).toThrow('bar 1: time');
  });

  it('rejects a high below the close and a low above the open', () => {
    expect(run([good[0], { ...good[1], high: 10.5 }])).toThrow('bar 1: high 10.5 is below max(open, close)');
    expect(run([{ ...good[0], low: 10.5 }])).toThrow('bar 0: low 10.5 is above min(open, close)');
  });

  it('rejects a non-numeric quantity from the strategy, naming the bar', () => {
    const strategy = scripted({ 1: (ctx) => ctx.buy('ten' as unknown as number) });
    expect(run(good, strategy)).toThrow(BacktestInputError);
    expect(run(good, scripted({ 1: (ctx) => ctx.buy('ten' as unknown as number) }))).toThrow(
      'bar 1: buy() qty must be a finite positive number, got ten',
    );
  });

  it('rejects a NaN stop-loss and an empty series', () => {
    expect(run(good, scripted({ 0: (ctx) => ctx.sell({ qty: 1, stopLoss: NaN }) }))).toThrow(
      'bar 0: sell() stopLoss must be a finite positive number, got NaN',
    );
    expect(run([])).toThrow('bars: expected a non-empty array of bars');
  });
});
