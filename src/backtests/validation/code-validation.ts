/**
 * The verdict of `POST /api/strategies/validate/` (Django's StrategyValidator): compile, required parts, then the
 * figures of a test run turned into warnings and suggestions. Pure: the caller runs the bot.
 */
import type { BacktestMetrics } from '../../backtest/engine/types';
import type { StaticCheckResult } from '../../bots/core/static-check';

export interface ValidationReport {
  strategy_name: string;
  valid: boolean;
  errors: string[];
  warnings: string[];
  suggestions: string[];
  test_results: { return: number; trades: number; win_rate: number; sharpe: number; max_drawdown: number } | null;
  execution_time: number | null;
  trades_executed: number;
  indicators_initialized: boolean;
}

/** Errors found without running: syntax (with its line), sandbox rules, a missing `onBar`. */
export function staticErrors(code: string, check: StaticCheckResult): string[] {
  if (!check.ok) {
    if (check.errorType === 'syntax')
      return [`Syntax error at line ${check.line ?? '?'}: ${check.message.replace(/^line \d+, column \d+: /, '')}`];
    return [check.message];
  }
  const errors: string[] = [];
  if (!/\bmodule\s*\.\s*exports\b|\bexports\s*\.\s*[A-Za-z_$]/.test(code)) errors.push('Missing required component: module.exports');
  if (!/\bonBar\b/.test(code)) errors.push('Missing required component: onBar');
  return errors;
}

export function validationReport(
  name: string,
  errors: string[],
  run: { metrics: BacktestMetrics; usesIndicators: boolean } | { error: string } | null,
): ValidationReport {
  const report: ValidationReport = {
    strategy_name: name,
    valid: false,
    errors: [...errors],
    warnings: [],
    suggestions: [],
    test_results: null,
    execution_time: null,
    trades_executed: 0,
    indicators_initialized: false,
  };
  if (run && 'error' in run) report.errors.push(`Backtest failed: ${run.error}`);
  else if (run) {
    const m = run.metrics;
    report.test_results = {
      return: m.return_pct,
      trades: m.num_trades,
      win_rate: m.win_rate,
      sharpe: m.sharpe_ratio,
      max_drawdown: m.max_drawdown,
    };
    report.execution_time = m.execution_time;
    report.trades_executed = m.num_trades;
    report.indicators_initialized = run.usesIndicators;
    if (m.num_trades === 0) {
      report.warnings.push('Strategy executed 0 trades');
      report.suggestions.push(
        'Check that the entry conditions can ever be true',
        'Check indicator periods against the amount of data',
        'Try a longer test period or another symbol',
      );
    }
    if (m.num_trades > 100) report.warnings.push(`High number of trades (${m.num_trades}): commissions may dominate`);
    if (m.return_pct < -10) report.warnings.push(`Poor returns: ${m.return_pct.toFixed(2)}%`);
    if (m.num_trades > 0 && m.win_rate < 30) report.warnings.push(`Low win rate: ${m.win_rate.toFixed(1)}%`);
    if (Math.abs(m.max_drawdown) > 30) report.warnings.push(`High drawdown: ${Math.abs(m.max_drawdown).toFixed(2)}%`);
    if (m.num_trades > 5 && m.win_rate > 50) report.suggestions.push('Good win rate - consider optimizing position sizing');
    if (m.sharpe_ratio > 1) report.suggestions.push('Good risk-adjusted returns (Sharpe > 1)');
    if (m.num_trades > 0 && Math.abs(m.max_drawdown) < 15) report.suggestions.push('Drawdown is well controlled');
  }
  report.valid = report.errors.length === 0;
  return report;
}
