import { Injectable } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { staticCheck } from '../../bots/core/static-check';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ErrorFixerService } from '../../error-fixer/error-fixer.service';
import { JobQueue } from '../../jobs/job-queue';
import { JobsService } from '../../jobs/jobs.service';
import { DEFAULT_MARKET_DATA_REQUEST, MarketDataProvider } from '../../market-data/market-data.port';
import { StrategiesRepository, type StrategyRow } from '../strategies.repository';
import { StrategyCrudRepository, type ValidationRow } from './strategy-crud.repository';
import type { ValidationType } from './strategy.dto';
import { looksLikeBot } from '../../bots/core/looks-like-bot';
import { BotTest, cannotRun, judge, NOT_A_BOT, VALIDATOR_VERSION, type Verdict } from './validation-report';

export interface ValidationSettings {
  types: readonly ValidationType[];
  strictMode: boolean;
  useGemini: boolean;
}

const BACKGROUND: ValidationSettings = { types: ['backtest'], strictMode: false, useGemini: false };

export interface ValidationOutcome {
  rows: ValidationRow[];
  overall: 'passed' | 'failed';
}

export const VALIDATE_KIND = 'strategies.validate';

/**
 * Validates a strategy's bot: static checks, then a sandboxed backtest on the default test data (AAPL, 1y,
 * 1d), judged per validation type (`validation-report.ts`); the StrategyValidation rows and the strategy's
 * new status (valid | invalid) and `last_validated` are written in one transaction.
 *
 * Background runs (after `create_strategy/`) are `strategies.validate` jobs (`validate-strategy.job.ts`), run
 * by any worker and retried if it stops; `settled()` resolves when those queued here have finished. A
 * failure to test (no market data, a full sandbox queue, a queue that refused the job) is recorded as a
 * validation with status `error`.
 */
@Injectable()
export class BotValidationService {
  private readonly logger = new AppLogger('StrategyValidation');
  private readonly queued = new Set<string>();

  constructor(
    private readonly fixer: ErrorFixerService,
    private readonly marketData: MarketDataProvider,
    private readonly strategies: StrategiesRepository,
    private readonly repo: StrategyCrudRepository,
    private readonly jobs: JobQueue,
    private readonly jobsService: JobsService,
  ) {}

  /**
   * Validates now (code that is not a bot fails every type); market-data and sandbox-queue errors propagate (503/429);
   * 404 if the strategy vanished meanwhile.
   */
  async validate(strategy: StrategyRow, settings: ValidationSettings): Promise<ValidationOutcome> {
    const started = performance.now();
    let verdicts: Verdict[];
    if (!looksLikeBot(strategy.strategyCode)) {
      // As in Django: 200 with the validation failed and the strategy invalid, not a 400.
      verdicts = settings.types.map((t) => cannotRun(t, 'failed', 'bot', NOT_A_BOT));
    } else {
      const { test, barCount } = await this.test(strategy.strategyCode);
      verdicts = judge(test, settings.types, { strictMode: settings.strictMode, barCount });
    }
    const saved = await this.save(strategy.id, verdicts, settings, (performance.now() - started) / 1000);
    if (!saved) throw new DomainError(ErrorCode.NotFound, 'Strategy not found', { id: strategy.id });
    return saved;
  }

  /** Queues a `backtest` validation of the strategy (see the class comment); never throws. */
  async validateInBackground(strategyId: number, ownerId: number | null): Promise<void> {
    try {
      const job = await this.jobs.enqueue(VALIDATE_KIND, { strategyId }, { ownerId });
      this.queued.add(job.id);
    } catch (e) {
      const message = e instanceof DomainError ? e.message : 'The validation could not be queued';
      if (!(e instanceof DomainError)) this.logger.error(`Queueing the validation of strategy ${strategyId} failed`, { err: e });
      await this.save(strategyId, [cannotRun('backtest', 'error', 'test_run', message)], BACKGROUND, 0).catch(() => undefined);
    }
  }

  /** Resolves when every validation queued by this process so far has finished (tests). */
  async settled(): Promise<void> {
    for (const id of [...this.queued]) {
      for (;;) {
        const row = await this.jobsService.find(id);
        if (!row || ['succeeded', 'failed', 'cancelled'].includes(row.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      this.queued.delete(id);
    }
  }

  /** The validation job: a sandboxed backtest on the default test data; any failure to test becomes an `error` row. */
  async backgroundRun(strategyId: number, signal?: AbortSignal): Promise<void> {
    const settings = BACKGROUND;
    const strategy = await this.strategies.byId(strategyId);
    if (!strategy) return;
    const started = performance.now();
    let verdicts: Verdict[];
    if (!looksLikeBot(strategy.strategyCode)) {
      verdicts = [cannotRun('backtest', 'failed', 'bot', NOT_A_BOT)];
    } else {
      try {
        const { test, barCount } = await this.test(strategy.strategyCode, signal);
        verdicts = judge(test, settings.types, { strictMode: false, barCount });
      } catch (e) {
        if (signal?.aborted) throw e;
        const message =
          e instanceof DomainError ? `${e.message}${typeof e.details === 'string' ? `: ${e.details}` : ''}` : 'The bot could not be tested';
        if (!(e instanceof DomainError)) this.logger.error(`Testing strategy ${strategyId} failed`, { err: e });
        verdicts = [cannotRun('backtest', 'error', 'test_run', message)];
      }
    }
    await this.save(strategyId, verdicts, settings, (performance.now() - started) / 1000);
  }

  /** Static checks first (no data needed), then the sandboxed backtest on the default test data. */
  private async test(code: string, signal?: AbortSignal): Promise<{ test: BotTest; barCount: number }> {
    const check = staticCheck(code);
    if (!check.ok) {
      const where = check.line ? ` (bot.js line ${check.line})` : '';
      return {
        test: {
          stage: 'static',
          outcome: { ok: false, errorType: check.errorType, message: `${check.message}${where}`, logs: [], durationMs: 0 },
        },
        barCount: 0,
      };
    }
    const data = await this.marketData.getBars({ ...DEFAULT_MARKET_DATA_REQUEST });
    return { test: { stage: 'sandbox', outcome: await this.fixer.test(code, data.bars, { signal }) }, barCount: data.bars.length };
  }

  /** Writes the verdicts and the strategy's status in one transaction; null when the strategy is gone. */
  private async save(
    strategyId: number,
    verdicts: Verdict[],
    settings: ValidationSettings,
    seconds: number,
  ): Promise<ValidationOutcome | null> {
    const overall = verdicts.every((v) => v.status === 'passed') ? 'passed' : 'failed';
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    const now = new Date();
    const config = { strict_mode: settings.strictMode, use_gemini: settings.useGemini, ...DEFAULT_MARKET_DATA_REQUEST };
    return this.strategies.transaction(async (tx) => {
      if (!(await this.strategies.byId(strategyId, tx))) return null;
      const rows = await this.repo.insertValidations(
        verdicts.map((v) => ({
          strategyId,
          validationType: v.validationType,
          status: v.status,
          score: v.score,
          passedChecks: v.passedChecks,
          failedChecks: v.failedChecks,
          warnings: v.warnings,
          recommendations: v.recommendations,
          validatorVersion: VALIDATOR_VERSION,
          validationConfig: config,
          executionTime: seconds.toFixed(3),
          completedAt: now,
        })),
        tx,
      );
      await this.strategies.update(strategyId, { status: overall === 'passed' ? 'valid' : 'invalid', lastValidated: now }, tx);
      return { rows, overall };
    });
  }
}
