import { runBacktest } from './engine';
import { StrategyContext } from './types';
import { bar, frozenClock, scripted } from './scenarios/fixtures';

const noFees = { commissionRate: 0 };
const run = (bars: ReturnType<typeof bar>[], actions: Record<number, (ctx: StrategyContext) => void>, opts = {}) =>
  runBacktest(bars, scripted(actions), { ...noFees, ...opts }, frozenClock);

describe('runBacktest rules', () => {
  const base = [bar(0, 100, 101, 99, 100), bar(1, 100, 102, 98, 101), bar(2, 101, 103, 100, 102)];

  it('gives one equity point per bar, stamped with the bar time', () => {
    const result = run(base, {});
    expect(result.equity_curve.map((p) => p.time)).toEqual(base.map((b) => b.time));
  });

  it('cancels orders placed on the last bar', () => {
    const result = run(base, { 2: (ctx) => ctx.buy() });
    expect(result.trades).toEqual([]);
    expect(result.equity_curve.map((p) => p.equity)).toEqual([10000, 10000, 10000]);
    expect(result.logs).toEqual(['order buy placed on the last bar 2 cancelled']);
  });

  it('fills at the next open, not the current close, and exposes history and account state', () => {
    const seen: Array<{ bars: number; qty: number; cash: number; equity: number }> = [];
    const strategy = {
      onBar(_b: unknown, ctx: StrategyContext) {
        seen.push({ bars: ctx.bars.length, qty: ctx.position.qty, cash: ctx.cash, equity: ctx.equity });
        if (ctx.bars.length === 1) ctx.buy(10);
      },
    };
    runBacktest(base, strategy, noFees, frozenClock);
    // bought 10 at bar1 open 100 → cash 9,000; equity at bar1 close 101 = 9,000 + 1,010
    expect(seen).toEqual([
      { bars: 1, qty: 0, cash: 10000, equity: 10000 },
      { bars: 2, qty: 10, cash: 9000, equity: 10010 },
      { bars: 3, qty: 10, cash: 9000, equity: 10020 },
    ]);
  });

  it('exits at the open when the bar gaps below the stop', () => {
    const bars = [base[0], base[1], bar(2, 90, 92, 88, 91)];
    const [t] = run(bars, { 0: (ctx) => ctx.buy({ stopLoss: 95 }) }).trades;
    // 100 shares at 100, out at the 90 open (not 95): pnl −1,000
    expect(t).toMatchObject({ exit_price: 90, exit_reason: 'stop_loss', qty: 100, pnl: -1000 });
  });

  it('assumes the stop is hit first when one bar reaches both stop and take-profit', () => {
    const bars = [base[0], base[1], bar(2, 100, 111, 94, 105)];
    const [t] = run(bars, { 0: (ctx) => ctx.buy({ stopLoss: 95, takeProfit: 110 }) }).trades;
    expect(t).toMatchObject({ exit_price: 95, exit_reason: 'stop_loss', pnl: -500 });
  });

  it('checks protective prices on the entry bar too', () => {
    const bars = [base[0], bar(1, 100, 102, 94, 101), base[2]];
    const [t] = run(bars, { 0: (ctx) => ctx.buy({ stopLoss: 95 }) }).trades;
    expect(t).toMatchObject({ exit_price: 95, exit_reason: 'stop_loss' });
  });

  it('mirrors stop-loss and take-profit for shorts', () => {
    const up = [base[0], base[1], bar(2, 101, 106, 100, 104)];
    const [stop] = run(up, { 0: (ctx) => ctx.sell({ stopLoss: 105 }) }).trades;
    // short 100 at 100, covered at 105: pnl −500
    expect(stop).toMatchObject({ side: 'short', exit_price: 105, exit_reason: 'stop_loss', pnl: -500 });
    const down = [base[0], base[1], bar(2, 97, 98, 89, 90)];
    const [take] = run(down, { 0: (ctx) => ctx.sell({ takeProfit: 92 }) }).trades;
    // covered at 92: pnl (100 − 92) × 100 = 800
    expect(take).toMatchObject({ side: 'short', exit_price: 92, exit_reason: 'take_profit', pnl: 800 });
  });

  it('averages the entry price when a position is extended', () => {
    const bars = [base[0], bar(1, 100, 101, 99, 100), bar(2, 120, 121, 119, 120), bar(3, 130, 131, 129, 130)];
    const result = run(bars, { 0: (ctx) => ctx.buy(10), 1: (ctx) => ctx.buy(10), 2: (ctx) => ctx.close() });
    // 10 @ 100 + 10 @ 120 → 20 @ 110; closed at 130 → pnl 400
    expect(result.trades).toEqual([expect.objectContaining({ entry_price: 110, exit_price: 130, qty: 20, pnl: 400 })]);
  });

  it('closes the long and opens a short with the rest when a sell exceeds the long', () => {
    const bars = [base[0], bar(1, 100, 101, 99, 100), bar(2, 110, 111, 109, 110), bar(3, 110, 111, 109, 110)];
    let final = { qty: 0, avgPrice: 0 };
    const strategy = scripted({
      0: (ctx) => ctx.buy(10),
      1: (ctx) => ctx.sell(15),
      3: (ctx) => (final = ctx.position),
    });
    const result = runBacktest(bars, strategy, noFees, frozenClock);
    expect(result.trades).toEqual([expect.objectContaining({ side: 'long', qty: 10, pnl: 100 })]);
    expect(final).toMatchObject({ qty: -5, avgPrice: 110 });
    // open short is marked to market, not closed: cash 10,000 − 1,000 + 15 × 110 = 10,650; − 5 × 110 = 10,100
    expect(result.equity_curve[3].equity).toBe(10100);
  });

  it('ignores a short when allowShort is false, and a default sell while already short', () => {
    const noShort = run(base, { 0: (ctx) => ctx.sell() }, { allowShort: false });
    expect(noShort.trades).toEqual([]);
    expect(noShort.equity_curve.map((p) => p.equity)).toEqual([10000, 10000, 10000]);
    expect(noShort.logs).toEqual(['order sell from bar 0 ignored (quantity 0)']);
    const short = run(base, { 0: (ctx) => ctx.sell(10), 1: (ctx) => ctx.sell() });
    expect(short.logs).toEqual(['order sell from bar 1 ignored (quantity 0)']);
  });

  it('charges commission on every fill, including the protective exit', () => {
    const bars = [base[0], base[1], bar(2, 100, 111, 99, 105)];
    const [t] = runBacktest(bars, scripted({ 0: (ctx) => ctx.buy({ qty: 10, takeProfit: 110 }) }), {}, frozenClock).trades;
    // entry 10 × 100 × 0.002 = 2; exit 10 × 110 × 0.002 = 2.2; pnl 100 − 4.2
    expect(t.pnl).toBeCloseTo(95.8, 9);
  });

  it('runs init before the first bar', () => {
    const calls: string[] = [];
    runBacktest(base, { init: () => calls.push('init'), onBar: () => void calls.push('bar') }, {}, frozenClock);
    expect(calls).toEqual(['init', 'bar', 'bar', 'bar']);
  });
});
