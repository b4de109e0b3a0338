/**
 * The strategy endpoints that generate, fix and run bots (Django's generate_with_ai, fix_errors, execute,
 * execution_history, generate_code, generate_executable_code, generate_with_auto_fix). Gemini and the sandbox
 * run first; the database changes happen together at the end, so a failure midway leaves nothing half-saved.
 */
import { Injectable } from '@nestjs/common';
import { AuthUser, userKey } from '../../auth/current-user.decorator';
import { BotsRepository } from '../../bots/bots.repository';
import { BotFiles } from '../../bots/bot-files';
import { looksLikeBot } from '../../bots/core/looks-like-bot';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ErrorFixerService, metricsOf } from '../../error-fixer/error-fixer.service';
import { DEFAULT_MARKET_DATA_REQUEST, marketDataRequestOrDefaults } from '../../market-data/market-data.port';
import { StrategyVersionsRepository } from '../../production/versions/strategy-versions.repository';
import { StrategiesRepository, StrategyRow } from '../strategies.repository';
import { visibleOr404 } from '../../auth/ownership';
import { canonicalDescription, parseCanonicalInput } from './canonical-input';
import { attemptsSummary, PipelineResult, Progress, StrategyBotPipeline } from './strategy-bot-pipeline';
import {
  ExecuteDto,
  FixErrorsDto,
  GenerateCodeDto,
  GenerateExecutableDto,
  GenerateWithAiDto,
  GenerateWithAutoFixDto,
} from './strategy-bots.dto';
import { starterBot } from '../../bots/core/starter-bot';
import type { JobContext } from '../../jobs/job-definition';
import { JobQueue } from '../../jobs/job-queue';
import type { JobRow } from '../../jobs/jobs.repository';
import { AUTO_FIX_KIND, AutoFixCommand } from './auto-fix.command';
import { staticCheck } from '../../bots/core/static-check';
import type { AiCaller } from '../../gemini/ai-caller';

type OnProgress = (p: Progress) => void;

const METRIC_KEYS = ['return_pct', 'num_trades', 'win_rate', 'sharpe_ratio', 'max_drawdown'] as const;

/** "Buy when RSI drops…" → "Buy When Rsi Drops" (first 6 words), for strategies generated without a name. */
function nameFrom(description: string): string {
  const words = description
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 6);
  return words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join(' ') || 'Generated Strategy';
}

@Injectable()
export class StrategyBotsService {
  constructor(
    private readonly pipeline: StrategyBotPipeline,
    private readonly strategies: StrategiesRepository,
    private readonly bots: BotsRepository,
    private readonly files: BotFiles,
    private readonly fixer: ErrorFixerService,
    private readonly versions: StrategyVersionsRepository,
    private readonly jobs: JobQueue,
  ) {}

  private async owned(user: AuthUser, id: number): Promise<StrategyRow> {
    return visibleOr404(user, await this.strategies.byId(id), 'Strategy', id);
  }

  /** POST /api/strategies/strategies/generate_with_ai/ → 201. `signal`: the client went away (nothing is saved). */
  async generateWithAi(user: AuthUser, dto: GenerateWithAiDto, onProgress?: OnProgress, caller?: AiCaller) {
    const signal = caller?.signal;
    const name = dto.name ?? nameFrom(dto.description);
    const autoFix = dto.auto_fix ?? true;
    const execute = (dto.execute_after_generation ?? false) || autoFix;
    const result = await this.pipeline.run({
      user,
      description: dto.description,
      name,
      maxAttempts: dto.max_fix_attempts ?? 3,
      autoFix,
      execute,
      testConfig: marketDataRequestOrDefaults(dto.test_config),
      onProgress,
      signal,
      callerKey: caller?.key,
    });
    signal?.throwIfAborted();
    const status = result.loop === null ? 'generated' : result.loop.success ? 'executed' : 'failed';
    const { strategy, saved } = await this.strategies.transaction(async (tx) => {
      const saved = await this.pipeline.persist(tx, user.id, result);
      const strategy = await this.strategies.create(
        {
          name: saved.bot.fileName,
          description: dto.description,
          strategyCode: result.code,
          status,
          parameters: { generated_code_path: saved.filePath, generated_code_filename: saved.fileName },
          filePath: saved.filePath,
          botId: saved.bot.id,
          createdBy: user.id,
        },
        { bumpVersionOnClash: true },
        tx,
      );
      return { strategy, saved };
    });
    const last = result.loop?.last;
    return {
      id: strategy.id,
      name: strategy.name,
      file_path: saved.filePath,
      status: strategy.status,
      generation_result: { success: true, file_path: saved.filePath, static_check: result.check.ok ? 'passed' : result.check.message },
      execution_result: last
        ? last.ok
          ? { success: true, ...pick(last.result.metrics) }
          : { success: false, error_type: last.errorType, error_message: last.message.slice(0, 500) }
        : null,
      fix_attempts: result.loop?.attempts.length ?? 0,
      fix_details: (result.loop?.attempts ?? []).map((a) => ({ attempt: a.attempt, error_type: a.error_type, success: a.success })),
      market_data: result.market,
    };
  }

  /** POST /api/strategies/strategies/{id}/fix_errors/. */
  async fixErrors(user: AuthUser, id: number, dto: FixErrorsDto, onProgress?: OnProgress, caller?: AiCaller) {
    const signal = caller?.signal;
    const strategy = await this.owned(user, id);
    const bot = strategy.botId ? await this.bots.byId(strategy.botId) : null;
    if (!bot)
      throw new DomainError(ErrorCode.ValidationFailed, 'Strategy has no generated bot to fix (file_path is empty); generate one first', {
        file_path: ['no generated bot'],
      });
    const maxAttempts = dto.max_attempts ?? 3;
    const bars = await this.pipeline.bars(marketDataRequestOrDefaults(dto.test_config));
    const loop = await this.fixer.fixLoop(bot, {
      bars,
      maxAttempts,
      work: { userKey: caller?.key ?? userKey(user) ?? 'anonymous', maxKeyWaitMs: 0, signal },
      sandboxHooks: { signal },
      onEvent: (e) =>
        onProgress?.({
          step: e.step,
          progress: Math.round(10 + (85 * Math.max(0, e.attempt)) / (maxAttempts + 1)),
          message: e.message,
          data: { iteration: e.attempt },
        }),
    });
    // The client went away during the loop: nothing is saved.
    signal?.throwIfAborted();
    await this.strategies.transaction(async (tx) => {
      await this.bots.update(
        bot.id,
        {
          code: loop.code,
          status: loop.success ? 'passed' : 'failed',
          lastError: loop.last.ok ? null : `${loop.last.errorType}: ${loop.last.message}`.slice(0, 4000),
          lastMetrics: metricsOf(loop.last),
        },
        // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
        new Date(),
        tx,
      );
      for (const a of loop.attempts) await this.bots.recordFixAttempt(bot.id, a, tx);
      await this.strategies.update(
        strategy.id,
        {
          status: loop.success ? 'working' : 'failed',
          strategyCode: strategy.strategyCode === bot.code ? loop.code : strategy.strategyCode,
        },
        tx,
      );
    });
    this.files.write(bot.fileName, loop.code);
    onProgress?.({ step: 'done', progress: 100, message: loop.success ? 'The bot runs' : 'The bot still fails' });
    return {
      success: loop.success,
      final_path: strategy.filePath ?? this.files.pathOf(bot.fileName),
      final_status: loop.final_status,
      attempts: loop.attempts.length,
      fixes: loop.attempts.map((a) => ({
        attempt: a.attempt,
        success: a.success,
        error_type: a.error_type,
        error_message: a.error_message.slice(0, 200),
        timestamp: a.timestamp,
      })),
    };
  }

  /** The code to run for a strategy: its generated bot, or its own code when that is a bot module. */
  async codeOf(strategy: StrategyRow): Promise<string> {
    const bot = strategy.botId ? await this.bots.byId(strategy.botId) : null;
    if (bot) return bot.code;
    if (looksLikeBot(strategy.strategyCode)) return strategy.strategyCode;
    throw new DomainError(ErrorCode.ValidationFailed, 'Strategy has no runnable bot: generate one (generate_executable_code) first', {
      strategy_code: ['not a bot module'],
    });
  }

  /** POST /api/strategies/strategies/{id}/execute/. */
  async execute(user: AuthUser, id: number, dto: ExecuteDto) {
    const strategy = await this.owned(user, id);
    const code = await this.codeOf(strategy);
    const cfg = marketDataRequestOrDefaults({ symbol: dto.test_symbol ?? 'GOOG', period: dto.period, interval: dto.interval });
    const outcome = await this.pipeline.execute(code, cfg);
    const m = outcome.ok ? outcome.result.metrics : null;
    await this.strategies.recordExecution({
      strategyId: strategy.id,
      success: outcome.ok,
      symbol: cfg.symbol,
      returnPct: m?.return_pct ?? null,
      numTrades: m?.num_trades ?? null,
      winRate: m?.win_rate ?? null,
      sharpeRatio: m?.sharpe_ratio ?? null,
      maxDrawdown: m?.max_drawdown ?? null,
      executionTime: m?.execution_time ?? null,
      errorType: outcome.ok ? null : outcome.errorType,
      errorMessage: outcome.ok ? null : outcome.message.slice(0, 4000),
      strategyVersion: await this.versions.numberForCode(strategy.id, code),
    });
    await this.strategies.update(strategy.id, { status: outcome.ok ? 'executed' : 'failed' });
    return {
      success: outcome.ok,
      metrics: m ? { ...pick(m), execution_time: m.execution_time } : null,
      results_file: null,
      error_message: outcome.ok ? null : outcome.message,
      error_type: outcome.ok ? null : outcome.errorType,
      symbol: cfg.symbol,
    };
  }

  /** GET /api/strategies/strategies/{id}/execution_history/. */
  async executionHistory(user: AuthUser, id: number) {
    const strategy = await this.owned(user, id);
    const { total, rows } = await this.strategies.executions(strategy.id, 20);
    return {
      strategy_id: strategy.id,
      strategy_name: strategy.name,
      total_executions: total,
      executions: rows.map((r) => ({
        timestamp: r.createdAt.toISOString(),
        success: r.success,
        symbol: r.symbol,
        return_pct: r.returnPct,
        num_trades: r.numTrades,
        win_rate: r.winRate,
        sharpe_ratio: r.sharpeRatio,
        max_drawdown: r.maxDrawdown,
        execution_time: r.executionTime,
        error_message: r.errorMessage,
        strategy_version: r.strategyVersion,
      })),
    };
  }

  /** POST /api/strategies/api/generate_code/: code only, nothing saved. */
  async generateCode(user: AuthUser, dto: GenerateCodeDto, caller?: AiCaller) {
    const name = dto.strategy_name ?? nameFrom(dto.strategy_description);
    if (dto.use_gemini === false) {
      const code = starterBot(name, dto.strategy_description, dto.parameters ?? {});
      const check = staticCheck(code);
      return {
        generated_code: code,
        strategy_name: name,
        description: dto.strategy_description,
        parameters: dto.parameters ?? {},
        metadata: {
          language: 'javascript',
          sdk: 'docs/bot-sdk.md',
          generator: 'template',
          static_check: check.ok ? 'passed' : check.message,
          template_id: dto.template_id ?? null,
          // eslint-disable-next-line no-restricted-syntax -- recorded timestamp, not a decision
          generated_at: new Date().toISOString(),
        },
      };
    }
    const result = await this.pipeline.run({
      user,
      description: dto.strategy_description,
      name,
      maxAttempts: 0,
      autoFix: false,
      execute: false,
      testConfig: DEFAULT_MARKET_DATA_REQUEST,
      signal: caller?.signal,
      callerKey: caller?.key,
    });
    return {
      generated_code: result.code,
      strategy_name: name,
      description: dto.strategy_description,
      parameters: dto.parameters ?? {},
      metadata: {
        language: 'javascript',
        sdk: 'docs/bot-sdk.md',
        generator: 'gemini',
        static_check: result.check.ok ? 'passed' : result.check.message,
        template_id: dto.template_id ?? null,
        // eslint-disable-next-line no-restricted-syntax -- recorded timestamp, not a decision
        generated_at: new Date().toISOString(),
      },
    };
  }

  private async linkStrategy(user: AuthUser, strategyId: number | undefined): Promise<StrategyRow | null> {
    return strategyId === undefined ? null : this.owned(user, strategyId);
  }

  private async runCanonical(
    user: AuthUser,
    dto: GenerateExecutableDto,
    maxAttempts: number,
    onProgress?: OnProgress,
    signal?: AbortSignal,
    callerKey?: string,
  ) {
    const canonical = parseCanonicalInput(dto.canonical_json);
    const linked = await this.linkStrategy(user, dto.strategy_id);
    const name = dto.strategy_name ?? 'GeneratedStrategy';
    const result = await this.pipeline.run({
      user,
      description: canonicalDescription(canonical, name),
      name,
      maxAttempts,
      autoFix: true,
      execute: true,
      testConfig: marketDataRequestOrDefaults(dto.test_config),
      onProgress,
      signal,
      callerKey,
    });
    // Cancelled while the last step ran: nothing is saved.
    signal?.throwIfAborted();
    return { canonical, linked, result };
  }

  private async saveCanonicalRun(
    user: AuthUser,
    run: { canonical: unknown; linked: StrategyRow | null; result: PipelineResult },
    params: (saved: { filePath: string; fileName: string }) => Record<string, unknown>,
  ) {
    return this.strategies.transaction(async (tx) => {
      const saved = await this.pipeline.persist(tx, user.id, run.result, run.canonical);
      if (run.linked) {
        await this.strategies.update(
          run.linked.id,
          { parameters: { ...run.linked.parameters, ...params(saved) }, filePath: saved.filePath, botId: saved.bot.id },
          tx,
        );
      }
      return saved;
    });
  }

  /** POST /api/strategies/api/generate_executable_code/ (the exact Django response shape). */
  async generateExecutableCode(user: AuthUser, dto: GenerateExecutableDto, onProgress?: OnProgress, caller?: AiCaller) {
    const run = await this.runCanonical(user, dto, 5, onProgress, caller?.signal, caller?.key);
    const loop = run.result.loop!;
    const validationStatus = loop.success ? 'passed' : 'failed';
    const saved = await this.saveCanonicalRun(user, run, (s) => ({
      generated_code_path: s.filePath,
      generated_code_filename: s.fileName,
      validation_status: validationStatus,
      fix_attempts: loop.attempts.length,
    }));
    return {
      success: true,
      strategy_code: run.result.code,
      file_path: saved.filePath,
      file_name: saved.fileName,
      json_file_path: saved.jsonPath,
      strategy_id: run.linked?.id ?? null,
      message: loop.success
        ? `Bot generated and tested${loop.final_status === 'fixed' ? ` (fixed in ${loop.attempts.length} attempt(s))` : ''}`
        : 'Bot generated, but it still fails after the fix attempts',
      execution: {
        attempted: true,
        success: loop.last.ok,
        validation_status: validationStatus,
        metrics: loop.last.ok ? pick(loop.last.result.metrics) : null,
        error_message: loop.last.ok ? null : loop.last.message,
      },
      error_fixing: {
        attempted: loop.attempts.length > 0,
        attempts: loop.attempts.length,
        history: attemptsSummary(loop.attempts),
        final_status: loop.final_status,
      },
      market_data: run.result.market,
    };
  }

  /**
   * POST /api/strategies/api/generate_with_auto_fix/: queues the job (the body is checked by its command, 400
   * naming the field; the linked strategy here too, 404 at once, and again when the job runs).
   */
  async startAutoFix(user: AuthUser, dto: GenerateWithAutoFixDto): Promise<JobRow> {
    await this.linkStrategy(user, dto.strategy_id);
    const command: AutoFixCommand = { user: { id: user.id, username: user.username, isStaff: user.isStaff }, input: dto };
    return this.jobs.enqueue(AUTO_FIX_KIND, command, { ownerId: user.id });
  }

  /** The generate_with_auto_fix job: progress as job progress events, the endpoint's body as result. */
  async runAutoFix(command: AutoFixCommand, ctx: Pick<JobContext, 'signal' | 'progress'>): Promise<AutoFixResult> {
    // In order, one after the other, even though the pipeline reports synchronously.
    let chain = Promise.resolve();
    const onProgress = (p: Progress) => {
      chain = chain
        .then(() => ctx.progress(p.progress, { step: p.step, message: p.message, ...(p.data ? { data: p.data } : {}) }))
        .catch(() => undefined);
    };
    try {
      return await this.generateWithAutoFix(command.user, command.input, onProgress, ctx.signal);
    } finally {
      await chain;
    }
  }

  private async generateWithAutoFix(user: AuthUser, dto: GenerateWithAutoFixDto, onProgress: OnProgress, signal: AbortSignal) {
    const run = await this.runCanonical(user, dto, dto.max_fix_attempts ?? 3, onProgress, signal);
    const loop = run.result.loop!;
    const saved = await this.saveCanonicalRun(user, run, (s) => ({
      generated_code_path: s.filePath,
      generated_code_filename: s.fileName,
      validation_passed: loop.success,
      fix_attempts: loop.attempts.length,
    }));
    return {
      success: loop.success,
      strategy_code: run.result.initialCode,
      file_path: saved.filePath,
      file_name: saved.fileName,
      json_file_path: saved.jsonPath,
      strategy_id: run.linked?.id ?? null,
      message: loop.success ? 'Bot generated and validated' : 'Bot generated, but it still fails after the fix attempts',
      validation_passed: loop.success,
      fix_attempts: loop.attempts.length,
      fix_history: loop.attempts.map((a) => ({
        attempt: a.attempt,
        error_type: a.error_type,
        success: a.success,
        error_message: a.error_message.slice(0, 200),
        timestamp: a.timestamp,
      })),
    };
  }
}

/** The JSON body of generate_with_auto_fix/ (the job's result). */
export interface AutoFixResult {
  success: boolean;
  strategy_code: string;
  file_path: string;
  file_name: string;
  json_file_path: string | null;
  strategy_id: number | null;
  message: string;
  validation_passed: boolean;
  fix_attempts: number;
  fix_history: Array<{ attempt: number; error_type: string; success: boolean; error_message: string; timestamp: string }>;
}

function pick(m: Record<(typeof METRIC_KEYS)[number], number>) {
  return Object.fromEntries(METRIC_KEYS.map((k) => [k, m[k]])) as Record<(typeof METRIC_KEYS)[number], number>;
}
