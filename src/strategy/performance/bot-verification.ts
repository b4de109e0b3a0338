/**
 * The rules of bot verification, pure (no Nest, no I/O): which history a date range asks for, and what a
 * test run means for the bot.
 *
 * Verification rule: a bot is VERIFIED when its run finished without error AND made at least one trade; a run
 * that fails, or that trades nothing (a bot that never acts proves nothing), leaves it FAILED.
 */
import { DAY_MS, Period, PERIOD_DAYS, PERIODS } from '../../market-data/market-data.port';

export const DEFAULT_PERIOD: Period = '1y';

/**
 * The shortest period covering `start`…`end` (`YYYY-MM-DD`; `end` defaults to `today`), `max` beyond ten
 * years; `1y` without a start. Market data always ends now: the dates only size the window.
 */
export function periodFor(start: string | undefined, end: string | undefined, today: Date): Period {
  if (start === undefined) return DEFAULT_PERIOD;
  const to = end === undefined ? Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) : Date.parse(`${end}T00:00:00Z`);
  const days = Math.max(0, (to - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
  return PERIODS.find((p) => PERIOD_DAYS[p] >= days) ?? 'max';
}

export interface RunMetrics {
  return_pct: number;
  num_trades: number;
  win_rate: number;
  sharpe_ratio: number;
  max_drawdown: number;
  execution_time: number;
}

export type RunOutcome = { ok: true; metrics: RunMetrics } | { ok: false; errorType: string; message: string };

export interface Verdict {
  isVerified: boolean;
  status: 'verified' | 'failed';
  notes: string;
  /** The figures to keep: null when the run failed (or a figure does not fit its column). */
  totalReturn: string | null;
  winRate: string | null;
  sharpeRatio: string | null;
  maxDrawdown: string | null;
  totalTrades: number;
}

/** Longest error text kept in notes. */
const NOTE_ERROR_CHARS = 1000;

export function verdictOf(outcome: RunOutcome, on: { symbol: string; timeframe: string; period: string }): Verdict {
  const where = `${on.symbol} ${on.timeframe} (${on.period})`;
  if (!outcome.ok) {
    return {
      isVerified: false,
      status: 'failed',
      notes: `Not verified: the bot failed on ${where} (${outcome.errorType}): ${outcome.message}`.slice(0, NOTE_ERROR_CHARS),
      totalReturn: null,
      winRate: null,
      sharpeRatio: null,
      maxDrawdown: null,
      totalTrades: 0,
    };
  }
  const m = outcome.metrics;
  const figures = {
    totalReturn: decimalOrNull(m.return_pct, 15, 6),
    winRate: decimalOrNull(m.win_rate, 5, 2),
    sharpeRatio: decimalOrNull(m.sharpe_ratio, 15, 6),
    maxDrawdown: decimalOrNull(m.max_drawdown, 15, 6),
    totalTrades: m.num_trades,
  };
  if (m.num_trades <= 0) {
    return {
      isVerified: false,
      status: 'failed',
      notes: `Not verified: the bot ran without errors but made no trades on ${where}`,
      ...figures,
    };
  }
  return {
    isVerified: true,
    status: 'verified',
    notes: `Verified: ${m.num_trades} trade(s) on ${where}; return ${m.return_pct.toFixed(2)}%, win rate ${m.win_rate.toFixed(1)}%, Sharpe ${m.sharpe_ratio.toFixed(2)}, max drawdown ${m.max_drawdown.toFixed(2)}%`,
    ...figures,
  };
}

/** `value` as a `numeric(precision, scale)` string, or null when it is not finite or does not fit. */
export function decimalOrNull(value: number, precision: number, scale: number): string | null {
  if (!Number.isFinite(value)) return null;
  const text = value.toFixed(scale);
  return Math.abs(Number(text)) < 10 ** (precision - scale) ? text : null;
}
