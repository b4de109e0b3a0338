import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import { StrategiesRepository } from '../strategies.repository';
import { performanceJson, validationJson } from '../strategy.serializer';
import { canSee } from '../../auth/ownership';
import { decimalString } from '../../common/decimal';
import { noSuchStrategy, PAGE_SIZE } from './params';
import {
  CreatePerformanceDto,
  PerformanceDto,
  PerformancePageDto,
  UpdatePerformanceDto,
  ValidationDto,
  ValidationPageDto,
} from './records.dto';
import { NewPerformance, Owned, RecordsRepository } from './records.repository';

/**
 * Django's `StrategyValidationViewSet` (read-only) and `StrategyPerformanceViewSet`: records of the
 * strategies you own (staff: all); anyone else's are "not found".
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly strategies: StrategiesRepository,
  ) {}

  async listValidations(user: AuthUser, page: number, strategyId: number | undefined): Promise<ValidationPageDto> {
    const { count, rows } = await this.records.validations(user, strategyId, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(
      count,
      page,
      PAGE_SIZE,
      rows.map((v) => validationJson(v, v.strategyName)),
    );
  }

  async getValidation(user: AuthUser, id: number): Promise<ValidationDto> {
    const v = this.mine(user, await this.records.validation(id), 'Validation', id);
    return validationJson(v, v.strategyName);
  }

  async listPerformance(user: AuthUser, page: number, strategyId: number | undefined): Promise<PerformancePageDto> {
    const { count, rows } = await this.records.performances(user, strategyId, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(
      count,
      page,
      PAGE_SIZE,
      rows.map((p) => performanceJson(p, p.strategyName)),
    );
  }

  async getPerformance(user: AuthUser, id: number): Promise<PerformanceDto> {
    const p = this.mine(user, await this.records.performance(id), 'Performance record', id);
    return performanceJson(p, p.strategyName);
  }

  async createPerformance(user: AuthUser, b: CreatePerformanceDto): Promise<PerformanceDto> {
    const name = await this.ownStrategy(user, b.strategy);
    return performanceJson(await this.records.createPerformance({ ...changesOf(b), strategyId: b.strategy }), name);
  }

  async updatePerformance(user: AuthUser, id: number, b: UpdatePerformanceDto): Promise<PerformanceDto> {
    const row = this.mine(user, await this.records.performance(id), 'Performance record', id);
    const moved = b.strategy !== undefined && b.strategy !== row.strategyId;
    const name = moved ? await this.ownStrategy(user, b.strategy!) : row.strategyName;
    return performanceJson(
      await this.records.updatePerformance(row.id, { ...changesOf(b), ...(b.strategy !== undefined ? { strategyId: b.strategy } : {}) }),
      name,
    );
  }

  async deletePerformance(user: AuthUser, id: number): Promise<void> {
    const row = this.mine(user, await this.records.performance(id), 'Performance record', id);
    await this.records.deletePerformance(row.id);
  }

  private mine<T>(user: AuthUser, row: Owned<T> | null, what: string, id: number): T {
    if (!row || !canSee(user, row.ownerId)) throw new DomainError(ErrorCode.NotFound, `${what} not found`, { id });
    const { ownerId: _owner, ...rest } = row;
    return rest as T;
  }

  /** The strategy's name; 400 naming `strategy` unless it is a strategy `user` can see. */
  private async ownStrategy(user: AuthUser, id: number): Promise<string> {
    const s = await this.strategies.byId(id);
    if (!s || !canSee(user, s.createdBy)) throw noSuchStrategy('strategy', id);
    return s.name;
  }
}

function changesOf(b: UpdatePerformanceDto): Partial<NewPerformance> {
  const c: Partial<NewPerformance> = {};
  if (b.backtest_id !== undefined) c.backtestId = b.backtest_id;
  if (b.total_return !== undefined) c.totalReturn = decimalString(b.total_return);
  if (b.annualized_return !== undefined) c.annualizedReturn = decimalString(b.annualized_return);
  if (b.volatility !== undefined) c.volatility = decimalString(b.volatility);
  if (b.sharpe_ratio !== undefined) c.sharpeRatio = decimalString(b.sharpe_ratio);
  if (b.max_drawdown !== undefined) c.maxDrawdown = decimalString(b.max_drawdown);
  if (b.profit_factor !== undefined) c.profitFactor = decimalString(b.profit_factor);
  if (b.avg_trade_return !== undefined) c.avgTradeReturn = decimalString(b.avg_trade_return);
  if (b.win_rate !== undefined) c.winRate = decimalString(b.win_rate);
  if (b.total_trades !== undefined) c.totalTrades = b.total_trades;
  if (b.winning_trades !== undefined) c.winningTrades = b.winning_trades;
  if (b.losing_trades !== undefined) c.losingTrades = b.losing_trades;
  if (b.start_date !== undefined) c.startDate = b.start_date;
  if (b.end_date !== undefined) c.endDate = b.end_date;
  if (b.initial_capital !== undefined) c.initialCapital = decimalString(b.initial_capital);
  if (b.final_capital !== undefined) c.finalCapital = decimalString(b.final_capital);
  return c;
}
