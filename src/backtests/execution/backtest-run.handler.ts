/**
 * Executes one backtest run: queued → running → completed | failed (or stops when cancelled). Symbols run one
 * after the other in the sandbox; progress (0–100) is written to the run after each; at the end the result,
 * every trade, the alerts and the summary are stored in one transaction, only if the run was not cancelled
 * meanwhile. Cancellation is seen through `ctx.signal` and, for runs cancelled from another process, by polling
 * the run's status; either kills the bot process at once.
 */
import { Injectable } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { Clock } from '../../common/clock';
import { StrategiesRepository } from '../../strategy/strategies.repository';
import { ConfigsRepository } from '../configs.repository';
import { assembleRun, SymbolOutcome } from '../core/run-assembly';
import { runSettings } from '../core/run-settings';
import { RunsRepository } from '../runs.repository';
import type { BacktestRunCommand, JobContext } from './backtest-run.port';
import { StrategyCode } from './strategy-code';
import { SymbolBacktester } from './symbol-backtester';

/** How often a running run checks whether it was cancelled elsewhere. */
export const CANCEL_POLL_MS = 250;
/** Share of the progress bar the symbols take; the rest is the benchmark and the result. */
const SYMBOLS_SHARE = 95;

@Injectable()
export class BacktestRunHandler {
  private readonly logger = new AppLogger('BacktestRun');

  constructor(
    private readonly runs: RunsRepository,
    private readonly configs: ConfigsRepository,
    private readonly strategies: StrategiesRepository,
    private readonly code: StrategyCode,
    private readonly backtester: SymbolBacktester,
    private readonly clock: Clock,
  ) {}

  async handle(command: BacktestRunCommand, ctx: JobContext): Promise<void> {
    const id = command.runId;
    const started = this.clock.now();
    if (!(await this.runs.transition(id, ['pending', 'queued'], 'running', { startedAt: new Date(started), progress: '0.00' }))) return;
    const local = new AbortController();
    const forward = () => local.abort();
    ctx.signal.addEventListener('abort', forward, { once: true });
    if (ctx.signal.aborted) local.abort();
    const poll = setInterval(() => {
      this.runs.status(id).then(
        (status) => status !== 'running' && local.abort(),
        () => undefined,
      );
    }, CANCEL_POLL_MS);
    poll.unref();
    try {
      await this.execute(id, started, ctx, local.signal);
    } catch (error) {
      await this.failUnlessCancelled(id, error, local.signal.aborted);
    } finally {
      clearInterval(poll);
      ctx.signal.removeEventListener('abort', forward);
    }
  }

  private async execute(id: number, started: number, ctx: JobContext, signal: AbortSignal): Promise<void> {
    const run = await this.runs.byId(id);
    const config = run && (await this.configs.byId(run.configId));
    const strategy = run && (await this.strategies.byId(run.strategyId));
    if (!run || !config || !strategy) throw new DomainError(ErrorCode.NotFound, 'The run, its config or its strategy no longer exists');
    const settings = runSettings(config, started);
    const code = await this.code.of(strategy);
    const outcomes: SymbolOutcome[] = [];
    for (const [i, symbol] of run.symbols.entries()) {
      if (signal.aborted) return this.stopped(id);
      outcomes.push(await this.backtester.run(symbol, code, settings, signal));
      if (signal.aborted) return this.stopped(id);
      const pct = ((i + 1) / run.symbols.length) * SYMBOLS_SHARE;
      if (!(await this.runs.progress(id, pct))) return;
      await ctx.progress(pct, { symbol, done: i + 1, of: run.symbols.length });
    }
    const benchmarkBars = await this.backtester.bars(settings.benchmarkSymbol, settings).catch((error) => {
      if (error instanceof DomainError) return null;
      throw error;
    });
    const now = new Date(this.clock.now());
    const a = assembleRun({
      outcomes,
      initialCash: settings.engine.initialCash,
      commissionRate: settings.engine.commissionRate ?? 0,
      benchmarkBars: benchmarkBars && benchmarkBars.length ? benchmarkBars : null,
      drawdownLimitPct: settings.drawdownLimitPct,
      executionSeconds: (this.clock.now() - started) / 1000,
      now,
    });
    if (signal.aborted) return this.stopped(id);
    if (outcomes.every((o) => !o.ok)) {
      const first = outcomes.find((o) => !o.ok);
      const message = `Every symbol failed${first && !first.ok ? ` (${first.symbol}: ${first.message})` : ''}`;
      if (
        await this.runs.transition(id, ['running'], 'failed', {
          completedAt: now,
          errorMessage: message.slice(0, 4000),
          executionTime: a.summary.executionTime,
        })
      ) {
        await this.runs.addAlerts(
          id,
          a.alerts.filter((x) => x.alertType === 'error'),
        );
      }
      return;
    }
    await this.runs.complete(id, a.result, a.trades, a.alerts, a.summary, now);
    await ctx.progress(100);
  }

  /** Aborted but not cancelled (the worker is stopping): the run cannot finish here, so it fails saying so. */
  private async stopped(id: number): Promise<void> {
    await this.runs.transition(id, ['running'], 'failed', {
      completedAt: new Date(this.clock.now()),
      errorMessage: 'Interrupted: the worker stopped before the run finished',
    });
  }

  private async failUnlessCancelled(id: number, error: unknown, aborted: boolean): Promise<void> {
    if (aborted) return this.stopped(id);
    if (!(error instanceof DomainError)) this.logger.error('backtest run failed unexpectedly', { err: error, runId: id });
    const message = error instanceof DomainError ? error.message + detailText(error.details) : 'Internal error while running the backtest';
    await this.runs
      .transition(id, ['running'], 'failed', { completedAt: new Date(this.clock.now()), errorMessage: message.slice(0, 4000) })
      .catch(() => undefined);
  }
}

function detailText(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const parts = Object.entries(details as Record<string, unknown>).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join('; ') : String(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
