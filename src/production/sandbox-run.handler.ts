/**
 * Executes one sandbox run (a strategy test or a sandboxed backtest): the job handler behind
 * `SandboxDispatcher`. For each market: bars from the configured provider → static checks → a fresh
 * sandbox process with the run's limits. Then, in one transaction, the run row gets its answer and the
 * strategy's lifecycle moves (a test: testing → ready | failed; a backtest: an audit entry only).
 */
import { Injectable } from '@nestjs/common';
import type { Bar } from '../backtest/engine/types';
import { staticCheck } from '../bots/core/static-check';
import { SandboxOutcome, SandboxRunner } from '../bots/sandbox/sandbox-runner.service';
import { DomainError } from '../common/domain-error';
import { MarketDataProvider } from '../market-data/market-data.port';
import { backtestResults, figuresOf, summarise, SymbolRun } from './core/sandbox-answer';
import { LifecycleService } from './lifecycle.service';
import type { JobContext, SandboxRunAnswer, SandboxRunCommand } from './sandbox-dispatcher';
import { SandboxRunsRepository } from './sandbox-runs.repository';

const ERROR_CHARS = 4000;
const CANCELLED = 'the run was cancelled before it finished';

@Injectable()
export class SandboxRunHandler {
  constructor(
    private readonly sandbox: SandboxRunner,
    private readonly marketData: MarketDataProvider,
    private readonly runs: SandboxRunsRepository,
    private readonly lifecycle: LifecycleService,
  ) {}

  /** The handler function as the dispatcher (or a job worker) calls it. */
  readonly handle = async (command: SandboxRunCommand, ctx: JobContext): Promise<SandboxRunAnswer> => {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    const started = new Date();
    await this.runs.update(command.runId, { status: 'running', startedAt: started });
    await ctx.progress(5, { step: 'started' });
    const done: SymbolRun[] = [];
    try {
      for (const [i, market] of command.markets.entries()) {
        if (ctx.signal.aborted) break;
        const data = await this.marketData.getBars(market);
        const bars = inRange(data.bars, command.range);
        const info = { period: data.period, interval: data.interval, source: data.source, synthetic: data.synthetic, bars: bars.length };
        const outcome = await this.runOne(command, bars, ctx.signal);
        done.push({ symbol: data.symbol, market: info, outcome });
        await ctx.progress(5 + Math.round((90 * (i + 1)) / command.markets.length), { symbol: data.symbol, ok: outcome.ok });
        if (!outcome.ok) break;
      }
    } catch (error) {
      // Market data went away between the request's check and the run: the run failed, the test did not pass.
      await this.finish(command, started, done, error instanceof DomainError ? error.message : 'the run could not complete');
      throw error;
    }
    const cancelled = ctx.signal.aborted && done.length < command.markets.length;
    const answer = await this.finish(command, started, done, cancelled ? CANCELLED : null);
    await ctx.progress(100, { step: 'done', success: answer.success });
    return answer;
  };

  private async runOne(command: SandboxRunCommand, bars: Bar[], signal: AbortSignal): Promise<SandboxOutcome> {
    const check = staticCheck(command.code);
    if (!check.ok) return { ok: false, errorType: check.errorType, message: check.message, logs: [], durationMs: 0 };
    if (bars.length < 2)
      return { ok: false, errorType: 'data', message: `only ${bars.length} bar(s) in the requested date range`, logs: [], durationMs: 0 };
    return this.sandbox.run({ code: command.code, bars, options: command.engine, limits: command.limits }, { signal });
  }

  private async finish(command: SandboxRunCommand, started: Date, done: SymbolRun[], failure: string | null): Promise<SandboxRunAnswer> {
    const summary = summarise(done, command.limits);
    const success = failure === null && summary.success && done.length === command.markets.length;
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    const completedAt = new Date();
    const errors = failure ?? summary.errors;
    const answer: SandboxRunAnswer = {
      ...this.body(command, done, summary),
      success,
      cancelled: summary.cancelled || failure === CANCELLED,
      status: success ? 'completed' : 'failed',
      errors,
      started_at: started.toISOString(),
      completed_at: completedAt.toISOString(),
    };
    await this.lifecycle.transaction(async (tx) => {
      const testing = command.kind === 'strategy_test';
      const entry = {
        strategyId: command.strategyId,
        action: testing ? (success ? 'test_passed' : 'test_failed') : success ? 'backtest_completed' : 'backtest_failed',
        actor: command.actor,
        detail: {
          run_id: command.runId,
          code_hash: command.codeHash,
          exit_code: summary.exit_code,
          timed_out: summary.timed_out,
          error: errors || null,
        },
        changes: testing
          ? {
              lastTestAt: completedAt,
              ...(success
                ? { lastSuccessAt: completedAt }
                : { ...this.lifecycle.increments('errorCount'), lastError: errors.slice(0, ERROR_CHARS) }),
            }
          : {},
      };
      const event = testing ? (success ? 'test_passed' : 'test_failed') : null;
      // A test that ends after something else moved the strategy (archived meanwhile) is recorded without a move.
      let lifecycle;
      try {
        lifecycle = await this.lifecycle.apply(tx, { ...entry, event });
      } catch (error) {
        if (!(error instanceof DomainError) || !event) throw error;
        lifecycle = await this.lifecycle.apply(tx, { ...entry, event: null });
      }
      answer.lifecycle_status = lifecycle.status;
      await this.runs.update(
        command.runId,
        {
          status: success ? 'completed' : 'failed',
          success,
          result: answer,
          errorMessage: errors ? errors.slice(0, ERROR_CHARS) : null,
          executionTime: summary.execution_time,
          completedAt,
        },
        tx,
      );
    });
    return answer;
  }

  private body(command: SandboxRunCommand, done: SymbolRun[], summary: ReturnType<typeof summarise>): Record<string, unknown> {
    const success = summary.success && done.length === command.markets.length;
    const common = {
      strategy_id: command.strategyId,
      code_hash: command.codeHash,
      strategy_version: command.strategyVersion,
      ...summary,
    };
    if (command.kind === 'strategy_test') {
      const only = done[0];
      return {
        ...common,
        test_id: command.runId,
        metrics: only?.outcome.ok ? figuresOf(only.outcome.result.metrics) : null,
        market: only ? { symbol: only.symbol, ...only.market } : null,
      };
    }
    return {
      ...common,
      backtest_id: command.runId,
      results: success ? backtestResults(done) : null,
      markets: done.map((r) => ({ symbol: r.symbol, ...r.market })),
    };
  }
}

function inRange(bars: Bar[], range: SandboxRunCommand['range']): Bar[] {
  if (!range || (range.from === undefined && range.to === undefined)) return bars;
  return bars.filter((b) => (range.from === undefined || b.time >= range.from) && (range.to === undefined || b.time <= range.to));
}
