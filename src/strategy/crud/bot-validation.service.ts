import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { staticCheck } from '../../bots/core/static-check';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ErrorFixerService } from '../../error-fixer/error-fixer.service';
import { DEFAULT_MARKET_DATA_REQUEST, MARKET_DATA, type MarketDataProvider } from '../../market-data/market-data.port';
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

export interface ValidationOutcome {
  rows: ValidationRow[];
  overall: 'passed' | 'failed';
}

/** How long shutdown waits for background validations before the database closes. */
const SHUTDOWN_WAIT_MS = 15_000;

/**
 * Validates a strategy's bot: static checks, then a sandboxed backtest on the default test data (AAPL, 1y,
 * 1d), judged per validation type (`validation-report.ts`); the StrategyValidation rows and the strategy's
 * new status (valid | invalid) and `last_validated` are written in one transaction.
 *
 * Background runs (after `create_strategy/`) are tracked: `settled()` resolves when all have finished, and
 * shutdown waits for them. A background run never throws: any failure is logged, and a failure to test
 * (no market data, a full sandbox queue) is recorded as a validation with status `error`.
 */
@Injectable()
export class BotValidationService implements BeforeApplicationShutdown {
  private readonly logger = new AppLogger('StrategyValidation');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly fixer: ErrorFixerService,
    @Inject(MARKET_DATA) private readonly marketData: MarketDataProvider,
    private readonly strategies: StrategiesRepository,
    private readonly repo: StrategyCrudRepository,
  ) {}

  /**
   * Validates now. 400 when the code is not a bot; market-data and sandbox-queue errors propagate (503/429);
   * 404 if the strategy vanished meanwhile.
   */
  async validate(strategy: StrategyRow, settings: ValidationSettings): Promise<ValidationOutcome> {
    if (!looksLikeBot(strategy.strategyCode)) throw new DomainError(ErrorCode.ValidationFailed, NOT_A_BOT, { strategy_code: [NOT_A_BOT] });
    const started = performance.now();
    const { test, barCount } = await this.test(strategy.strategyCode);
    const verdicts = judge(test, settings.types, { strictMode: settings.strictMode, barCount });
    const saved = await this.save(strategy.id, verdicts, settings, (performance.now() - started) / 1000);
    if (!saved) throw new DomainError(ErrorCode.NotFound, 'Strategy not found', { id: strategy.id });
    return saved;
  }

  /** Starts a `backtest` validation of the strategy in the background (see the class comment). */
  validateInBackground(strategyId: number): void {
    const run: Promise<void> = this.backgroundRun(strategyId)
      .catch((e: unknown) => this.logger.error(`Background validation of strategy ${strategyId} failed`, { err: e }))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves when every background validation started so far (and any they started) has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([this.settled(), timeout]);
    clearTimeout(timer);
  }

  private async backgroundRun(strategyId: number): Promise<void> {
    const settings: ValidationSettings = { types: ['backtest'], strictMode: false, useGemini: false };
    const strategy = await this.strategies.byId(strategyId);
    if (!strategy) return;
    const started = performance.now();
    let verdicts: Verdict[];
    if (!looksLikeBot(strategy.strategyCode)) {
      verdicts = [cannotRun('backtest', 'failed', 'bot', NOT_A_BOT)];
    } else {
      try {
        const { test, barCount } = await this.test(strategy.strategyCode);
        verdicts = judge(test, settings.types, { strictMode: false, barCount });
      } catch (e) {
        const message = e instanceof DomainError ? `${e.message}${typeof e.details === 'string' ? `: ${e.details}` : ''}` : 'The bot could not be tested';
        if (!(e instanceof DomainError)) this.logger.error(`Testing strategy ${strategyId} failed`, { err: e });
        verdicts = [cannotRun('backtest', 'error', 'test_run', message)];
      }
    }
    await this.save(strategyId, verdicts, settings, (performance.now() - started) / 1000);
  }

  /** Static checks first (no data needed), then the sandboxed backtest on the default test data. */
  private async test(code: string): Promise<{ test: BotTest; barCount: number }> {
    const check = staticCheck(code);
    if (!check.ok) {
      const where = check.line ? ` (bot.js line ${check.line})` : '';
      return { test: { stage: 'static', outcome: { ok: false, errorType: check.errorType, message: `${check.message}${where}`, logs: [], durationMs: 0 } }, barCount: 0 };
    }
    const data = await this.marketData.getBars({ ...DEFAULT_MARKET_DATA_REQUEST });
    return { test: { stage: 'sandbox', outcome: await this.fixer.test(code, data.bars) }, barCount: data.bars.length };
  }

  /** Writes the verdicts and the strategy's status in one transaction; null when the strategy is gone. */
  private async save(strategyId: number, verdicts: Verdict[], settings: ValidationSettings, seconds: number): Promise<ValidationOutcome | null> {
    const overall = verdicts.every((v) => v.status === 'passed') ? 'passed' : 'failed';
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
