import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { JobContext, JobDefinition, RegisterJob } from '../../jobs/job-definition';
import { JobQueue } from '../../jobs/job-queue';
import { BacktestRunHandler } from './backtest-run.handler';
import { BacktestRunCommand, BacktestRunDispatcher } from './backtest-run.port';

export const BACKTEST_RUN_KIND = 'backtests.run';

/** The job id of a run (`btr_` + the run id in 20 hex digits): one job per run, found again to cancel it. */
export const backtestJobId = (runId: number): string => `btr_${runId.toString(16).padStart(20, '0')}`;

/** `backtests.run`: executes one stored run (its symbols in the sandbox, then result, trades and alerts). */
@RegisterJob()
@Injectable()
export class BacktestRunJob implements JobDefinition<BacktestRunCommand, { runId: number }> {
  readonly kind = BACKTEST_RUN_KIND;

  constructor(private readonly handler: BacktestRunHandler) {}

  validate(payload: unknown): BacktestRunCommand {
    const runId = (payload as { runId?: unknown } | null)?.runId;
    if (typeof runId !== 'number' || !Number.isInteger(runId) || runId < 1) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: run_id', { run_id: ['must be a positive integer'] });
    }
    return { runId };
  }

  async handle(command: BacktestRunCommand, ctx: JobContext): Promise<{ runId: number }> {
    await this.handler.handle(command, ctx);
    return { runId: command.runId };
  }
}

/** Runs go on the job queue: any worker (or this process with WORKER_MODE=inline) executes them. */
@Injectable()
export class JobsBacktestDispatcher extends BacktestRunDispatcher {
  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async dispatch(command: BacktestRunCommand): Promise<void> {
    await this.jobs.enqueue(
      BACKTEST_RUN_KIND,
      { runId: command.runId },
      { ownerId: command.ownerId ?? null, jobId: backtestJobId(command.runId) },
    );
  }

  async cancel(command: BacktestRunCommand): Promise<void> {
    await this.jobs.cancel(backtestJobId(command.runId));
  }
}
