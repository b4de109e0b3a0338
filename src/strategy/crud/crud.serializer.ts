/** JSON of StrategyValidation and StrategyPerformance rows: every model field, snake_case, decimals as strings. */
import type { PerformanceRow, ValidationRow } from './strategy-crud.repository';
import type { StrategyPerformanceDto, StrategyValidationDto } from './strategy.dto';

export function validationJson(v: ValidationRow): StrategyValidationDto {
  return {
    id: v.id,
    strategy: v.strategyId,
    validation_type: v.validationType,
    status: v.status,
    score: v.score,
    passed_checks: v.passedChecks,
    failed_checks: v.failedChecks,
    warnings: v.warnings,
    recommendations: v.recommendations,
    validator_version: v.validatorVersion,
    validation_config: v.validationConfig,
    execution_time: v.executionTime,
    created_at: v.createdAt.toISOString(),
    completed_at: v.completedAt ? v.completedAt.toISOString() : null,
  };
}

export function performanceJson(p: PerformanceRow): StrategyPerformanceDto {
  return {
    id: p.id,
    strategy: p.strategyId,
    backtest_id: p.backtestId,
    total_return: p.totalReturn,
    annualized_return: p.annualizedReturn,
    volatility: p.volatility,
    sharpe_ratio: p.sharpeRatio,
    max_drawdown: p.maxDrawdown,
    profit_factor: p.profitFactor,
    avg_trade_return: p.avgTradeReturn,
    win_rate: p.winRate,
    total_trades: p.totalTrades,
    winning_trades: p.winningTrades,
    losing_trades: p.losingTrades,
    start_date: p.startDate,
    end_date: p.endDate,
    initial_capital: p.initialCapital,
    final_capital: p.finalCapital,
    created_at: p.createdAt.toISOString(),
  };
}
