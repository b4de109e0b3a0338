import { BacktestMetrics, EquityPoint, Trade } from './types';

/** Bars per year assumed when annualising: the engine treats bars as daily. */
export const BARS_PER_YEAR = 252;

/** Largest peak-to-trough fall in percent (positive). The initial cash counts as the first peak. */
export function maxDrawdownPct(initialCash: number, curve: readonly EquityPoint[]): number {
  let peak = initialCash;
  let worst = 0;
  for (const { equity } of curve) {
    if (equity > peak) peak = equity;
    if (peak > 0) worst = Math.max(worst, ((peak - equity) / peak) * 100);
  }
  return worst;
}

/**
 * Sharpe ratio of per-bar equity returns between consecutive curve points:
 * (mean − rf/252) / sample std × sqrt(252). 0 with fewer than 2 returns or zero deviation.
 */
export function sharpeRatio(curve: readonly EquityPoint[], riskFreeRate = 0): number {
  const returns: number[] = [];
  for (let i = 1; i < curve.length; i++) {
    const prev = curve[i - 1].equity;
    if (prev !== 0) returns.push(curve[i].equity / prev - 1);
  }
  if (returns.length < 2) return 0;
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(variance);
  if (!(sd > 1e-12)) return 0;
  const value = ((mean - riskFreeRate / BARS_PER_YEAR) / sd) * Math.sqrt(BARS_PER_YEAR);
  return Number.isFinite(value) ? value : 0;
}

export function computeMetrics(
  initialCash: number,
  curve: readonly EquityPoint[],
  trades: readonly Trade[],
  executionSeconds: number,
  riskFreeRate = 0,
): BacktestMetrics {
  const finalEquity = curve.length ? curve[curve.length - 1].equity : initialCash;
  const winners = trades.filter((t) => t.pnl > 0).length;
  return {
    return_pct: (finalEquity / initialCash - 1) * 100,
    num_trades: trades.length,
    win_rate: trades.length ? (winners / trades.length) * 100 : 0,
    sharpe_ratio: sharpeRatio(curve, riskFreeRate),
    max_drawdown: maxDrawdownPct(initialCash, curve),
    execution_time: executionSeconds,
  };
}
