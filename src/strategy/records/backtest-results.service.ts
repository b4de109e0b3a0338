import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import { StrategiesRepository } from '../strategies.repository';
import { canSee } from '../../auth/ownership';
import { BacktestResultDto, BacktestResultPageDto, SaveBacktestResultDto } from './backtest-results.dto';
import { BacktestResultRow, BacktestResultsRepository } from './backtest-results.repository';
import { decimalString } from '../../common/decimal';
import { iso, PAGE_SIZE } from './params';

export function backtestResultJson(r: BacktestResultRow): BacktestResultDto {
  return {
    strategy: r.strategyId,
    symbol: r.symbol,
    timeframe: r.timeframe,
    period: r.period,
    initial_balance: r.initialBalance,
    commission: r.commission,
    total_trades: r.totalTrades,
    winning_trades: r.winningTrades,
    losing_trades: r.losingTrades,
    win_rate: r.winRate,
    net_profit: r.netProfit,
    total_return_pct: r.totalReturnPct,
    final_equity: r.finalEquity,
    max_drawdown: r.maxDrawdown,
    sharpe_ratio: r.sharpeRatio,
    trades: r.trades,
    equity_curve: r.equityCurve,
    created_at: iso(r.createdAt)!,
    updated_at: iso(r.updatedAt)!,
  };
}

/** Django's `LatestBacktestResultViewSet`: the latest backtest of each of your strategies (staff: all). */
@Injectable()
export class BacktestResultsService {
  constructor(
    private readonly results: BacktestResultsRepository,
    private readonly strategies: StrategiesRepository,
  ) {}

  async list(user: AuthUser, page: number): Promise<BacktestResultPageDto> {
    const { count, rows } = await this.results.list(user, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(backtestResultJson));
  }

  /** The result of a strategy of yours; 404 `{ error, details: { strategy_id } }` when none or not yours. */
  async byStrategy(user: AuthUser, strategyId: number): Promise<BacktestResultDto> {
    const s = await this.strategies.byId(strategyId);
    const row = s && canSee(user, s.createdBy) ? await this.results.byStrategy(strategyId) : null;
    if (!row) throw new DomainError(ErrorCode.NotFound, 'No backtest results found for this strategy', { strategy_id: strategyId });
    return backtestResultJson(row);
  }

  /** Replaces the strategy's latest result (omitted fields take their defaults); `created` for a new row. */
  async save(user: AuthUser, b: SaveBacktestResultDto): Promise<{ created: boolean; result: BacktestResultDto }> {
    const s = await this.strategies.byId(b.strategy_id);
    if (!s || !canSee(user, s.createdBy)) throw new DomainError(ErrorCode.NotFound, 'Strategy not found', { strategy_id: b.strategy_id });
    const { row, created } = await this.results.upsert(s.id, {
      symbol: b.symbol ?? 'AAPL',
      timeframe: b.timeframe ?? '1d',
      period: b.period ?? '1y',
      initialBalance: decimalString(b.initial_balance) ?? '10000',
      commission: decimalString(b.commission) ?? '0.001',
      totalTrades: b.total_trades ?? 0,
      winningTrades: b.winning_trades ?? 0,
      losingTrades: b.losing_trades ?? 0,
      winRate: decimalString(b.win_rate) ?? '0',
      netProfit: decimalString(b.net_profit) ?? '0',
      totalReturnPct: decimalString(b.total_return_pct) ?? '0',
      finalEquity: decimalString(b.final_equity) ?? null,
      maxDrawdown: decimalString(b.max_drawdown) ?? '0',
      sharpeRatio: decimalString(b.sharpe_ratio) ?? null,
      trades: b.trades ?? [],
      equityCurve: b.equity_curve ?? [],
    });
    return { created, result: backtestResultJson(row) };
  }
}
