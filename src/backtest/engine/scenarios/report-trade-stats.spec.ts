import { buildReport } from '../report';
import type { Trade } from '../types';
import { DAY, T0 } from './fixtures';

function trade(pnl: number, pnlPct: number): Trade {
  return {
    side: 'long',
    entry_time: T0,
    entry_price: 100,
    exit_time: T0 + DAY,
    exit_price: 100 + pnlPct,
    qty: 100,
    pnl,
    pnl_pct: pnlPct,
    exit_reason: 'signal',
  };
}

describe('golden report: trade statistics', () => {
  // five round trips of 100 shares at 100: pnl +200 (2 %), −100 (−1 %), +50 (0.5 %), −50 (−0.5 %), 0 (0 %)
  const trades = [trade(200, 2), trade(-100, -1), trade(50, 0.5), trade(-50, -0.5), trade(0, 0)];
  const curve = [10000, 10200, 10100, 10150, 10100, 10100].map((e, n) => ({ time: T0 + n * DAY, equity: e }));
  const report = buildReport({ initialCash: 10000, curve, trades });

  it('counts a break-even trade as a loser, as the stream does', () => {
    // winners: +200, +50 → 2; losers: −100, −50, 0 → 3; win rate 2 / 5 = 40 %
    expect(report).toMatchObject({ total_trades: 5, winning_trades: 2, losing_trades: 3, win_rate_pct: 40 });
  });

  it('averages and ranks the trade returns', () => {
    // average (2 − 1 + 0.5 − 0.5 + 0) / 5 = 0.2 %; winners (2 + 0.5) / 2 = 1.25 %; losers (−1 − 0.5 + 0) / 3 = −0.5 %
    expect(report.avg_trade_return_pct).toBeCloseTo(0.2, 9);
    expect(report.avg_winning_trade_pct).toBeCloseTo(1.25, 9);
    expect(report.avg_losing_trade_pct).toBeCloseTo(-0.5, 9);
    expect(report.largest_winning_trade_pct).toBe(2);
    expect(report.largest_losing_trade_pct).toBe(-1);
  });

  it('computes profit factor and payoff ratio in money', () => {
    // profit factor = (200 + 50) / (100 + 50 + 0) = 1.666667
    // payoff = (250 / 2) / (150 / 3) = 125 / 50 = 2.5
    expect(report.profit_factor).toBeCloseTo(1.666667, 6);
    expect(report.payoff_ratio).toBeCloseTo(2.5, 9);
  });

  it('leaves profit factor and payoff null when nothing was lost, and zeros without trades', () => {
    const allWin = buildReport({ initialCash: 10000, curve, trades: [trade(200, 2)] });
    expect(allWin.profit_factor).toBeNull();
    expect(allWin.payoff_ratio).toBeNull();
    const none = buildReport({ initialCash: 10000, curve: curve.map((p) => ({ ...p, equity: 10000 })), trades: [] });
    expect(none).toMatchObject({
      total_trades: 0,
      win_rate_pct: 0,
      avg_trade_return_pct: 0,
      largest_winning_trade_pct: 0,
      profit_factor: null,
      payoff_ratio: null,
    });
    // a flat curve: no drawdown, so Calmar, Sortino and the recovery factor are undefined
    expect(none).toMatchObject({ max_drawdown_pct: 0, calmar_ratio: null, sortino_ratio: null, recovery_factor: null, volatility: 0 });
  });
});
