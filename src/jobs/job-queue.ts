/**
 * The job port. `BullJobQueue` (Redis, shared by every replica and worker) when REDIS_URL is set,
 * `EmbeddedJobQueue` (this process, persisted in the database) otherwise; JobsModule picks one.
 */
import type { JobRow } from './jobs.repository';

export interface EnqueueOptions {
  ownerId: number | null;
  /** Use this id (e.g. the run the job works on); default a new `job_…` id. */
  jobId?: string;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export abstract class JobQueue {
  abstract readonly kind: 'bullmq' | 'embedded';
  /** Validates the payload with the kind's definition (400 naming the field), stores the job and queues it. */
  abstract enqueue(kind: string, payload: unknown, options: EnqueueOptions): Promise<JobRow>;
  /** Stops the job wherever it runs (abort signal → sandbox killed, Gemini call dropped) or takes it out of line. */
  abstract cancel(jobId: string): Promise<JobRow | null>;
  /** Counts per kind, from the queue itself. */
  abstract counts(): Promise<Record<string, QueueCounts>>;
  /** Processes consuming each kind right now (this one included). */
  abstract consumers(): Promise<Record<string, number>>;
  /** Starts consuming every registered kind in this process. */
  abstract startWorkers(): Promise<void>;
  abstract close(): Promise<void>;
}
