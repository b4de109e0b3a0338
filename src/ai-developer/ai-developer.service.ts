/**
 * AI developer runs: generate a bot → test it in the sandbox → analyse → fix → test again, in the background.
 * A run belongs to the user who started it, keeps going when the client disconnects, stores every progress
 * event, and pauses (bounded) instead of failing when every Gemini key is busy.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { AuthUser, userKey } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { BotGeneratorService, DEFAULT_MAX_KEY_WAIT_MS } from '../bots/bot-generator.service';
import { BotsRepository } from '../bots/bots.repository';
import { SDK_CONTRACT } from '../bots/prompts';
import { ErrorFixerService, FixLoopEvent, FixLoopResult, metricsOf } from '../error-fixer/error-fixer.service';
import { GeminiClientService } from '../gemini/gemini-client.service';
import { MARKET_DATA, MarketDataProvider, MarketDataRequest } from '../market-data/market-data.port';
import { RunEvent, RunEventsHub, RunStep } from './run-events';
import { RunRow, RunsRepository, RunStatus } from './runs.repository';

export interface StartRunInput {
  description: string;
  strategyName: string;
  autoFix: boolean;
  maxIterations: number;
  testConfig: MarketDataRequest;
}

/** Where each step sits on the 0–100 progress bar. Fix iterations share 30–95 evenly. */
const PROGRESS = { start: 5, generated: 25, firstTest: 30, fixSpan: 65, done: 100 };

@Injectable()
export class AiDeveloperService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new AppLogger('AiDeveloper');
  private readonly active = new Map<string, Promise<void>>();
  /** Longest pause for busy keys within one run. */
  maxKeyWaitMs = DEFAULT_MAX_KEY_WAIT_MS;
  /** How a run pauses for busy keys; tests on a fake clock replace it. */
  sleepForKeys: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

  constructor(
    private readonly runs: RunsRepository,
    private readonly hub: RunEventsHub,
    private readonly generator: BotGeneratorService,
    private readonly fixer: ErrorFixerService,
    private readonly bots: BotsRepository,
    private readonly gemini: GeminiClientService,
    @Inject(MARKET_DATA) private readonly marketData: MarketDataProvider,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stale = await this.runs.failUnfinished('The server restarted while this run was in progress; start a new run');
    if (stale.length > 0) this.logger.warn('marked unfinished AI developer runs as failed', { runs: stale });
  }

  /** Gives runs in flight a moment to finish; any still going are marked failed at the next boot. */
  async onModuleDestroy(): Promise<void> {
    const pending = [...this.active.values()];
    if (pending.length === 0) return;
    await Promise.race([Promise.allSettled(pending), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  async start(user: AuthUser & { id: number }, input: StartRunInput): Promise<RunRow> {
    const run = await this.runs.create({
      id: `run_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      userId: user.id,
      description: input.description,
      strategyName: input.strategyName,
      autoFix: input.autoFix,
      maxIterations: input.maxIterations,
    });
    const work = this.execute(run, user, input).finally(() => this.active.delete(run.id));
    this.active.set(run.id, work);
    return run;
  }

  /** Resolves when the run's background work has ended (for tests and shutdown). */
  async settled(runId: string): Promise<void> {
    await this.active.get(runId);
  }

  /** The run if `user` owns it; otherwise 404 (whether it exists or not is not revealed). */
  async owned(user: AuthUser, runId: string): Promise<RunRow> {
    const run = await this.runs.byId(runId);
    if (!run || run.userId !== user.id) throw new DomainError(ErrorCode.NotFound, 'Run not found', { run_id: runId });
    return run;
  }

  eventsAfter(runId: string, afterSeq: number): Promise<RunEvent[]> {
    return this.runs.eventsAfter(runId, afterSeq);
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    return this.hub.subscribe(runId, listener);
  }

  private async execute(run: RunRow, user: AuthUser & { id: number }, input: StartRunInput): Promise<void> {
    let seq = 0;
    let progress = 0;
    let step: RunStep = 'generate';
    // Events are written one after another, in order, even when emitted from callbacks.
    let chain = Promise.resolve();
    const emit = (nextStep: RunStep, message: string, data?: Record<string, unknown>, nextProgress = progress) => {
      step = nextStep;
      progress = Math.max(progress, Math.min(100, Math.round(nextProgress)));
      const event: RunEvent = { seq: ++seq, step, progress, message, data: data ?? null, at: new Date().toISOString() };
      chain = chain
        .then(() => this.runs.addEvent(run.id, event))
        .then(() => this.runs.update(run.id, { step, progress, ...(data?.status ? { status: data.status as RunStatus } : {}) }))
        .then(() => this.hub.publish(run.id, event))
        .catch((error: unknown) => this.logger.error('could not store a run event', { err: error, run: run.id }));
    };
    const work = {
      userKey: userKey(user)!,
      maxKeyWaitMs: this.maxKeyWaitMs,
      sleep: this.sleepForKeys,
      onKeyWait: (ms: number) => {
        emit(step, `All Gemini keys are busy; the run pauses and resumes in ${Math.ceil(ms / 1000)} s`, { status: 'waiting', wait_ms: ms });
      },
      onKeyResume: () => emit(step, 'Resuming: trying Gemini again', { status: 'running' }),
    };

    try {
      await this.runs.update(run.id, { status: 'running' });
      emit('generate', `Generating "${input.strategyName}" with Gemini`, { status: 'running' }, PROGRESS.start);
      const { bot, check } = await this.generator.generate(user.id, { description: input.description, name: input.strategyName }, work);
      await this.runs.update(run.id, { botId: bot.id });
      emit('generate', `Bot saved as ${bot.fileName}.js${check.ok ? '' : ` (static check: ${check.message})`}`, { bot_id: bot.id, file_name: bot.fileName }, PROGRESS.generated);

      const market = await this.marketData.getBars(input.testConfig);
      emit('test', `Testing on ${market.bars.length} ${market.interval} bars of ${market.symbol} (${market.source}${market.synthetic ? ', synthetic data' : ''})`, undefined, PROGRESS.firstTest);

      const perIteration = PROGRESS.fixSpan / Math.max(1, input.maxIterations);
      const onEvent = (e: FixLoopEvent) => {
        const at = PROGRESS.firstTest + perIteration * Math.max(0, e.attempt - 1) + (e.step === 'analyze' ? 0 : e.step === 'fix' ? perIteration * 0.3 : perIteration * 0.6);
        const data: Record<string, unknown> = { iteration: e.attempt };
        if (e.step === 'analyze') data.error_type = e.errorType;
        if (e.step === 'test' && e.outcome) data.passed = e.outcome.ok;
        emit(e.step, e.message, data, e.attempt === 0 ? PROGRESS.firstTest : at);
      };
      const sandboxHooks = { onQueued: (position: number) => emit(step, `Waiting for a sandbox slot (position ${position} in line)`, { queue_position: position }) };
      const fresh = (await this.bots.byId(bot.id))!;
      const outcome = await this.fixer.fixLoop(fresh, { sink: this.fixer.persistentSink(fresh), bars: market.bars, maxAttempts: input.maxIterations, autoFix: input.autoFix, work, onEvent, sandboxHooks });
      const result = this.summarise(outcome, bot.id, bot.fileName);
      await chain;
      await this.runs.update(run.id, { status: outcome.success ? 'succeeded' : 'failed', iterations: outcome.attempts.length, result });
      emit('done', outcome.success ? `Done: the bot works (${outcome.final_status === 'fixed' ? `fixed in ${outcome.attempts.length} attempt(s)` : 'no fix needed'})` : `Done: the bot still fails after ${outcome.attempts.length} fix attempt(s)`, { status: outcome.success ? 'succeeded' : 'failed', success: outcome.success, final_status: outcome.final_status }, PROGRESS.done);
    } catch (error) {
      const known = error instanceof DomainError;
      if (!known) this.logger.error('AI developer run failed unexpectedly', { err: error, run: run.id });
      const message = known ? error.message : 'Internal error';
      await chain;
      await this.runs.update(run.id, { status: 'failed', result: { success: false, error: message, ...(known && error.details ? { details: error.details } : {}) } });
      emit('done', `Failed: ${message}`, { status: 'failed', success: false, error: message }, PROGRESS.done);
    }
    await chain;
  }

  private summarise(outcome: FixLoopResult, botId: number, fileName: string): Record<string, unknown> {
    return {
      success: outcome.success,
      final_status: outcome.final_status,
      iterations: outcome.attempts.length,
      bot_id: botId,
      file_name: `${fileName}.js`,
      metrics: metricsOf(outcome.last),
      error: outcome.last.ok ? null : { type: outcome.last.errorType, message: outcome.last.message },
      attempts: outcome.attempts,
    };
  }

  /** Answers a coding question, with the run (description, current code, last error) as context. */
  async chat(user: AuthUser & { id: number }, message: string, runId: string | undefined): Promise<{ response: string; run_id: string | null; model: string }> {
    const parts = [
      'You are an expert JavaScript developer helping a trader with a trading bot written for this SDK:',
      SDK_CONTRACT,
    ];
    if (runId) {
      const run = await this.owned(user, runId);
      const bot = run.botId ? await this.bots.byId(run.botId) : null;
      parts.push('', `RUN: ${run.strategyName} (${run.status})`, `DESCRIPTION: ${run.description}`);
      if (bot) parts.push('CURRENT CODE:', '```javascript', bot.code, '```', bot.lastError ? `LAST ERROR: ${bot.lastError}` : 'LAST RUN: passed');
    }
    const reply = await this.gemini.generate(
      { userId: userKey(user)! },
      { system: parts.join('\n'), contents: [{ role: 'user', text: message }], settings: { temperature: 0.7 } },
    );
    return { response: reply.text, run_id: runId ?? null, model: reply.model };
  }
}
