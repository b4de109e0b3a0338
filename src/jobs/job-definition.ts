/**
 * The one shape of a job kind. A module adds a kind with one provider class:
 *
 *   @RegisterJob()
 *   @Injectable()
 *   export class BacktestRunJob implements JobDefinition<BacktestCommand, BacktestResult> {
 *     readonly kind = 'backtest.run';
 *     constructor(private readonly backtests: BacktestsService) {}
 *     validate(payload: unknown): BacktestCommand { ... throw DomainError(ValidationFailed) naming the field ... }
 *     handle(command: BacktestCommand, ctx: JobContext) { return this.backtests.run(command, ctx); }
 *   }
 *
 * and lists it in its module's providers. `validate` runs when the job is enqueued (a bad payload is a 400
 * before anything is stored) and again in the worker, so the same command runs the same from HTTP or a worker.
 */
import { SetMetadata } from '@nestjs/common';

/** What a job sees while it runs. */
export interface JobContext {
  readonly jobId: string;
  /** 1 on the first try; higher when the job is retried or resumed after its worker stopped. */
  readonly attempt: number;
  /** The owner (user id) the job was enqueued for, null for system jobs. */
  readonly ownerId: number | null;
  /** Aborted when the job is cancelled or its worker shuts down: stop the sandbox, abort Gemini, return. */
  readonly signal: AbortSignal;
  /** What the job saved with `checkpoint` on an earlier attempt (null on the first). */
  readonly saved: Record<string, unknown> | null;
  /** Reports progress 0–100 (stored on the job, sent to every follower as a `progress` event). */
  progress(percent: number, info?: Record<string, unknown>): Promise<void>;
  /** Sends any other event to the job's followers (stored for replay). */
  emit(type: string, data?: Record<string, unknown>): Promise<void>;
  /** Saves where the job got to, so a retry can resume from there instead of starting over. */
  checkpoint(state: Record<string, unknown>): Promise<void>;
}

export interface JobDefinition<Command = unknown, Result = unknown> {
  /** `module.action`, lower case: the queue name and the `kind` clients see. */
  readonly kind: string;
  /** Turns a stored or posted payload into the command `handle` takes; throws `DomainError(ValidationFailed)`. */
  validate(payload: unknown): Command;
  handle(command: Command, ctx: JobContext): Promise<Result>;
  /** Overrides JOB_ATTEMPTS for this kind (1 = never retried). */
  readonly attempts?: number;
}

/** For definitions without dependencies: `registry.register(defineJob({ kind, validate, handle }))`. */
export function defineJob<Command, Result>(definition: JobDefinition<Command, Result>): JobDefinition<Command, Result> {
  return definition;
}

export const JOB_DEFINITION = Symbol('job-definition');

/** Marks a provider as a job definition; the JobRegistry finds it at boot. */
export const RegisterJob = (): ClassDecorator => SetMetadata(JOB_DEFINITION, true);

export const JOB_KIND_PATTERN = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;
