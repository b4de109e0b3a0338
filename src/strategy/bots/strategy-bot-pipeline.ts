/**
 * The bot side of the strategy endpoints: description → Gemini code → static checks → sandbox test → fix
 * loop, all in memory; then one `persist` transaction saves the bot, its attempts and the strategy changes.
 * When Gemini fails midway (every key busy → 429) nothing has been saved.
 */
import { Injectable } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { AuthUser, userKey } from '../../auth/current-user.decorator';
import { BotFiles } from '../../bots/bot-files';
import { BotGeneratorService } from '../../bots/bot-generator.service';
import { BotRow, BotsRepository } from '../../bots/bots.repository';
import { botFileStem } from '../../bots/core/bot-name';
import { staticCheck, StaticCheckResult } from '../../bots/core/static-check';
import { generationPrompt } from '../../bots/prompts';
import type { Db } from '../../database/database';
import {
  BotTestOutcome,
  ErrorFixerService,
  FixAttempt,
  FixLoopEvent,
  FixLoopResult,
  metricsOf,
} from '../../error-fixer/error-fixer.service';
import { MarketDataProvider, MarketDataRequest } from '../../market-data/market-data.port';

export interface Progress {
  step: 'generate' | 'test' | 'analyze' | 'fix' | 'done';
  progress: number;
  message: string;
  data?: Record<string, unknown>;
}

export interface PipelineInput {
  user: AuthUser;
  description: string;
  name: string;
  /** Fix attempts after the first failing test. */
  maxAttempts: number;
  autoFix: boolean;
  /** Run the bot at all (false: generate and check only). */
  execute: boolean;
  testConfig: MarketDataRequest;
  onProgress?: (p: Progress) => void;
  /** A job's abort signal: cancelling cuts the Gemini call in flight and kills the sandboxed bot. */
  /** Key-rotation identity of the caller (`anonymous:<address hash>` in demo mode); default from `user`. */
  callerKey?: string;
  signal?: AbortSignal;
}

export interface PipelineResult {
  name: string;
  description: string;
  initialCode: string;
  code: string;
  check: StaticCheckResult;
  /** null when the bot was not run. */
  loop: FixLoopResult | null;
  /** The market data the bot was tested on (symbol, source, synthetic?), when it ran. */
  market: { symbol: string; period: string; interval: string; source: string; synthetic: boolean; bars: number } | null;
}

export interface SavedBot {
  bot: BotRow;
  filePath: string;
  fileName: string;
}

@Injectable()
export class StrategyBotPipeline {
  constructor(
    private readonly generator: BotGeneratorService,
    private readonly fixer: ErrorFixerService,
    private readonly bots: BotsRepository,
    private readonly files: BotFiles,
    private readonly marketData: MarketDataProvider,
  ) {}

  async run(input: PipelineInput): Promise<PipelineResult> {
    const progress = input.onProgress ?? (() => undefined);
    // Synchronous requests do not sit out busy keys beyond the client's own wait (GEMINI_MAX_WAIT_MS): 429.
    const work = { userKey: input.callerKey ?? userKey(input.user) ?? 'anonymous', maxKeyWaitMs: 0, signal: input.signal };
    progress({ step: 'generate', progress: 5, message: `Generating "${input.name}" with Gemini` });
    const code = await this.generator.ask(generationPrompt({ description: input.description, name: input.name }), work);
    const check = staticCheck(code);
    progress({
      step: 'generate',
      progress: 25,
      message: check.ok ? 'Code generated; static checks passed' : `Code generated; static check: ${check.message}`,
    });
    if (!input.execute) {
      progress({ step: 'done', progress: 100, message: 'Generated (not run)' });
      return { name: input.name, description: input.description, initialCode: code, code, check, loop: null, market: null };
    }
    input.signal?.throwIfAborted();
    const data = await this.marketData.getBars(input.testConfig);
    const market = {
      symbol: data.symbol,
      period: data.period,
      interval: data.interval,
      source: data.source,
      synthetic: data.synthetic,
      bars: data.bars.length,
    };
    const per = 65 / Math.max(1, input.maxAttempts);
    const onEvent = (e: FixLoopEvent) => {
      const at = e.attempt === 0 ? 30 : 30 + per * (e.attempt - 1) + (e.step === 'analyze' ? 0 : e.step === 'fix' ? per * 0.3 : per * 0.6);
      progress({ step: e.step, progress: Math.round(at), message: e.message, data: { iteration: e.attempt } });
    };
    const loop = await this.fixer.fixLoop(
      { name: input.name, code },
      { bars: data.bars, maxAttempts: input.maxAttempts, autoFix: input.autoFix, work, onEvent, sandboxHooks: { signal: input.signal } },
    );
    progress({ step: 'done', progress: 100, message: loop.success ? 'The bot runs' : 'The bot still fails' });
    return {
      name: input.name,
      description: input.description,
      initialCode: code,
      code: loop.code,
      check: staticCheck(loop.code),
      loop,
      market,
    };
  }

  /**
   * Saves the bot (row + attempts) inside `tx`, then its file (and `<name>.json` of `canonical` when given).
   * Call inside the same transaction as the strategy changes.
   */
  async persist(
    tx: Db,
    userId: number | null,
    result: PipelineResult,
    canonical?: unknown,
  ): Promise<SavedBot & { jsonPath: string | null }> {
    const status = result.loop === null ? 'generated' : result.loop.success ? 'passed' : 'failed';
    const last = result.loop?.last;
    const bot = await this.bots.create(
      { userId, name: result.name, description: result.description, code: result.code },
      botFileStem(result.name),
      (fileName) => this.files.exists(fileName),
      tx,
    );
    await this.bots.update(
      bot.id,
      {
        status,
        lastError: last && !last.ok ? `${last.errorType}: ${last.message}`.slice(0, 4000) : null,
        lastMetrics: last ? metricsOf(last) : null,
      },
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      new Date(),
      tx,
    );
    for (const a of result.loop?.attempts ?? []) await this.bots.recordFixAttempt(bot.id, a, tx);
    const filePath = this.files.write(bot.fileName, result.code);
    let jsonPath: string | null = null;
    if (canonical !== undefined) {
      jsonPath = filePath.replace(/\.js$/, '.json');
      writeFileSync(jsonPath, JSON.stringify(canonical, null, 2));
    }
    return { bot: { ...bot, status }, filePath, fileName: `${bot.fileName}.js`, jsonPath };
  }

  async bars(testConfig: MarketDataRequest) {
    return (await this.marketData.getBars(testConfig)).bars;
  }

  /** Runs an existing bot's code once on the given market data. */
  async execute(code: string, testConfig: MarketDataRequest): Promise<BotTestOutcome> {
    const data = await this.marketData.getBars(testConfig);
    return this.fixer.test(code, data.bars);
  }
}

export function attemptsSummary(attempts: FixAttempt[]) {
  return attempts.map((a) => ({ attempt: a.attempt, error_type: a.error_type, success: a.success, description: a.description }));
}
