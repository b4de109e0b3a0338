/**
 * What clients do with jobs: read one (owner only; 404 otherwise), follow its events (stored ones first, then
 * live ones from the event bus, each seq once), cancel it. Other modules enqueue through `JobQueue`.
 */
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { EventBus } from './event-bus';
import { JobQueue } from './job-queue';
import { jobChannel } from './job-runtime';
import { FINISHED, JobEvent, JobRow, JobsRepository, JobStatus } from './jobs.repository';

const JOB_ID = /^[a-z]{3,4}_[0-9a-f]{20}$/;

@Injectable()
export class JobsService {
  constructor(
    private readonly repo: JobsRepository,
    private readonly queue: JobQueue,
    private readonly bus: EventBus,
  ) {}

  /** The job whoever owns it (for other modules; clients go through `owned`). */
  find(jobId: string): Promise<JobRow | null> {
    return this.repo.byId(jobId);
  }

  async owned(user: AuthUser, jobId: string): Promise<JobRow> {
    const row = JOB_ID.test(jobId) ? await this.repo.byId(jobId) : null;
    if (!row || !((row.ownerId !== null && row.ownerId === user.id) || user.isStaff))
      throw new DomainError(ErrorCode.NotFound, 'Job not found', { job_id: jobId });
    return row;
  }

  async cancel(user: AuthUser, jobId: string): Promise<JobRow> {
    const row = await this.owned(user, jobId);
    if (FINISHED.includes(row.status as JobStatus)) return row;
    return (await this.queue.cancel(jobId)) ?? row;
  }

  /**
   * Calls `deliver` for every event after `afterSeq` until the `done` event or `stop` resolves: stored ones,
   * then live ones (subscribed before the replay, so none falls between). Heartbeats via `onIdle`.
   */
  async follow(
    jobId: string,
    afterSeq: number,
    deliver: (event: JobEvent) => void,
    opts: { stop: Promise<void>; idleMs: number; onIdle: () => void },
  ): Promise<void> {
    let last = afterSeq;
    const queue: JobEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = await this.bus.subscribe(jobChannel(jobId), (message) => {
      queue.push(message as JobEvent);
      wake?.();
    });
    let stopped = false;
    void opts.stop.then(() => {
      stopped = true;
      wake?.();
    });
    const send = (e: JobEvent): boolean => {
      if (e.seq <= last) return false;
      deliver(e);
      last = e.seq;
      return e.type === 'done';
    };
    try {
      for (const e of await this.repo.eventsAfter(jobId, last)) if (send(e)) return;
      const row = await this.repo.byId(jobId);
      if (row && FINISHED.includes(row.status as JobStatus) && queue.length === 0) return;
      while (!stopped) {
        while (queue.length > 0) {
          const e = queue.shift()!;
          // A gap (a message missed while Redis reconnected): fill it from the database.
          if (e.seq > last + 1) for (const missed of await this.repo.eventsAfter(jobId, last)) if (send(missed)) return;
          if (send(e)) return;
        }
        const idle = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), opts.idleMs);
          timer.unref();
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        wake = null;
        if (idle && !stopped) opts.onIdle();
      }
    } finally {
      unsubscribe();
    }
  }
}
