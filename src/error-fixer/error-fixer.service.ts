/**
 * The fix loop: run the bot → on failure classify the error → fix prompt (error type, hint, last 20 lines,
 * the code, the most relevant learned fix) → Gemini → static checks → save → run again, up to
 * `maxAttempts` fixes. The run after the last fix always happens (the original skipped it). Every attempt is
 * recorded; a fix that works is learned for next time.
 */
import { Injectable } from '@nestjs/common';
import { Bar } from '../backtest/engine/types';
import { BotGeneratorService, GeminiWork } from '../bots/bot-generator.service';
import { BotRow, BotsRepository } from '../bots/bots.repository';
import { BotErrorType, errorHint, tailLines } from '../bots/core/error-classifier';
import { errorSignature, fixExcerpt, mostRelevantFix } from '../bots/core/error-learning';
import { staticCheck } from '../bots/core/static-check';
import { fixPrompt } from '../bots/prompts';
import { SandboxHooks, SandboxOutcome, SandboxRunner } from '../bots/sandbox/sandbox-runner.service';

export interface FixAttempt {
  attempt: number;
  error_type: BotErrorType;
  error_message: string;
  success: boolean;
  description: string;
  timestamp: string;
}

export type BotTestOutcome = SandboxOutcome | { ok: false; errorType: BotErrorType; message: string; logs: string[]; durationMs: number };

export type FixLoopEvent =
  | { step: 'test'; attempt: number; message: string; outcome?: BotTestOutcome }
  | { step: 'analyze'; attempt: number; message: string; errorType: BotErrorType }
  | { step: 'fix'; attempt: number; message: string };

/** Where the loop's changes go: straight to the bot's row and file, or collected for one final transaction. */
export interface FixSink {
  saveCode(code: string): Promise<void>;
  recordAttempt(attempt: FixAttempt): Promise<void>;
  finish(passed: boolean, last: BotTestOutcome): Promise<void>;
}

export interface FixLoopOptions {
  bars: Bar[];
  /** Default: nothing is stored (the caller persists the result). */
  sink?: FixSink;
  maxAttempts: number;
  work: GeminiWork;
  /** Whether to ask Gemini for fixes at all (false: test once and report). */
  autoFix?: boolean;
  onEvent?: (event: FixLoopEvent) => void;
  sandboxHooks?: SandboxHooks;
}

export interface FixLoopResult {
  success: boolean;
  final_status: 'fixed' | 'failed' | 'not_needed';
  attempts: FixAttempt[];
  /** The last test run (metrics when it passed). */
  last: BotTestOutcome;
  code: string;
}

@Injectable()
export class ErrorFixerService {
  constructor(
    private readonly runner: SandboxRunner,
    private readonly generator: BotGeneratorService,
    private readonly repo: BotsRepository,
  ) {}

  /** Static checks, then a sandboxed backtest. */
  async test(code: string, bars: Bar[], hooks?: SandboxHooks): Promise<BotTestOutcome> {
    const check = staticCheck(code);
    if (!check.ok) {
      const where = check.line ? ` (bot.js line ${check.line})` : '';
      return { ok: false, errorType: check.errorType, message: `${check.message}${where}`, logs: [], durationMs: 0 };
    }
    return this.runner.run({ code, bars }, hooks);
  }

  /** A sink writing every change to the bot's row and file as it happens. */
  persistentSink(bot: BotRow): FixSink {
    return {
      saveCode: (code) => this.generator.saveCode(bot, code),
      recordAttempt: async (a) => {
        await this.repo.recordFixAttempt(bot.id, a);
      },
      finish: async (passed, last) => {
        if (passed) await this.repo.update(bot.id, { status: 'passed', lastError: null, lastMetrics: metricsOf(last) });
        else if (!last.ok)
          await this.repo.update(bot.id, { status: 'failed', lastError: `${last.errorType}: ${last.message}`.slice(0, 4000) });
      },
    };
  }

  async fixLoop(bot: { name: string; code: string }, opts: FixLoopOptions): Promise<FixLoopResult> {
    const emit = opts.onEvent ?? (() => undefined);
    const sink: FixSink = opts.sink ?? {
      saveCode: async () => undefined,
      recordAttempt: async () => undefined,
      finish: async () => undefined,
    };
    const attempts: FixAttempt[] = [];
    // Learned fixes hold lines of the owner's code: they are kept and shown per signed-in user only.
    const owner = /^user:\d+$/.test(opts.work.userKey) ? opts.work.userKey : null;
    let code = bot.code;
    emit({ step: 'test', attempt: 0, message: 'Running the bot in the sandbox' });
    let last = await this.test(code, opts.bars, opts.sandboxHooks);
    emit({ step: 'test', attempt: 0, message: describeOutcome(last), outcome: last });
    if (last.ok) {
      await sink.finish(true, last);
      return { success: true, final_status: 'not_needed', attempts, last, code };
    }

    for (let attempt = 1; opts.autoFix !== false && attempt <= opts.maxAttempts; attempt++) {
      const failure = last as Extract<BotTestOutcome, { ok: false }>;
      const errorType = failure.errorType;
      emit({ step: 'analyze', attempt, message: `${errorType}: ${failure.message}`.slice(0, 500), errorType });
      const pastFix = owner ? mostRelevantFix(await this.repo.learnedFixes(owner, errorType), errorType, failure.message) : null;
      const prompt = fixPrompt({
        name: bot.name,
        errorType,
        hint: errorHint(errorType),
        errorTail: tailLines([failure.message, ...failure.logs.slice(-20)].join('\n'), 20),
        code,
        pastFix: pastFix ? { errorMessage: pastFix.errorMessage, fixExcerpt: pastFix.fixExcerpt } : null,
        attempt,
      });
      emit({ step: 'fix', attempt, message: `Asking Gemini to fix the ${errorType} error${pastFix ? ' (with a similar past fix)' : ''}` });
      const fixed = await this.generator.ask(prompt, opts.work);
      const changed = fixed.trim() !== '' && fixed.trim() !== code.trim();
      if (changed) {
        await sink.saveCode(fixed);
        emit({ step: 'test', attempt, message: 'Re-running the fixed bot' });
        last = await this.test(fixed, opts.bars, opts.sandboxHooks);
        emit({ step: 'test', attempt, message: describeOutcome(last), outcome: last });
      }
      const record: FixAttempt = {
        attempt,
        error_type: errorType,
        error_message: failure.message.slice(0, 2000),
        success: changed && last.ok,
        description: changed ? `AI-generated fix for ${errorType}` : 'Gemini returned no change',
        // eslint-disable-next-line no-restricted-syntax -- recorded timestamp, not a decision
        timestamp: new Date().toISOString(),
      };
      attempts.push(record);
      await sink.recordAttempt(record);
      if (changed && last.ok) {
        if (owner)
          await this.repo.learnFix(owner, {
            errorType,
            signature: errorSignature(failure.message),
            errorMessage: failure.message.slice(0, 1000),
            fixExcerpt: fixExcerpt(code, fixed),
          });
        await sink.finish(true, last);
        return { success: true, final_status: 'fixed', attempts, last, code: fixed };
      }
      if (changed) code = fixed;
    }
    await sink.finish(false, last);
    return { success: false, final_status: 'failed', attempts, last, code };
  }
}

export function metricsOf(outcome: BotTestOutcome): Record<string, number> | null {
  return outcome.ok ? { ...outcome.result.metrics } : null;
}

export function describeOutcome(outcome: BotTestOutcome): string {
  if (!outcome.ok) return `Failed (${outcome.errorType}): ${outcome.message}`.slice(0, 500);
  const m = outcome.result.metrics;
  return `Passed: ${m.num_trades} trades, return ${m.return_pct.toFixed(2)} %, max drawdown ${m.max_drawdown.toFixed(2)} %`;
}
