/**
 * The queue for one process without Redis: jobs are rows of the `jobs` table, claimed by this process with
 * `FOR UPDATE SKIP LOCKED` under a renewed lock. A restart loses nothing: at boot the jobs the previous
 * process was running are due again (attempt + 1, resumed from their checkpoint when they saved one).
 */
import { AppLogger } from '../logging/app-logger';
import { randomUUID } from 'node:crypto';
import { storeJob } from './enqueue';
import { EnqueueOptions, JobQueue, QueueCounts } from './job-queue';
import { JobRegistry } from './job-registry';
import { JobRuntime, SHUTDOWN } from './job-runtime';
import { JobRow, JobsRepository } from './jobs.repository';

const POLL_MS = 200;

export class EmbeddedJobQueue extends JobQueue {
  readonly kind = 'embedded' as const;
  private readonly logger = new AppLogger('Jobs');
  private readonly worker = `embedded:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, { kind: string; abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private consuming = false;
  private closed = false;
  private polling = false;

  constructor(
    private readonly repo: JobsRepository,
    private readonly runtime: JobRuntime,
    private readonly registry: JobRegistry,
    private readonly lockMs: number,
  ) {
    super();
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions): Promise<JobRow> {
    const row = await storeJob(this.runtime, this.repo, kind, payload, options);
    this.kick();
    return row;
  }

  async cancel(jobId: string): Promise<JobRow | null> {
    const row = await this.repo.requestCancel(jobId);
    this.running.get(jobId)?.abort.abort('cancelled');
    return row;
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const result: Record<string, QueueCounts> = {};
    for (const kind of this.registry.kinds()) result[kind] = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
    for (const { kind, status, n } of await this.repo.countsByKind()) {
      const c = (result[kind] ??= { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
      if (status === 'queued') c.waiting += n;
      else if (status === 'running') c.active += n;
      else if (status === 'delayed') c.delayed += n;
      else if (status === 'failed') c.failed += n;
      else if (status === 'succeeded') c.completed += n;
    }
    return result;
  }

  async consumers(): Promise<Record<string, number>> {
    return Object.fromEntries(this.registry.kinds().map((k) => [k, this.consuming ? 1 : 0]));
  }

  async startWorkers(): Promise<void> {
    const released = await this.repo.releaseAllLocks();
    if (released > 0) this.logger.warn(`${released} job(s) were running when the process stopped; they run again`);
    this.consuming = true;
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.renewTimer = setInterval(
      () => {
        void this.repo.renewLocks([...this.running.keys()], this.worker, this.lockMs, this.runtime.now()).catch(() => undefined);
      },
      Math.max(250, this.lockMs / 3),
    );
    this.renewTimer.unref();
    this.kick();
  }

  /** Claims as many due jobs as each kind's concurrency leaves room for. */
  private kick(): void {
    if (!this.consuming || this.closed || this.polling) return;
    this.polling = true;
    void this.poll()
      .catch((e: unknown) => this.logger.warn('job poll failed', { err: e }))
      .finally(() => (this.polling = false));
  }

  private async poll(): Promise<void> {
    for (const kind of this.registry.kinds()) {
      while (!this.closed && this.active(kind) < this.runtime.concurrency(kind)) {
        const row = await this.repo.claim(kind, this.worker, this.lockMs, this.runtime.now());
        if (!row) break;
        this.run(row);
      }
    }
  }

  private active(kind: string): number {
    let n = 0;
    for (const r of this.running.values()) if (r.kind === kind) n++;
    return n;
  }

  private run(row: JobRow): void {
    const abort = new AbortController();
    if (row.cancelRequested) abort.abort('cancelled');
    const done = this.runtime
      .execute(row, abort.signal)
      .then(() => undefined)
      .catch((e: Error) => this.logger.error('job runner failed', { err: e, job: row.id }))
      .finally(() => {
        this.running.delete(row.id);
        this.kick();
      });
    this.running.set(row.id, { kind: row.kind, abort, done });
  }

  /** Stops claiming, aborts what runs (it goes back in line), and waits for the handlers to return. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    for (const r of this.running.values()) r.abort.abort(SHUTDOWN);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}
