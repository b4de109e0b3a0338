/**
 * BullMQ on Redis: one queue per kind, shared by every API replica and `npm run worker` process. BullMQ owns
 * the line, the locks and stalled-job recovery (a worker that dies loses its jobs to another after
 * JOB_LOCK_MS); the `jobs` row stays the record clients read, and retries and key waits are applied here as
 * delays, so BullMQ's own attempt counter never disagrees with it. Cancel reaches the worker that runs the
 * job over the event bus (`worker.cancelJob` → the handler's abort signal).
 */
import { AppLogger } from '../logging/app-logger';
import { hostname } from 'node:os';
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { DomainError, ErrorCode } from '../common/domain-error';
import { storeJob } from './enqueue';
import { EventBus } from './event-bus';
import { EnqueueOptions, JobQueue, QueueCounts } from './job-queue';
import { JobRegistry } from './job-registry';
import { CANCEL_CHANNEL, JobRuntime, SHUTDOWN } from './job-runtime';
import { FINISHED, JobRow, JobStatus, JobsRepository } from './jobs.repository';

const CLOSE_WAIT_MS = 3_000;

export interface BullOptions {
  url: string;
  /** Redis key prefix of the queues (REDIS_KEY_PREFIX + "bull"). */
  prefix: string;
  lockMs: number;
}

export class BullJobQueue extends JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly logger = new AppLogger('Jobs');
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly name = `${hostname()}:${process.pid}`;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly repo: JobsRepository,
    private readonly runtime: JobRuntime,
    private readonly registry: JobRegistry,
    private readonly bus: EventBus,
    private readonly options: BullOptions,
  ) {
    super();
  }

  private queue(kind: string): Queue {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue(kind, { connection: { url: this.options.url, maxRetriesPerRequest: 2 }, prefix: this.options.prefix });
      queue.on('error', (e: Error) => this.logger.warn(`queue ${kind}: ${e.message}`));
      this.queues.set(kind, queue);
    }
    return queue;
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions): Promise<JobRow> {
    const row = await storeJob(this.runtime, this.repo, kind, payload, options);
    try {
      await this.queue(kind).add(
        kind,
        { id: row.id },
        { jobId: row.id, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
      );
    } catch (e) {
      await this.repo.remove(row.id);
      throw new DomainError(
        ErrorCode.StateStoreUnavailable,
        'The job queue (Redis) is unavailable; try again shortly',
        { reason: (e as Error).message },
        5,
      );
    }
    return row;
  }

  async cancel(jobId: string): Promise<JobRow | null> {
    const row = await this.repo.requestCancel(jobId);
    if (!row) return null;
    const job = await this.queue(row.kind)
      .getJob(jobId)
      .catch(() => undefined);
    const state = await job?.getState().catch(() => 'unknown');
    if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) await job.remove().catch(() => undefined);
    await this.bus.publish(CANCEL_CHANNEL, { id: jobId });
    return this.repo.byId(jobId);
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const result: Record<string, QueueCounts> = {};
    for (const kind of this.registry.kinds()) {
      const c = await this.queue(kind).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
      result[kind] = {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
      };
    }
    return result;
  }

  async consumers(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const kind of this.registry.kinds()) result[kind] = await this.queue(kind).getWorkersCount();
    return result;
  }

  /** Never blocks the boot: with Redis down the workers (and the cancel listener) connect when it returns. */
  async startWorkers(): Promise<void> {
    void this.bus
      .subscribe(CANCEL_CHANNEL, (message) => {
        const id = (message as { id?: unknown })?.id;
        if (typeof id === 'string') for (const worker of this.workers.values()) worker.cancelJob(id, 'cancelled');
      })
      .then((unsubscribe) => (this.unsubscribe = unsubscribe))
      .catch((e: Error) => this.logger.warn(`cancel listener not subscribed: ${e.message}`));
    for (const kind of this.registry.kinds()) {
      const worker = new Worker(kind, (job, token, signal) => this.process(job, token, signal), {
        connection: { url: this.options.url, maxRetriesPerRequest: null },
        prefix: this.options.prefix,
        name: this.name,
        concurrency: this.runtime.concurrency(kind),
        lockDuration: this.options.lockMs,
        stalledInterval: this.options.lockMs,
        maxStalledCount: this.runtime.maxAttempts(kind),
      });
      worker.on('error', (e: Error) => this.logger.warn(`worker ${kind}: ${e.message}`));
      // BullMQ gave up on a job (stalled too often): the record says so too.
      worker.on('failed', (job, error) => {
        if (job && !(error instanceof UnrecoverableError)) void this.failRecord(job.id!, error.message);
      });
      this.workers.set(kind, worker);
    }
  }

  private async failRecord(id: string, message: string): Promise<void> {
    const row = await this.repo.byId(id).catch(() => null);
    if (row && !FINISHED.includes(row.status as JobStatus))
      await this.repo.finish(id, 'failed', { error: { error: message } }).catch(() => undefined);
  }

  private async process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    const id = (job.data as { id?: string } | undefined)?.id ?? String(job.id);
    const row = await this.repo.byId(id);
    if (!row || FINISHED.includes(row.status as JobStatus)) return null;
    const abort = new AbortController();
    if (signal?.aborted) abort.abort(signal.reason);
    signal?.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
    if (row.cancelRequested) abort.abort('cancelled');
    const started = await this.repo.start(id, row.attempts + 1, this.name, this.options.lockMs, this.runtime.now());
    if (!started) return null;
    const decision = await this.runtime.execute(started, abort.signal);
    if (decision.type === 'delay' || decision.type === 'retry') {
      // BullMQ keeps its delayed set in wall-clock time; the row's run_at (job clock) was set by the runtime.
      // eslint-disable-next-line no-restricted-syntax -- BullMQ's own time base, not this service's decision
      await job.moveToDelayed(Date.now() + decision.delayMs, token);
      throw new DelayedError();
    }
    if (decision.type === 'failed') throw new UnrecoverableError(decision.error.error);
    return null;
  }

  /** Hands running jobs back (they are retried at once elsewhere); bounded, so a Redis that is down cannot hold the shutdown. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const worker of this.workers.values()) worker.cancelAllJobs(SHUTDOWN);
    const closing = Promise.allSettled([...this.workers.values(), ...this.queues.values()].map((c) => c.close()));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
  }
}
