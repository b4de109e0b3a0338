/**
 * The full result of a backtest (issue 18): every figure of a stored BacktestResult, computed from an equity
 * curve, its closed trades and, optionally, the bars of a benchmark over the same period. Pure: no I/O, no clock.
 *
 * Definitions (bars are taken as daily, BARS_PER_YEAR = 252, as in metrics.ts):
 * - returns: r_i = e_i / e_(i−1) − 1 between consecutive curve points (the series the Sharpe ratio uses).
 * - annualized_return_pct = ((final / initial)^(252 / n) − 1) × 100, n = number of curve points (bars).
 * - volatility = sample std(r) × √252 × 100 (annualised, in percent); 0 with fewer than 2 returns.
 * - sortino_ratio = mean(r) / √(Σ min(r, 0)² / N) × √252; null when no return is negative.
 * - max_drawdown_pct: see maxDrawdownPct (initial cash is the first peak); current_drawdown_pct = fall of the
 *   last point below the running peak. max_drawdown_duration = longest span in whole days from a peak to the
 *   point that regains it (or to the last point while still under water).
 * - calmar_ratio = annualized_return_pct / max_drawdown_pct; recovery_factor = net profit / largest
 *   peak-to-trough fall in money; both null without a drawdown.
 * - Trades: winning = pnl > 0, losing = the rest (pnl ≤ 0, as the Django stream counts them). avg / largest
 *   figures are trade pnl_pct; profit_factor = Σ winning pnl / |Σ losing pnl|, payoff_ratio = mean winning pnl /
 *   |mean losing pnl|; both null when there is no losing money (or, for payoff, no winner).
 * - Benchmark (when bars are given): benchmark_return_pct = last close / first close − 1 (× 100) over the
 *   benchmark bars inside the curve's time span; beta = cov(r_s, r_b) / var(r_b) over the bar-to-bar returns
 *   at times both series have; alpha = (mean(r_s) − beta × mean(r_b)) × 252 × 100 (Jensen's alpha, annualised
 *   percent, risk-free 0). beta and alpha are null with fewer than 2 common returns or a flat benchmark.
 */
import { BARS_PER_YEAR, maxDrawdownPct, sharpeRatio } from './metrics';
import { Bar, EquityPoint, Trade } from './types';

export interface SeriesPoint {
  time: number;
  value: number;
}

export interface BacktestReport {
  initial_capital: number;
  final_portfolio_value: number;
  total_return_pct: number;
  annualized_return_pct: number;
  volatility: number;
  sharpe_ratio: number;
  sortino_ratio: number | null;
  calmar_ratio: number | null;
  max_drawdown_pct: number;
  max_drawdown_duration: number;
  current_drawdown_pct: number;
  recovery_factor: number | null;
  total_trades: number;
  winning_trades: number;
  losing_trades: number;
  win_rate_pct: number;
  avg_trade_return_pct: number;
  avg_winning_trade_pct: number;
  avg_losing_trade_pct: number;
  largest_winning_trade_pct: number;
  largest_losing_trade_pct: number;
  profit_factor: number | null;
  payoff_ratio: number | null;
  benchmark_return_pct: number | null;
  alpha: number | null;
  beta: number | null;
  /** The equity curve itself. */
  portfolio_values: SeriesPoint[];
  /** r_i in percent, one per curve point after the first. */
  returns: SeriesPoint[];
  /** Percent below the running peak, one per curve point. */
  drawdowns: SeriesPoint[];
}

const DAY_MS = 86_400_000;

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** A finite number, or `fallback` (NaN and ±Infinity never leave the engine). */
const finite = <T extends number | null>(x: number, fallback: T): number | T => (Number.isFinite(x) ? x : fallback);

function barReturns(curve: readonly EquityPoint[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 1; i < curve.length; i++) {
    const prev = curve[i - 1].equity;
    if (prev !== 0) out.push({ time: curve[i].time, value: curve[i].equity / prev - 1 });
  }
  return out;
}

interface DrawdownFacts {
  series: SeriesPoint[];
  current: number;
  longestDays: number;
  worstAmount: number;
}

function drawdownFacts(initialCash: number, curve: readonly EquityPoint[]): DrawdownFacts {
  let peak = initialCash;
  let peakTime = curve.length ? curve[0].time : 0;
  let longest = 0;
  let worstAmount = 0;
  const series: SeriesPoint[] = [];
  for (const { time, equity } of curve) {
    if (equity >= peak) {
      longest = Math.max(longest, time - peakTime);
      peak = equity;
      peakTime = time;
    } else {
      worstAmount = Math.max(worstAmount, peak - equity);
    }
    series.push({ time, value: peak > 0 ? ((peak - equity) / peak) * 100 : 0 });
  }
  const last = curve[curve.length - 1];
  if (last && last.equity < peak) longest = Math.max(longest, last.time - peakTime);
  return { series, current: series.length ? series[series.length - 1].value : 0, longestDays: Math.round(longest / DAY_MS), worstAmount };
}

function benchmarkFacts(curve: readonly EquityPoint[], bars: readonly Bar[] | undefined, strategyReturns: readonly SeriesPoint[]) {
  if (!bars || curve.length === 0) return { benchmark_return_pct: null, alpha: null, beta: null };
  const from = curve[0].time;
  const to = curve[curve.length - 1].time;
  const inside = bars.filter((b) => b.time >= from && b.time <= to);
  if (inside.length === 0) return { benchmark_return_pct: null, alpha: null, beta: null };
  const benchmarkReturn = (inside[inside.length - 1].close / inside[0].close - 1) * 100;
  const benchByTime = new Map<number, number>();
  for (let i = 1; i < inside.length; i++) benchByTime.set(inside[i].time, inside[i].close / inside[i - 1].close - 1);
  const s: number[] = [];
  const b: number[] = [];
  for (const r of strategyReturns) {
    const rb = benchByTime.get(r.time);
    if (rb !== undefined) {
      s.push(r.value);
      b.push(rb);
    }
  }
  if (s.length < 2) return { benchmark_return_pct: finite(benchmarkReturn, null), alpha: null, beta: null };
  const ms = mean(s);
  const mb = mean(b);
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < s.length; i++) {
    cov += (s[i] - ms) * (b[i] - mb);
    varB += (b[i] - mb) ** 2;
  }
  if (!(varB > 1e-18)) return { benchmark_return_pct: finite(benchmarkReturn, null), alpha: null, beta: null };
  const beta = cov / varB;
  const alpha = (ms - beta * mb) * BARS_PER_YEAR * 100;
  return { benchmark_return_pct: finite(benchmarkReturn, null), alpha: finite(alpha, null), beta: finite(beta, null) };
}

export function buildReport(input: {
  initialCash: number;
  curve: readonly EquityPoint[];
  trades: readonly Trade[];
  benchmarkBars?: readonly Bar[];
  riskFreeRate?: number;
}): BacktestReport {
  const { initialCash, curve, trades } = input;
  const final = curve.length ? curve[curve.length - 1].equity : initialCash;
  const returns = barReturns(curve);
  const r = returns.map((p) => p.value);
  const totalReturn = (final / initialCash - 1) * 100;
  const bars = Math.max(1, curve.length);
  const annualized = final > 0 ? ((final / initialCash) ** (BARS_PER_YEAR / bars) - 1) * 100 : -100;
  const downside = r.length ? Math.sqrt(r.reduce((acc, x) => acc + Math.min(x, 0) ** 2, 0) / r.length) : 0;
  const dd = drawdownFacts(initialCash, curve);
  const maxDd = maxDrawdownPct(initialCash, curve);

  const winners = trades.filter((t) => t.pnl > 0);
  const losers = trades.filter((t) => t.pnl <= 0);
  const grossWin = winners.reduce((s, t) => s + t.pnl, 0);
  const grossLoss = -losers.reduce((s, t) => s + t.pnl, 0);
  const pct = trades.map((t) => t.pnl_pct);

  return {
    initial_capital: initialCash,
    final_portfolio_value: final,
    total_return_pct: totalReturn,
    annualized_return_pct: finite(annualized, 0),
    volatility: sampleStd(r) * Math.sqrt(BARS_PER_YEAR) * 100,
    sharpe_ratio: sharpeRatio(curve, input.riskFreeRate ?? 0),
    sortino_ratio: downside > 1e-12 ? finite((mean(r) / downside) * Math.sqrt(BARS_PER_YEAR), null) : null,
    calmar_ratio: maxDd > 0 ? finite(annualized / maxDd, null) : null,
    max_drawdown_pct: maxDd,
    max_drawdown_duration: dd.longestDays,
    current_drawdown_pct: dd.current,
    recovery_factor: dd.worstAmount > 0 ? (final - initialCash) / dd.worstAmount : null,
    total_trades: trades.length,
    winning_trades: winners.length,
    losing_trades: losers.length,
    win_rate_pct: trades.length ? (winners.length / trades.length) * 100 : 0,
    avg_trade_return_pct: mean(pct),
    avg_winning_trade_pct: mean(winners.map((t) => t.pnl_pct)),
    avg_losing_trade_pct: mean(losers.map((t) => t.pnl_pct)),
    largest_winning_trade_pct: winners.length ? Math.max(...winners.map((t) => t.pnl_pct)) : 0,
    largest_losing_trade_pct: losers.length ? Math.min(...losers.map((t) => t.pnl_pct)) : 0,
    profit_factor: grossLoss > 0 ? grossWin / grossLoss : null,
    payoff_ratio: grossLoss > 0 && winners.length ? grossWin / winners.length / (grossLoss / losers.length) : null,
    ...benchmarkFacts(curve, input.benchmarkBars, returns),
    portfolio_values: curve.map((p) => ({ time: p.time, value: p.equity })),
    returns: returns.map((p) => ({ time: p.time, value: p.value * 100 })),
    drawdowns: dd.series,
  };
}

/**
 * One portfolio curve from per-symbol curves that each started with `cashEach`: at every time any symbol has a
 * point, the sum of each symbol's latest equity (its starting cash before its first point).
 */
export function combineCurves(curves: readonly (readonly EquityPoint[])[], cashEach: number): EquityPoint[] {
  const times = [...new Set(curves.flatMap((c) => c.map((p) => p.time)))].sort((a, b) => a - b);
  const cursor = curves.map(() => -1);
  return times.map((time) => {
    let equity = 0;
    curves.forEach((c, k) => {
      while (cursor[k] + 1 < c.length && c[cursor[k] + 1].time <= time) cursor[k]++;
      equity += cursor[k] >= 0 ? c[cursor[k]].equity : cashEach;
    });
    return { time, equity };
  });
}
