import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/current-user.decorator';
import { Clock } from '../../common/clock';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { invalid, noSuchStrategy } from '../records/params';
import { StrategiesRepository } from '../strategies.repository';
import { canSee, visibleOr404 } from '../../auth/ownership';
import { BotPerformanceDto, CreateBotPerformanceDto, UpdateBotPerformanceDto } from './bot-performance.dto';
import { BotPerformanceRepository, NamedPerformanceRow } from './bot-performance.repository';
import { performanceJson } from './bot-performance.service';

/**
 * The generic create/update/destroy of Django's `BotPerformanceViewSet`, by strategy id. Only the notes are
 * writable: the verdict and the figures come from a run (`verify_bot/`), as Django's read-only fields meant.
 */
@Injectable()
export class BotPerformanceRecordsService {
  constructor(
    private readonly performance: BotPerformanceRepository,
    private readonly strategies: StrategiesRepository,
    private readonly clock: Clock,
  ) {}

  async create(user: AuthUser, b: CreateBotPerformanceDto): Promise<BotPerformanceDto> {
    const s = await this.strategies.byId(b.strategy);
    if (!s || !canSee(user, s.createdBy)) throw noSuchStrategy('strategy', b.strategy);
    const row = await this.performance.createUntested(s.id, b.verification_notes ?? '', new Date(this.clock.now()));
    if (!row) throw invalid('strategy', 'bot performance with this strategy already exists.');
    return performanceJson(row);
  }

  async update(user: AuthUser, strategyId: number, b: UpdateBotPerformanceDto): Promise<BotPerformanceDto> {
    const row = await this.own(user, strategyId);
    if (b.verification_notes === undefined) return performanceJson(row);
    const updated = await this.performance.setNotes(row.strategyId, b.verification_notes, new Date(this.clock.now()));
    return performanceJson(updated ?? row);
  }

  async delete(user: AuthUser, strategyId: number): Promise<void> {
    await this.performance.delete((await this.own(user, strategyId)).strategyId);
  }

  /** The row of a strategy `user` can see; 404 otherwise (also when never verified). */
  private async own(user: AuthUser, strategyId: number): Promise<NamedPerformanceRow> {
    const strategy = visibleOr404(user, await this.strategies.byId(strategyId), 'Strategy', strategyId);
    const row = await this.performance.byStrategy(strategy.id);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'No bot performance for this strategy', { id: strategyId });
    return row;
  }
}
