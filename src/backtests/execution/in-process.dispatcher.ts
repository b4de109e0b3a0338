/**
 * Runs backtests in this process, at most BACKTEST_WORKERS at once, the rest waiting in line (their status stays
 * `queued` in the database). The app dispatches runs as jobs (backtest-run.job.ts); this plain dispatcher is the
 * in-process baseline `npm run bench -- backtests` measures the job path against. Stopping the
 * app aborts every run, which then ends `failed` ("Interrupted") rather than staying `running` forever.
 */
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { AppConfig } from '../../config/app-config';
import { BacktestRunHandler } from './backtest-run.handler';
import { BacktestRunCommand, BacktestRunDispatcher } from './backtest-run.port';

@Injectable()
export class InProcessBacktestDispatcher extends BacktestRunDispatcher implements OnApplicationShutdown {
  private readonly logger = new AppLogger('BacktestRuns');
  private readonly controllers = new Map<number, AbortController>();
  private readonly waiting: BacktestRunCommand[] = [];
  private readonly active = new Set<Promise<void>>();
  private running = 0;
  private stopping = false;

  constructor(
    private readonly handler: BacktestRunHandler,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async dispatch(command: BacktestRunCommand): Promise<void> {
    this.controllers.set(command.runId, new AbortController());
    this.waiting.push(command);
    setImmediate(() => this.pump());
  }

  async cancel(command: BacktestRunCommand): Promise<void> {
    this.controllers.get(command.runId)?.abort();
    const i = this.waiting.findIndex((c) => c.runId === command.runId);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      this.controllers.delete(command.runId);
    }
  }

  private pump(): void {
    while (!this.stopping && this.running < this.config.backtests.workers && this.waiting.length > 0) {
      const command = this.waiting.shift()!;
      const controller = this.controllers.get(command.runId) ?? new AbortController();
      this.running++;
      const ctx = { jobId: `backtest:${command.runId}`, signal: controller.signal, progress: async () => undefined };
      const job: Promise<void> = this.handler
        .handle(command, ctx)
        .catch((error: unknown) => this.logger.error('backtest run handler threw', { err: error, runId: command.runId }))
        .finally(() => {
          this.running--;
          this.controllers.delete(command.runId);
          this.active.delete(job);
          this.pump();
        });
      this.active.add(job);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.waiting.length = 0;
    for (const c of this.controllers.values()) c.abort();
    await Promise.allSettled([...this.active]);
  }
}
