/** The `jobs` and `job_events` tables: what both queues record, and what the embedded queue claims from. */
import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, gt, inArray, lte, max, or, sql } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { jobEvents, jobs } from '../database/schema';

export type JobRow = typeof jobs.$inferSelect;
export type JobStatus = 'queued' | 'running' | 'delayed' | 'succeeded' | 'failed' | 'cancelled';
export const FINISHED: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface JobEvent {
  seq: number;
  type: string;
  data: Record<string, unknown> | null;
  at: string;
}

@Injectable()
export class JobsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  async create(v: Pick<JobRow, 'id' | 'kind' | 'ownerId' | 'maxAttempts' | 'runAt'> & { payload: unknown }): Promise<JobRow> {
    const [row] = await this.db
      .insert(jobs)
      .values({ ...v, status: 'queued' })
      .returning();
    return row;
  }

  async remove(id: string): Promise<void> {
    await this.db.delete(jobs).where(eq(jobs.id, id));
  }

  async byId(id: string): Promise<JobRow | null> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    return row ?? null;
  }

  async update(id: string, changes: Partial<Omit<JobRow, 'id' | 'kind' | 'createdAt'>>): Promise<void> {
    await this.db
      .update(jobs)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(jobs.id, id));
  }

  /**
   * Marks a running or waiting job as started by `worker` (attempt given by the queue), locked until `now` (the
   * job clock's) + `lockMs`.
   */
  async start(id: string, attempt: number, worker: string, lockMs: number, now: Date): Promise<JobRow | null> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    const stamp = new Date();
    const [row] = await this.db
      .update(jobs)
      .set({
        status: 'running',
        attempts: attempt,
        lockedBy: worker,
        lockedUntil: new Date(now.getTime() + lockMs),
        startedAt: stamp,
        updatedAt: stamp,
      })
      .where(and(eq(jobs.id, id), inArray(jobs.status, ['queued', 'delayed', 'running'])))
      .returning();
    return row ?? null;
  }

  /** Cancel: a job not yet finished gets the flag; one not running is cancelled at once. Returns the row after. */
  async requestCancel(id: string): Promise<JobRow | null> {
    await this.db
      .update(jobs)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ status: 'cancelled', cancelRequested: true, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(jobs.id, id), inArray(jobs.status, ['queued', 'delayed'])));
    await this.db
      .update(jobs)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ cancelRequested: true, updatedAt: new Date() })
      .where(and(eq(jobs.id, id), eq(jobs.status, 'running')));
    return this.byId(id);
  }

  /** Ends a job unless it already ended (a cancel that raced the end keeps `cancelled`). */
  async finish(id: string, status: JobStatus, changes: Partial<Pick<JobRow, 'result' | 'error' | 'progress'>>): Promise<boolean> {
    const rows = await this.db
      .update(jobs)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, status, lockedBy: null, lockedUntil: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(jobs.id, id), inArray(jobs.status, ['queued', 'delayed', 'running'])))
      .returning({ id: jobs.id });
    return rows.length > 0;
  }

  /** Puts a job back in line to run at `runAt` (a retry, or a delay for busy keys that `uncount`s the attempt). */
  async reschedule(id: string, runAt: Date, error: Record<string, unknown>, uncount = false): Promise<void> {
    const attempts = uncount ? sql`greatest(${jobs.attempts} - 1, 0)` : undefined;
    await this.db
      .update(jobs)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ status: 'delayed', runAt, error, lockedBy: null, lockedUntil: null, updatedAt: new Date(), ...(attempts ? { attempts } : {}) })
      .where(and(eq(jobs.id, id), eq(jobs.status, 'running')));
  }

  /**
   * Embedded queue: claims the oldest due job of `kind` — queued, delayed and due, or running with an expired
   * lock (its process died) — for `worker`, in one transaction that skips rows another claimer holds. `now`
   * is the job clock's: it decides what is due and which locks have expired, and the new lock runs from it.
   */
  async claim(kind: string, worker: string, lockMs: number, now: Date): Promise<JobRow | null> {
    return this.db.transaction(async (tx) => {
      const [next] = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            eq(jobs.kind, kind),
            or(
              and(inArray(jobs.status, ['queued', 'delayed']), lte(jobs.runAt, now)),
              and(eq(jobs.status, 'running'), lte(jobs.lockedUntil, now)),
            ),
          ),
        )
        .orderBy(asc(jobs.runAt), asc(jobs.createdAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!next) return null;
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      const stamp = new Date();
      const [row] = await tx
        .update(jobs)
        .set({
          status: 'running',
          attempts: sql`${jobs.attempts} + 1`,
          lockedBy: worker,
          lockedUntil: new Date(now.getTime() + lockMs),
          startedAt: stamp,
          updatedAt: stamp,
        })
        .where(eq(jobs.id, next.id))
        .returning();
      return row;
    });
  }

  /** Keeps the locks of the jobs `worker` is running: `lockMs` from `now` (the job clock's). */
  async renewLocks(ids: string[], worker: string, lockMs: number, now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(jobs)
      .set({ lockedUntil: new Date(now.getTime() + lockMs) })
      .where(and(inArray(jobs.id, ids), eq(jobs.lockedBy, worker), eq(jobs.status, 'running')));
  }

  /** Embedded queue at boot: the jobs its previous process was running are due again now. */
  async releaseAllLocks(): Promise<number> {
    const rows = await this.db
      .update(jobs)
      .set({ lockedUntil: new Date(0) })
      .where(eq(jobs.status, 'running'))
      .returning({ id: jobs.id });
    return rows.length;
  }

  /** Job counts by kind and status (for metrics and readiness). */
  async countsByKind(): Promise<Array<{ kind: string; status: string; n: number }>> {
    const rows = await this.db.select({ kind: jobs.kind, status: jobs.status, n: count() }).from(jobs).groupBy(jobs.kind, jobs.status);
    return rows.map((r) => ({ kind: r.kind, status: r.status, n: Number(r.n) }));
  }

  async lastSeq(jobId: string): Promise<number> {
    const [row] = await this.db
      .select({ seq: max(jobEvents.seq) })
      .from(jobEvents)
      .where(eq(jobEvents.jobId, jobId));
    return row?.seq ?? 0;
  }

  /** Stores an event; false when that seq is already stored (a duplicate is never written twice). */
  async addEvent(jobId: string, e: JobEvent): Promise<boolean> {
    const rows = await this.db
      .insert(jobEvents)
      .values({ jobId, seq: e.seq, type: e.type, data: e.data, createdAt: new Date(e.at) })
      .onConflictDoNothing()
      .returning({ seq: jobEvents.seq });
    return rows.length > 0;
  }

  async eventsAfter(jobId: string, afterSeq: number): Promise<JobEvent[]> {
    const rows = await this.db
      .select()
      .from(jobEvents)
      .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.seq, afterSeq)))
      .orderBy(asc(jobEvents.seq));
    return rows.map((r) => ({ seq: r.seq, type: r.type, data: r.data, at: r.createdAt.toISOString() }));
  }
}
