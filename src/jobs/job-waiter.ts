/**
 * For endpoints that keep a synchronous contract while their work runs as a job: follows the job (from any
 * replica, through the event bus) until it ends and hands back its result, or throws the error its handler
 * threw, rebuilt as the same `DomainError` (so the client gets the status and body it got before the work
 * became a job). A job that would wait for busy Gemini keys is cancelled and answered 429 with its
 * Retry-After; a client that goes away cancels the job (see docs/jobs.md, "Waiting for a job").
 */
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { JobQueue } from './job-queue';
import { FINISHED, JobEvent, JobStatus } from './jobs.repository';
import { JobsService } from './jobs.service';

const CODES = new Set<string>(Object.values(ErrorCode));
/** How often the waiter looks at the job row when no event came (a job cancelled while queued sends none). */
const IDLE_CHECK_MS = 2_000;

type WaitEnd = { type: 'done'; data: Record<string, unknown> } | { type: 'waiting'; delayMs: number } | { type: 'gone' };

export interface WaitOptions {
  /** Each event of the job as it comes (replayed ones first). */
  onEvent?: (event: JobEvent) => void;
  /** Resolves when the client has gone away: the job is cancelled and `ClientClosed` thrown. */
  gone: Promise<void>;
}

function rebuild(body: Record<string, unknown> | null | undefined, retryAfterSec?: number): Error {
  const message = typeof body?.error === 'string' ? body.error : 'Internal error';
  const code = typeof body?.code === 'string' && CODES.has(body.code) ? (body.code as ErrorCode) : null;
  if (!code) return new Error(`job failed: ${message}`);
  return new DomainError(code, message, body?.details, retryAfterSec);
}

@Injectable()
export class JobWaiter {
  constructor(
    private readonly jobs: JobsService,
    private readonly queue: JobQueue,
  ) {}

  async outcome(jobId: string, options: WaitOptions): Promise<unknown> {
    const state: { end: WaitEnd | null } = { end: null };
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    void options.gone.then(() => {
      state.end ??= { type: 'gone' };
      stop();
    });
    await this.jobs.follow(
      jobId,
      0,
      (event) => {
        if (state.end) return;
        options.onEvent?.(event);
        if (event.type === 'done') state.end = { type: 'done', data: event.data ?? {} };
        else if (event.type === 'waiting') {
          state.end = { type: 'waiting', delayMs: Number(event.data?.delay_ms ?? 1000) };
          stop();
        }
      },
      {
        stop: stopped,
        idleMs: IDLE_CHECK_MS,
        // A job that ended without a `done` event (cancelled while still in line) ends the wait too.
        onIdle: () => void this.finished(jobId).then((finished) => finished && stop()),
      },
    );
    const result = state.end;
    if (result?.type === 'gone') {
      await this.queue.cancel(jobId);
      throw new DomainError(ErrorCode.ClientClosed, 'The client closed the request', { job_id: jobId });
    }
    if (result?.type === 'waiting') {
      // A synchronous caller is not held while keys are busy: the job is dropped (nothing was saved yet).
      await this.queue.cancel(jobId);
      const row = await this.jobs.find(jobId);
      throw rebuild(row?.error ?? { error: 'All Gemini keys are busy', code: ErrorCode.KeysExhausted }, Math.ceil(result.delayMs / 1000));
    }
    if (result?.type === 'done') return this.settle(jobId, String(result.data.status), result.data.result, result.data);
    const row = await this.jobs.find(jobId);
    return this.settle(jobId, row?.status ?? 'cancelled', row?.result, row?.error);
  }

  private async finished(jobId: string): Promise<boolean> {
    const row = await this.jobs.find(jobId).catch(() => null);
    return !!row && FINISHED.includes(row.status as JobStatus);
  }

  private settle(jobId: string, status: string, result: unknown, error: Record<string, unknown> | null | undefined): unknown {
    if (status === 'succeeded') return result ?? null;
    if (status === 'cancelled') throw new DomainError(ErrorCode.Conflict, 'The job was cancelled before it finished', { job_id: jobId });
    throw rebuild(error);
  }
}
