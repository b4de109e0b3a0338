import { buildReport } from '../report';
import { bar, DAY, T0 } from './fixtures';

describe('golden report: benchmark return, alpha and beta', () => {
  // benchmark daily returns b = +1 %, −2 %, +3 %, 0; closes 100, 101, 98.98, 101.9494, 101.9494
  const closes = [100, 101, 98.98, 101.9494, 101.9494];
  const benchmark = [bar(-1, 99, 100, 98, 99), ...closes.map((c, n) => bar(n, c, c, c, c)), bar(9, 100, 100, 100, 100)];
  // the strategy returns s = 2b + 0.1 %: equity 10,000, 10,210, 9,811.81, 10,410.3304, 10,420.7407
  const equity = [10000, 10210, 9811.81, 10410.33041, 10420.74074];
  const curve = equity.map((e, n) => ({ time: T0 + n * DAY, equity: e }));
  const report = buildReport({ initialCash: 10000, curve, trades: [], benchmarkBars: benchmark });

  it('takes the benchmark return over the curve span only', () => {
    // bars before day 0 and after day 4 are ignored: 101.9494 / 100 − 1 = 1.9494 %
    expect(report.benchmark_return_pct).toBeCloseTo(1.9494, 6);
  });

  it('regresses the strategy returns on the benchmark returns', () => {
    // s = 2b + 0.001 exactly → beta = cov(s, b) / var(b) = 2; alpha = 0.001 × 252 × 100 = 25.2 % a year
    expect(report.beta).toBeCloseTo(2, 6);
    expect(report.alpha).toBeCloseTo(25.2, 4);
  });

  it('is null without benchmark bars, or with a flat benchmark', () => {
    expect(buildReport({ initialCash: 10000, curve, trades: [] })).toMatchObject({ benchmark_return_pct: null, alpha: null, beta: null });
    const flat = closes.map((_, n) => bar(n, 50, 50, 50, 50));
    expect(buildReport({ initialCash: 10000, curve, trades: [], benchmarkBars: flat })).toMatchObject({
      benchmark_return_pct: 0,
      alpha: null,
      beta: null,
    });
  });
});
