/**
 * The seam between the backtests API and whatever executes runs: one command, one handler with a job
 * context, one dispatcher. The in-process dispatcher here can be swapped for the job system (issue 16)
 * without touching the handler: `handle(command, ctx)` is the job's processor.
 */
export interface BacktestRunCommand {
  /** Database id of the run (`backtest_runs.id`). */
  runId: number;
  /** Who started it (may follow and cancel the job); null for runs made without an account. */
  ownerId?: number | null;
}

export interface JobContext {
  jobId: string;
  /** Aborted when the job is cancelled or the worker stops. */
  signal: AbortSignal;
  progress(pct: number, info?: object): Promise<void>;
}

export abstract class BacktestRunDispatcher {
  /** Starts the run in the background; resolves once it is accepted (queued). */
  abstract dispatch(command: BacktestRunCommand): Promise<void>;
  /** Stops the run's execution if this dispatcher is running it (the run's status is the caller's business). */
  abstract cancel(command: BacktestRunCommand): Promise<void>;
}
