/** Rows as DRF's backtest_api serializers render them (decimals as strings, ISO datetimes, dates YYYY-MM-DD). */
import { iso } from '../strategy/records/params';
import type { ConfigRow } from './configs.repository';
import type { AlertRow, ResultRow, TradeRow } from './records.repository';
import type { RunRow } from './runs.repository';

export function configJson(c: ConfigRow) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    start_date: c.startDate,
    end_date: c.endDate,
    initial_capital: c.initialCapital,
    commission: c.commission,
    slippage: c.slippage,
    max_position_size: c.maxPositionSize,
    stop_loss: c.stopLoss,
    take_profit: c.takeProfit,
    data_source: c.dataSource,
    timeframe: c.timeframe,
    benchmark_symbol: c.benchmarkSymbol,
    max_drawdown_limit: c.maxDrawdownLimit,
    created_by: c.createdBy,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    is_template: c.isTemplate,
    created_by_username: c.createdByUsername,
  };
}

function resultSummary(r: RunRow) {
  if (r.resultFinalValue === null) return null;
  return {
    final_value: r.resultFinalValue,
    total_return: r.resultTotalReturn,
    sharpe_ratio: r.resultSharpe,
    max_drawdown: r.resultMaxDrawdown,
    total_trades: r.resultTrades,
    win_rate: r.resultWinRate,
  };
}

export function runJson(r: RunRow) {
  return {
    id: r.id,
    run_id: r.runId,
    config: r.configId,
    strategy: r.strategyId,
    symbols: r.symbols,
    status: r.status,
    progress: r.progress,
    created_at: iso(r.createdAt),
    started_at: iso(r.startedAt),
    completed_at: iso(r.completedAt),
    execution_time: r.executionTime,
    total_return: r.totalReturn,
    annualized_return: r.annualizedReturn,
    max_drawdown: r.maxDrawdown,
    sharpe_ratio: r.sharpeRatio,
    total_trades: r.totalTrades,
    win_rate: r.winRate,
    error_message: r.errorMessage,
    error_traceback: r.errorTraceback,
    created_by: r.createdBy,
    config_name: r.configName,
    strategy_name: r.strategyName,
    ...(r.createdBy !== null ? { created_by_username: r.createdByUsername } : {}),
  };
}

export function runListJson(r: RunRow) {
  return {
    id: r.id,
    run_id: r.runId,
    status: r.status,
    progress: r.progress,
    symbols: r.symbols,
    config_name: r.configName,
    strategy_name: r.strategyName,
    strategy_version: r.strategyVersion,
    created_by_username: r.createdByUsername,
    created_at: iso(r.createdAt),
    started_at: iso(r.startedAt),
    completed_at: iso(r.completedAt),
    execution_time: r.executionTime,
    total_return: r.totalReturn,
    sharpe_ratio: r.sharpeRatio,
    max_drawdown: r.maxDrawdown,
    total_trades: r.totalTrades,
    win_rate: r.winRate,
    result_summary: resultSummary(r),
  };
}

export function resultJson(r: ResultRow) {
  return {
    id: r.id,
    run: r.runId,
    final_portfolio_value: r.finalPortfolioValue,
    total_return_pct: r.totalReturnPct,
    annualized_return_pct: r.annualizedReturnPct,
    volatility: r.volatility,
    sharpe_ratio: r.sharpeRatio,
    sortino_ratio: r.sortinoRatio,
    calmar_ratio: r.calmarRatio,
    max_drawdown_pct: r.maxDrawdownPct,
    max_drawdown_duration: r.maxDrawdownDuration,
    current_drawdown_pct: r.currentDrawdownPct,
    total_trades: r.totalTrades,
    winning_trades: r.winningTrades,
    losing_trades: r.losingTrades,
    win_rate_pct: r.winRatePct,
    avg_trade_return_pct: r.avgTradeReturnPct,
    avg_winning_trade_pct: r.avgWinningTradePct,
    avg_losing_trade_pct: r.avgLosingTradePct,
    largest_winning_trade_pct: r.largestWinningTradePct,
    largest_losing_trade_pct: r.largestLosingTradePct,
    profit_factor: r.profitFactor,
    recovery_factor: r.recoveryFactor,
    payoff_ratio: r.payoffRatio,
    benchmark_return_pct: r.benchmarkReturnPct,
    alpha: r.alpha,
    beta: r.beta,
    portfolio_values: r.portfolioValues,
    returns: r.returns,
    drawdowns: r.drawdowns,
    positions: r.positions,
    created_at: iso(r.createdAt),
    run_id: r.runCode,
    strategy_name: r.strategyName,
  };
}

export function tradeJson(t: TradeRow) {
  return {
    id: t.id,
    run: t.runId,
    symbol: t.symbol,
    trade_type: t.tradeType,
    status: t.status,
    entry_date: iso(t.entryDate),
    entry_price: t.entryPrice,
    quantity: t.quantity,
    entry_value: t.entryValue,
    entry_commission: t.entryCommission,
    exit_date: iso(t.exitDate),
    exit_price: t.exitPrice,
    exit_value: t.exitValue,
    exit_commission: t.exitCommission,
    pnl: t.pnl,
    pnl_pct: t.pnlPct,
    holding_period: t.holdingPeriod,
    signal_name: t.signalName,
    notes: t.notes,
    created_at: iso(t.createdAt),
    run_id: t.runCode,
    strategy_name: t.strategyName,
  };
}

export function tradeListJson(t: TradeRow) {
  return {
    id: t.id,
    symbol: t.symbol,
    trade_type: t.tradeType,
    status: t.status,
    entry_date: iso(t.entryDate),
    entry_price: t.entryPrice,
    exit_date: iso(t.exitDate),
    exit_price: t.exitPrice,
    quantity: t.quantity,
    pnl: t.pnl,
    pnl_pct: t.pnlPct,
    holding_period: t.holdingPeriod,
  };
}

export function alertJson(a: AlertRow) {
  return {
    id: a.id,
    run: a.runId,
    alert_type: a.alertType,
    title: a.title,
    message: a.message,
    timestamp: iso(a.timestamp),
    symbol: a.symbol,
    trade_id: a.tradeId,
    context_data: a.contextData,
    created_at: iso(a.createdAt),
    run_id: a.runCode,
  };
}
