/**
 * The JSON shapes of strategies and templates, field for field as the Django serializers sent them
 * (snake_case, decimals as strings, ISO timestamps, foreign keys as ids).
 */
import type { StrategyRow } from './strategies.repository';
import type { TemplateRow } from './templates.repository';
import type { strategyPerformance, strategyValidations } from '../database/schema';

type ValidationRow = typeof strategyValidations.$inferSelect;
type PerformanceRow = typeof strategyPerformance.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function strategyJson(s: StrategyRow, extra: { createdByUsername?: string | null; templateName?: string | null } = {}) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    template: s.templateId,
    template_name: extra.templateName ?? null,
    strategy_code: s.strategyCode,
    parameters: s.parameters,
    status: s.status,
    version: s.version,
    tags: s.tags,
    timeframe: s.timeframe,
    risk_level: s.riskLevel,
    expected_return: s.expectedReturn,
    max_drawdown: s.maxDrawdown,
    file_path: s.filePath,
    bot_id: s.botId,
    created_by: s.createdBy,
    created_by_username: extra.createdByUsername ?? null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    last_validated: iso(s.lastValidated),
  };
}
export type StrategyJson = ReturnType<typeof strategyJson>;

/** The list serializer: no code, no parameters. */
export function strategyListJson(s: StrategyRow, extra: { createdByUsername?: string | null; templateName?: string | null } = {}) {
  const { strategy_code: _code, parameters: _params, ...rest } = strategyJson(s, extra);
  return rest;
}

export function templateJson(t: TemplateRow) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    category: t.category,
    template_code: t.templateCode,
    parameters_schema: t.parametersSchema,
    is_active: t.isActive,
    linked_strategy: t.linkedStrategyId,
    is_system_template: t.isSystemTemplate,
    latest_strategy_code: t.latestStrategyCode,
    latest_parameters: t.latestParameters,
    chat_history: t.chatHistory,
    created_by: t.createdBy,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
export type TemplateJson = ReturnType<typeof templateJson>;

/** StrategyValidation and StrategyPerformance rows: every model field, snake_case, decimals as strings. */
export function validationJson(v: ValidationRow, strategyName: string) {
  return {
    id: v.id,
    strategy: v.strategyId,
    strategy_name: strategyName,
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

export function performanceJson(p: PerformanceRow, strategyName: string) {
  return {
    id: p.id,
    strategy: p.strategyId,
    strategy_name: strategyName,
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
