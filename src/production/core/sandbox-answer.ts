/**
 * Turns sandbox outcomes into the figures the production endpoints answer with (pure). One outcome per
 * symbol; a test has one symbol, a sandboxed backtest up to ten.
 */
import type { BacktestMetrics } from '../../backtest/engine/types';
import type { SandboxOutcome } from '../../bots/sandbox/sandbox-runner.service';

/** Most output characters kept in an answer (the tail when longer). */
export const OUTPUT_MAX_CHARS = 64 * 1024;

export interface SymbolRun {
  symbol: string;
  market: { period: string; interval: string; source: string; synthetic: boolean; bars: number };
  outcome: SandboxOutcome;
}

export interface BacktestFigures {
  total_return: number;
  sharpe_ratio: number;
  max_drawdown: number;
  win_rate: number;
  total_trades: number;
}

export interface RunSummary {
  success: boolean;
  /** Seconds, all symbols together. */
  execution_time: number;
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  cancelled: boolean;
  error_type: string | null;
  output: string;
  errors: string;
  resource_usage: { max_memory_mb: number | null; cpu_time_ms: number | null; cpu_percent: number | null };
  limits: { timeout: number; memory_mb: number; cpu: string };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function tail(text: string): string {
  return text.length > OUTPUT_MAX_CHARS ? text.slice(-OUTPUT_MAX_CHARS) : text;
}

export function figuresOf(m: BacktestMetrics): BacktestFigures {
  return {
    total_return: m.return_pct,
    sharpe_ratio: m.sharpe_ratio,
    max_drawdown: m.max_drawdown,
    win_rate: m.win_rate,
    total_trades: m.num_trades,
  };
}

/** Exit status, output, timeout flag and resource usage over every symbol's run (the first failure decides). */
export function summarise(runs: SymbolRun[], defaultLimits: { timeoutMs: number; memoryMb: number }): RunSummary {
  const failed = runs.find((r) => !r.outcome.ok);
  const decisive = failed ?? runs[runs.length - 1];
  const proc = decisive?.outcome.process;
  const durationMs = runs.reduce((s, r) => s + r.outcome.durationMs, 0);
  const mems = runs.map((r) => r.outcome.process?.usage.peakRssMb).filter((x): x is number => typeof x === 'number');
  const cpus = runs.map((r) => r.outcome.process?.usage.cpuMs);
  const cpuMs = cpus.length > 0 && cpus.every((x): x is number => typeof x === 'number') ? cpus.reduce((a, b) => a + b, 0) : null;
  const output = runs
    .map((r) => {
      const logs = r.outcome.ok ? r.outcome.result.logs : r.outcome.logs;
      return runs.length > 1 && logs.length > 0 ? [`[${r.symbol}]`, ...logs].join('\n') : logs.join('\n');
    })
    .filter(Boolean)
    .join('\n');
  const limits = proc?.limits ?? { timeoutMs: defaultLimits.timeoutMs, memoryMb: defaultLimits.memoryMb };
  return {
    success: runs.length > 0 && !failed,
    execution_time: round(durationMs / 1000, 3),
    exit_code: proc ? proc.exitCode : null,
    signal: proc?.signal ?? null,
    timed_out: proc?.timedOut ?? false,
    cancelled: proc?.cancelled ?? false,
    error_type: failed && !failed.outcome.ok ? failed.outcome.errorType : null,
    output: tail(output),
    errors:
      failed && !failed.outcome.ok
        ? `${runs.length > 1 ? `[${failed.symbol}] ` : ''}${failed.outcome.errorType}: ${failed.outcome.message}`
        : '',
    resource_usage: {
      max_memory_mb: mems.length > 0 ? Math.max(...mems) : null,
      cpu_time_ms: cpuMs,
      cpu_percent: cpuMs !== null && durationMs > 0 ? round((cpuMs / durationMs) * 100, 1) : null,
    },
    limits: { timeout: limits.timeoutMs / 1000, memory_mb: limits.memoryMb, cpu: 'not enforced (one process, one thread)' },
  };
}

/** Backtest figures: the symbol's own with one symbol; with several, trades summed and the rest averaged. */
export function backtestResults(runs: SymbolRun[]): (BacktestFigures & { per_symbol: Record<string, BacktestFigures> }) | null {
  const per: Record<string, BacktestFigures> = {};
  for (const r of runs) {
    if (!r.outcome.ok) return null;
    per[r.symbol] = figuresOf(r.outcome.result.metrics);
  }
  const all = Object.values(per);
  if (all.length === 0) return null;
  const mean = (pick: (f: BacktestFigures) => number) => round(all.reduce((s, f) => s + pick(f), 0) / all.length, 4);
  return {
    total_return: mean((f) => f.total_return),
    sharpe_ratio: mean((f) => f.sharpe_ratio),
    max_drawdown: mean((f) => f.max_drawdown),
    win_rate: mean((f) => f.win_rate),
    total_trades: all.reduce((s, f) => s + f.total_trades, 0),
    per_symbol: per,
  };
}
