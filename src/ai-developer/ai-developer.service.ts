/**
 * AI developer runs: generate a bot → test it in the sandbox → analyse → fix → test again, as a job
 * (`run.job.ts`) on whichever worker takes it. A run belongs to the user who started it, keeps going when the
 * client disconnects, stores every progress event, survives the restart of its worker (resumed from the saved
 * bot), can be cancelled, and pauses (bounded) instead of failing when every Gemini key is busy.
 */
import { AppLogger } from '../logging/app-logger';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthUser, userKey } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { BotGeneratorService, DEFAULT_MAX_KEY_WAIT_MS } from '../bots/bot-generator.service';
import { BotsRepository } from '../bots/bots.repository';
import { SDK_CONTRACT } from '../bots/prompts';
import { ErrorFixerService, FixLoopEvent, FixLoopResult, metricsOf } from '../error-fixer/error-fixer.service';
import { GeminiClientService } from '../gemini/gemini-client.service';
import { MarketDataProvider, MarketDataRequest } from '../market-data/market-data.port';
import { JobContext } from '../jobs/job-definition';
import { JobQueue } from '../jobs/job-queue';
import { SHUTDOWN } from '../jobs/job-runtime';
import { RunEvent, RunEventsHub, RunStep } from './run-events';
import { AI_RUN_KIND, type RunCommand } from './run.command';
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

/** What a run keeps between attempts of its job (the job's checkpoint). */
interface RunCheckpoint {
  botId?: number;
  /** Total time spent waiting for busy keys so far. */
  waitedMs?: number;
  /** The last attempt ended waiting for a key: the next one says it resumes. */
  waiting?: boolean;
}

const FINISHED_RUN: readonly string[] = ['succeeded', 'failed', 'cancelled'];

/** How often `settled()` looks at the run. */
const SETTLED_POLL_MS = 50;

@Injectable()
export class AiDeveloperService {
  private readonly logger = new AppLogger('AiDeveloper');
  /** Longest total pause for busy keys within one run (the job is delayed, no worker is held meanwhile). */
  maxKeyWaitMs = DEFAULT_MAX_KEY_WAIT_MS;

  constructor(
    private readonly runs: RunsRepository,
    private readonly hub: RunEventsHub,
    private readonly generator: BotGeneratorService,
    private readonly fixer: ErrorFixerService,
    private readonly bots: BotsRepository,
    private readonly gemini: GeminiClientService,
    private readonly marketData: MarketDataProvider,
    private readonly jobs: JobQueue,
  ) {}

  /** Stores the run and queues its job (id = the run's id); when the queue refuses, nothing is left behind. */
  async start(user: AuthUser & { id: number }, input: StartRunInput): Promise<RunRow> {
    const run = await this.runs.create({
      id: `run_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      userId: user.id,
      description: input.description,
      strategyName: input.strategyName,
      autoFix: input.autoFix,
      maxIterations: input.maxIterations,
    });
    const command: RunCommand = { runId: run.id, user: { id: user.id, username: user.username, isStaff: user.isStaff }, input };
    try {
      await this.jobs.enqueue(AI_RUN_KIND, command, { ownerId: user.id, jobId: run.id });
    } catch (error) {
      await this.runs.remove(run.id);
      throw error;
    }
    return run;
  }

  /**
   * Resolves when the run has finished, wherever it runs (for tests and scripts); gives up after about `maxMs` of
   * polling. Polls on a real timer and counts its own pauses rather than reading the Clock: waiting here must not
   * move a test's fake clock under the run, and a frozen fake clock must not make it wait forever.
   */
  async settled(runId: string, maxMs = 120_000): Promise<void> {
    for (let polledMs = 0; ; polledMs += SETTLED_POLL_MS) {
      const run = await this.runs.byId(runId);
      if (!run || (FINISHED_RUN.includes(run.status) && run.step === 'done')) return;
      if (polledMs >= maxMs) throw new Error(`run ${runId} still ${run.status} after ${maxMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, SETTLED_POLL_MS));
    }
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

  /** Live events of the run from any replica; resolves once listening. */
  subscribe(runId: string, listener: (event: RunEvent) => void): Promise<() => void> {
    return this.hub.subscribe(runId, listener);
  }

  /**
   * The run's job. Events continue the stored numbering, so a retry after a worker died adds to the history
   * instead of repeating it; the saved bot (checkpoint) is reused instead of generated again. Busy keys end
   * the attempt with the Retry-After (the job is delayed) until `maxKeyWaitMs` in total.
   */
  async execute(command: RunCommand, ctx: JobContext): Promise<Record<string, unknown>> {
    const { user, input } = command;
    const run = await this.runs.byId(command.runId);
    if (!run) throw new DomainError(ErrorCode.NotFound, 'Run not found', { run_id: command.runId });
    if (FINISHED_RUN.includes(run.status) && run.step === 'done') return run.result ?? {};
    const saved: RunCheckpoint = { ...((ctx.saved ?? {}) as RunCheckpoint) };
    let seq = await this.runs.lastSeq(run.id);
    let progress = run.progress;
    let step = run.step as RunStep;
    // Events are written one after another, in order, even when emitted from callbacks.
    let chain = Promise.resolve();
    const emit = (nextStep: RunStep, message: string, data?: Record<string, unknown>, nextProgress = progress) => {
      step = nextStep;
      progress = Math.max(progress, Math.min(100, Math.round(nextProgress)));
      // eslint-disable-next-line no-restricted-syntax -- event timestamp (events order by seq), not a decision
      const event: RunEvent = { seq: ++seq, step, progress, message, data: data ?? null, at: new Date().toISOString() };
      chain = chain
        .then(() => this.runs.addEvent(run.id, event))
        .then(() => this.runs.update(run.id, { step, progress, ...(data?.status ? { status: data.status as RunStatus } : {}) }))
        .then(() => this.hub.publish(run.id, event))
        .catch((error) => this.logger.error('could not store a run event', { err: error, run: run.id }));
    };
    const checkpoint = (patch: RunCheckpoint) => ctx.checkpoint({ ...Object.assign(saved, patch) });
    const work = { userKey: userKey(user)!, maxKeyWaitMs: 0, signal: ctx.signal };

    try {
      await this.runs.update(run.id, { status: 'running' });
      if (saved.waiting) {
        emit(step, 'Resuming: trying Gemini again', { status: 'running' });
        await checkpoint({ waiting: false });
      } else if (ctx.attempt > 1) {
        emit(step, `The worker running this run stopped; attempt ${ctx.attempt} resumes it${saved.botId ? ' from the saved bot' : ''}`, {
          status: 'running',
          attempt: ctx.attempt,
        });
      }
      let bot = saved.botId ? await this.bots.byId(saved.botId) : null;
      if (!bot) {
        emit('generate', `Generating "${input.strategyName}" with Gemini`, { status: 'running' }, PROGRESS.start);
        const generated = await this.generator.generate(user.id, { description: input.description, name: input.strategyName }, work);
        bot = generated.bot;
        await this.runs.update(run.id, { botId: bot.id });
        await checkpoint({ botId: bot.id });
        const check = generated.check;
        emit(
          'generate',
          `Bot saved as ${bot.fileName}.js${check.ok ? '' : ` (static check: ${check.message})`}`,
          { bot_id: bot.id, file_name: bot.fileName },
          PROGRESS.generated,
        );
      }

      const market = await this.marketData.getBars(input.testConfig);
      emit(
        'test',
        `Testing on ${market.bars.length} ${market.interval} bars of ${market.symbol} (${market.source}${market.synthetic ? ', synthetic data' : ''})`,
        undefined,
        PROGRESS.firstTest,
      );

      const perIteration = PROGRESS.fixSpan / Math.max(1, input.maxIterations);
      const onEvent = (e: FixLoopEvent) => {
        const at =
          PROGRESS.firstTest +
          perIteration * Math.max(0, e.attempt - 1) +
          (e.step === 'analyze' ? 0 : e.step === 'fix' ? perIteration * 0.3 : perIteration * 0.6);
        const data: Record<string, unknown> = { iteration: e.attempt };
        if (e.step === 'analyze') data.error_type = e.errorType;
        if (e.step === 'test' && e.outcome) data.passed = e.outcome.ok;
        emit(e.step, e.message, data, e.attempt === 0 ? PROGRESS.firstTest : at);
      };
      const sandboxHooks = {
        signal: ctx.signal,
        onQueued: (position: number) =>
          emit(step, `Waiting for a sandbox slot (position ${position} in line)`, { queue_position: position }),
      };
      const fresh = (await this.bots.byId(bot.id))!;
      const outcome = await this.fixer.fixLoop(fresh, {
        sink: this.fixer.persistentSink(fresh),
        bars: market.bars,
        maxAttempts: input.maxIterations,
        autoFix: input.autoFix,
        work,
        onEvent,
        sandboxHooks,
      });
      const result = this.summarise(outcome, bot.id, bot.fileName);
      await chain;
      await this.runs.update(run.id, { status: outcome.success ? 'succeeded' : 'failed', iterations: outcome.attempts.length, result });
      emit(
        'done',
        outcome.success
          ? `Done: the bot works (${outcome.final_status === 'fixed' ? `fixed in ${outcome.attempts.length} attempt(s)` : 'no fix needed'})`
          : `Done: the bot still fails after ${outcome.attempts.length} fix attempt(s)`,
        { status: outcome.success ? 'succeeded' : 'failed', success: outcome.success, final_status: outcome.final_status },
        PROGRESS.done,
      );
      await chain;
      return result;
    } catch (error) {
      if (ctx.signal.aborted) {
        // Shut down: the run stays as it is and the job runs again; cancelled: the run ends here.
        if (ctx.signal.reason !== SHUTDOWN) {
          await chain;
          await this.runs.update(run.id, { status: 'cancelled', result: { success: false, error: 'Cancelled' } });
          emit('done', 'Cancelled', { status: 'cancelled', success: false }, PROGRESS.done);
        }
        await chain;
        throw error;
      }
      if (error instanceof DomainError && error.code === ErrorCode.KeysExhausted) {
        const waitMs = Math.max(1, error.retryAfterSec ?? 1) * 1000;
        if ((saved.waitedMs ?? 0) + waitMs <= this.maxKeyWaitMs) {
          emit(step, `All Gemini keys are busy; the run pauses and resumes in ${Math.ceil(waitMs / 1000)} s`, {
            status: 'waiting',
            wait_ms: waitMs,
          });
          await checkpoint({ waiting: true, waitedMs: (saved.waitedMs ?? 0) + waitMs });
          await chain;
          throw error; // the job is delayed by the Retry-After; no worker waits meanwhile
        }
      }
      const known = error instanceof DomainError;
      if (!known) this.logger.error('AI developer run failed unexpectedly', { err: error, run: run.id });
      const message = known ? error.message : 'Internal error';
      const result = { success: false, error: message, ...(known && error.details ? { details: error.details } : {}) };
      await chain;
      await this.runs.update(run.id, { status: 'failed', result });
      emit('done', `Failed: ${message}`, { status: 'failed', success: false, error: message }, PROGRESS.done);
      await chain;
      return result;
    }
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
  async chat(
    user: AuthUser & { id: number },
    message: string,
    runId: string | undefined,
  ): Promise<{ response: string; run_id: string | null; model: string }> {
    const parts = ['You are an expert JavaScript developer helping a trader with a trading bot written for this SDK:', SDK_CONTRACT];
    if (runId) {
      const run = await this.owned(user, runId);
      const bot = run.botId ? await this.bots.byId(run.botId) : null;
      parts.push('', `RUN: ${run.strategyName} (${run.status})`, `DESCRIPTION: ${run.description}`);
      if (bot)
        parts.push('CURRENT CODE:', '```javascript', bot.code, '```', bot.lastError ? `LAST ERROR: ${bot.lastError}` : 'LAST RUN: passed');
    }
    const reply = await this.gemini.generate(
      { userId: userKey(user)! },
      { system: parts.join('\n'), contents: [{ role: 'user', text: message }], settings: { temperature: 0.7 } },
    );
    return { response: reply.text, run_id: runId ?? null, model: reply.model };
  }
}
