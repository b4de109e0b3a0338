/**
 * Django's `BotPerformanceViewSet` + `BotVerificationService`: run a strategy's bot once on market data,
 * record the run (`bot_test_runs`) and keep the verdict (`bot_performance`, one row per strategy).
 * Verified = the run succeeded and made at least one trade (bot-verification.ts). Runs are synchronous, so
 * `testing` is only seen by other readers while a run is under way.
 */
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/current-user.decorator';
import type { Bar } from '../../backtest/engine/types';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import { Clock } from '../../common/clock';
import type { JobContext } from '../../jobs/job-definition';
import { JobQueue } from '../../jobs/job-queue';
import { MarketDataRequest, parseMarketDataRequest, Period } from '../../market-data/market-data.port';
import { StrategyVersionsRepository } from '../../production/versions/strategy-versions.repository';
import { StrategyBotsService } from '../bots/strategy-bots.service';
import { StrategiesRepository, StrategyRow } from '../strategies.repository';
import { visibleOr404 } from '../../auth/ownership';
import { iso, PAGE_SIZE } from '../records/params';
import {
  BotPerformancePageDto,
  BotPerformanceDto,
  BotTestRunDto,
  MAX_VERIFY_ALL,
  TestHistoryDto,
  VerifiedBotsDto,
  VerifyAllAcceptedDto,
  VerifyAllDto,
  VerifyAllSummaryDto,
  VerifyBotDto,
  VerifyBotResponseDto,
} from './bot-performance.dto';
import { BotPerformanceRepository, BotTestRunRow, NamedPerformanceRow } from './bot-performance.repository';
import { BotTestRunner, EngineMoney } from './bot-test-runner';
import { periodFor, RunMetrics, verdictOf } from './bot-verification';
import { VERIFY_ALL_KIND, type VerifyAllCommand } from './verify-all.command';

/** Most runs `test_history/` shows. */
export const TEST_HISTORY_LIMIT = 50;
const ERROR_MESSAGE_CHARS = 4000;

/** One verification's settings, checked. */
interface TestConfig {
  request: MarketDataRequest;
  period: Period;
  money: EngineMoney;
  /** As stored: numeric strings at the column's scale. */
  initialBalance: string;
  commission: string;
}

export function performanceJson(r: NamedPerformanceRow): BotPerformanceDto {
  return {
    strategy: r.strategyId,
    strategy_name: r.strategyName,
    is_verified: r.isVerified,
    status: r.status,
    total_return: r.totalReturn,
    win_rate: r.winRate,
    sharpe_ratio: r.sharpeRatio,
    max_drawdown: r.maxDrawdown,
    total_trades: r.totalTrades,
    symbol: r.symbol,
    timeframe: r.timeframe,
    initial_balance: r.initialBalance,
    commission: r.commission,
    verification_notes: r.verificationNotes,
    last_tested_at: iso(r.lastTestedAt),
    created_at: iso(r.createdAt)!,
    updated_at: iso(r.updatedAt)!,
  };
}

export function testRunJson(r: BotTestRunRow): BotTestRunDto {
  return {
    id: r.id,
    strategy: r.strategyId,
    symbol: r.symbol,
    timeframe: r.timeframe,
    period: r.period,
    initial_balance: r.initialBalance,
    commission: r.commission,
    success: r.success,
    error_type: r.errorType,
    error_message: r.errorMessage,
    metrics: r.metrics as unknown as RunMetrics | null,
    strategy_version: r.strategyVersion,
    started_at: iso(r.startedAt)!,
    finished_at: iso(r.finishedAt)!,
  };
}

@Injectable()
export class BotPerformanceService {
  constructor(
    private readonly performance: BotPerformanceRepository,
    private readonly strategies: StrategiesRepository,
    /** Only for `codeOf`: which code a strategy runs (its bot, or its own code when that is a bot). */
    private readonly strategyBots: StrategyBotsService,
    private readonly runner: BotTestRunner,
    private readonly clock: Clock,
    private readonly versions: StrategyVersionsRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** POST verify_bot/: 404 when not your strategy, 400 without a bot to run. */
  async verifyBot(user: AuthUser, dto: VerifyBotDto): Promise<VerifyBotResponseDto> {
    const strategy = visibleOr404(user, await this.strategies.byId(dto.strategy_id), 'Strategy', dto.strategy_id);
    const code = await this.strategyBots.codeOf(strategy);
    const config = this.testConfig(dto);
    const bars = await this.runner.bars(config.request);
    const row = await this.verify(strategy, code, bars, config);
    return { status: 'completed', performance: performanceJson(row), message: row.verificationNotes };
  }

  /**
   * POST verify_all/: answers at once (202) with the job that verifies your strategies (staff: all) with a
   * bot, untested ones only unless `force_retest`, one after the other on the default settings (AAPL, 1d,
   * 1y, 10000, 0.002); follow its progress at `events_url`, its summary is the job's result.
   */
  async verifyAll(user: AuthUser, dto: VerifyAllDto): Promise<VerifyAllAcceptedDto> {
    const payload: VerifyAllCommand = {
      user: { id: user.id, username: user.username, isStaff: user.isStaff },
      strategyIds: dto.strategy_ids ? [...new Set(dto.strategy_ids)] : null,
      forceRetest: dto.force_retest ?? false,
    };
    const job = await this.jobs.enqueue(VERIFY_ALL_KIND, payload, { ownerId: user.id });
    return {
      status: 'queued',
      job_id: job.id,
      job_url: `/api/jobs/${job.id}`,
      events_url: `/api/jobs/${job.id}/events`,
      message: "Verification started; follow events_url for progress; the summary is the job's result",
    };
  }

  /**
   * The verify_all job: at most 100 strategies per call, those never or least recently tested first, so a
   * repeated call goes on with the rest. Progress after each strategy; cancel stops the running bot.
   */
  async runVerifyAll(command: VerifyAllCommand, ctx: Pick<JobContext, 'signal' | 'progress'>): Promise<VerifyAllSummaryDto> {
    const { user, strategyIds: ids, forceRetest } = command;
    const summary: VerifyAllSummaryDto = { total: 0, verified: 0, failed: 0, testing: 0, errors: [] };
    if (ids) {
      const visible = await this.performance.visibleIds(user, ids);
      for (const id of ids) if (!visible.has(id)) summary.errors.push({ strategy_id: id, error: 'Strategy not found' });
    }
    const todo = await this.performance.toVerify(user, { ids: ids ?? undefined, forceRetest, limit: MAX_VERIFY_ALL });
    if (todo.length === 0) return summary;
    const config = this.testConfig({});
    const bars = await this.runner.bars(config.request);
    summary.total = todo.length;
    await ctx.progress(0, { done: 0, total: todo.length, verified: 0, failed: 0 });
    for (const [i, strategy] of todo.entries()) {
      ctx.signal.throwIfAborted();
      try {
        const row = await this.verify(strategy, await this.strategyBots.codeOf(strategy), bars, config, ctx.signal);
        if (row.isVerified) summary.verified++;
        else {
          summary.failed++;
          summary.errors.push({ strategy_id: strategy.id, error: row.verificationNotes });
        }
      } catch (error) {
        // No bot after all, or the sandbox queue is full: this strategy is not judged; the others go on.
        if (!(error instanceof DomainError)) throw error;
        summary.failed++;
        summary.errors.push({ strategy_id: strategy.id, error: error.message });
      }
      const done = i + 1;
      await ctx.progress((100 * done) / todo.length, {
        done,
        total: todo.length,
        verified: summary.verified,
        failed: summary.failed,
        strategy_id: strategy.id,
      });
    }
    return summary;
  }

  /** GET verified_bots/. */
  async verifiedBots(user: AuthUser): Promise<VerifiedBotsDto> {
    const rows = await this.performance.verified(user);
    return { count: rows.length, verified_bots: rows.map(performanceJson) };
  }

  /** GET {id}/test_history/ (id = strategy id). */
  async testHistory(user: AuthUser, strategyId: number): Promise<TestHistoryDto> {
    const strategy = visibleOr404(user, await this.strategies.byId(strategyId), 'Strategy', strategyId);
    const [row, runs] = await Promise.all([
      this.performance.byStrategy(strategy.id),
      this.performance.testRuns(strategy.id, TEST_HISTORY_LIMIT),
    ]);
    return {
      strategy_id: strategy.id,
      strategy_name: strategy.name,
      is_verified: row?.isVerified ?? false,
      test_runs: runs.map(testRunJson),
    };
  }

  /** GET /: page of performance rows, most recently updated first. */
  async list(user: AuthUser, page: number): Promise<BotPerformancePageDto> {
    const { count, rows } = await this.performance.list(user, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(performanceJson));
  }

  /** GET {id}/ (id = strategy id): 404 when never tested or not yours. */
  async get(user: AuthUser, strategyId: number): Promise<BotPerformanceDto> {
    const strategy = visibleOr404(user, await this.strategies.byId(strategyId), 'Strategy', strategyId);
    const row = await this.performance.byStrategy(strategy.id);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'No bot performance for this strategy: verify it first', { id: strategyId });
    return performanceJson(row);
  }

  /**
   * Marks the strategy `testing`, runs the bot, then records the run and the verdict together; when that
   * throws, the row is put back as it was.
   */
  private async verify(
    strategy: StrategyRow,
    code: string,
    bars: Bar[],
    c: TestConfig,
    signal?: AbortSignal,
  ): Promise<NamedPerformanceRow> {
    const { symbol, interval: timeframe } = c.request;
    const money = { initialBalance: c.initialBalance, commission: c.commission };
    const startedAt = new Date(this.clock.now());
    const before = await this.performance.markTesting(strategy.id, { symbol, timeframe, ...money }, startedAt);
    try {
      const outcome = await this.runner.run(code, bars, c.money, signal);
      const finishedAt = new Date(this.clock.now());
      const v = verdictOf(outcome, { symbol, timeframe, period: c.period });
      return await this.performance.finish(
        {
          strategyId: strategy.id,
          symbol,
          timeframe,
          period: c.period,
          ...money,
          success: outcome.ok,
          errorType: outcome.ok ? null : outcome.errorType.slice(0, 32),
          errorMessage: outcome.ok ? null : outcome.message.slice(0, ERROR_MESSAGE_CHARS),
          metrics: outcome.ok ? { ...outcome.metrics } : null,
          strategyVersion: await this.versions.numberForCode(strategy.id, code),
          startedAt,
          finishedAt,
        },
        {
          isVerified: v.isVerified,
          status: v.status,
          totalReturn: v.totalReturn,
          winRate: v.winRate,
          sharpeRatio: v.sharpeRatio,
          maxDrawdown: v.maxDrawdown,
          totalTrades: v.totalTrades,
          symbol,
          timeframe,
          ...money,
          verificationNotes: v.notes,
          lastTestedAt: finishedAt,
        },
        finishedAt,
      );
    } catch (error) {
      // The run could not finish (sandbox queue full, database error): the bot is not judged, nothing is recorded.
      await this.performance.restore(strategy.id, before);
      throw error;
    }
  }

  /** The body's settings with their defaults; 400 naming the body's field (timeframe, end_date) otherwise. */
  private testConfig(dto: Omit<VerifyBotDto, 'strategy_id'>): TestConfig {
    if (dto.start_date !== undefined && dto.end_date !== undefined && dto.end_date < dto.start_date) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: end_date', {
        end_date: ['end_date must not be before start_date'],
      });
    }
    const period = periodFor(dto.start_date, dto.end_date, new Date(this.clock.now()));
    let request: MarketDataRequest;
    try {
      request = parseMarketDataRequest({ symbol: dto.symbol ?? 'AAPL', period, interval: dto.timeframe ?? '1d' });
    } catch (error) {
      throw error instanceof DomainError && error.code === ErrorCode.ValidationFailed ? inBodyTerms(error) : error;
    }
    // Rounded as the columns store them, so the run uses exactly what is recorded.
    const initialBalance = Number(dto.initial_balance ?? 10000).toFixed(2);
    const commission = Number(dto.commission ?? 0.002).toFixed(6);
    return {
      request,
      period,
      initialBalance,
      commission,
      money: { initialCash: Number(initialBalance), commissionRate: Number(commission) },
    };
  }
}

/** Market-data field names → this body's (interval → timeframe, period → start_date). */
function inBodyTerms(error: DomainError): DomainError {
  const rename: Record<string, string> = { interval: 'timeframe', period: 'start_date' };
  const details = Object.fromEntries(
    Object.entries((error.details ?? {}) as Record<string, string[]>).map(([k, v]) => [rename[k] ?? k, v]),
  );
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(details).join(', ')}`, details);
}
