import { buildReport } from '../report';
import { DAY, T0 } from './fixtures';

describe('golden report: two drawdowns, the second still open', () => {
  // initial 1,000; one curve point per day
  const equity = [1000, 1100, 990, 1045, 1100, 1155, 1039.5];
  const curve = equity.map((e, n) => ({ time: T0 + n * DAY, equity: e }));
  const report = buildReport({ initialCash: 1000, curve, trades: [] });

  it('reports the return, annualised over 7 daily bars', () => {
    // total = 1,039.5 / 1,000 − 1 = 3.95 %
    // annualised = 1.0395^(252 / 7) − 1 = 1.0395^36 − 1 = 303.349731 %
    expect(report.final_portfolio_value).toBe(1039.5);
    expect(report.total_return_pct).toBeCloseTo(3.95, 9);
    expect(report.annualized_return_pct).toBeCloseTo(303.349731, 5);
  });

  it('measures volatility, Sharpe and Sortino on the bar returns', () => {
    // r = +0.1, −0.1, +0.0555556, +0.0526316, +0.05, −0.1; mean 0.00969786, sample sd 0.0869393
    // volatility = 0.0869393 × √252 × 100 = 138.011866
    // sharpe = 0.00969786 / 0.0869393 × √252 = 1.770761
    // downside deviation = √((0.1² + 0.1²) / 6) = 0.0577350 → sortino = 0.00969786 / 0.0577350 × √252 = 2.666469
    expect(report.volatility).toBeCloseTo(138.011866, 5);
    expect(report.sharpe_ratio).toBeCloseTo(1.770761, 5);
    expect(report.sortino_ratio).toBeCloseTo(2.666469, 5);
  });

  it('finds the deepest, the longest and the current drawdown', () => {
    // peaks: 1,100 on day 1 (fall to 990 = 10 %, regained on day 4: 3 days); 1,155 on day 5 (fall to 1,039.5 = 10 %,
    // open for 1 day at the end) → max 10 %, duration 3 days, current 10 %
    expect(report.max_drawdown_pct).toBeCloseTo(10, 9);
    expect(report.max_drawdown_duration).toBe(3);
    expect(report.current_drawdown_pct).toBeCloseTo(10, 9);
    expect(report.drawdowns.map((p) => p.value)).toEqual([0, 0, 10, 5, 0, 0, 10].map((v) => expect.closeTo(v, 9)));
  });

  it('derives Calmar and the recovery factor from the drawdown', () => {
    // calmar = 303.349731 / 10 = 30.334973
    // largest fall in money = 1,155 − 1,039.5 = 115.5 (> 1,100 − 990 = 110); recovery = 39.5 / 115.5 = 0.341991
    expect(report.calmar_ratio).toBeCloseTo(30.334973, 5);
    expect(report.recovery_factor).toBeCloseTo(0.341991, 6);
  });

  it('returns the equity curve and the returns series in percent', () => {
    expect(report.portfolio_values).toEqual(curve.map((p) => ({ time: p.time, value: p.equity })));
    expect(report.returns.map((p) => p.value)).toEqual([10, -10, 5.555556, 5.263158, 5, -10].map((v) => expect.closeTo(v, 5)));
    expect(report.returns[0].time).toBe(T0 + DAY);
  });
});
