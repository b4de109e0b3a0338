/**
 * Runs one claimed job, whichever queue claimed it: validates the stored command again, gives the handler
 * its context (progress, events, checkpoint, abort signal), then records the outcome (`job-outcome.ts`) on
 * the job row and as the job's last event. The queue only applies the decision's mechanics (delay, retry).
 */
import { AppLogger } from '../logging/app-logger';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { MetricsService } from '../metrics/metrics.service';
import { EventBus } from './event-bus';
import { JobContext } from './job-definition';
import { decide, JobDecision } from './job-outcome';
import { JobRegistry } from './job-registry';
import { JobEvent, JobRow, JobsRepository } from './jobs.repository';

/** Abort reason when the process stops: the job goes back in line instead of being cancelled. */
export const SHUTDOWN = 'shutdown';

export const jobChannel = (jobId: string) => `job:${jobId}`;
export const CANCEL_CHANNEL = 'jobs:cancel';

@Injectable()
export class JobRuntime {
  private readonly logger = new AppLogger('Jobs');

  constructor(
    private readonly repo: JobsRepository,
    private readonly registry: JobRegistry,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  /** The job clock (due times of delayed jobs); tests drive it. */
  now(): Date {
    return new Date(this.clock.now());
  }

  maxAttempts(kind: string): number {
    return this.registry.get(kind)?.attempts ?? this.config.jobs.attempts;
  }

  concurrency(kind: string): number {
    return this.config.jobs.concurrency.perKind[kind] ?? this.config.jobs.concurrency.default;
  }

  /** The kind's definition; a kind nobody registered is a 400 naming `kind`. */
  definition(kind: string) {
    return this.registry.get(kind);
  }

  async execute(row: JobRow, signal: AbortSignal): Promise<JobDecision> {
    const started = performance.now();
    const emitter = await this.emitter(row.id);
    const maxAttempts = row.maxAttempts;
    const definition = this.registry.get(row.kind);
    let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
    try {
      if (!definition) throw new Error(`no definition for job kind ${row.kind}`);
      const command = definition.validate(row.payload);
      if (row.attempts > 1)
        await emitter.emit('resumed', {
          attempt: row.attempts,
          message: `Attempt ${row.attempts} of ${maxAttempts}: the job runs again${row.checkpoint ? ' from its last checkpoint' : ''}`,
        });
      await emitter.emit('started', { attempt: row.attempts });
      const ctx: JobContext = {
        jobId: row.id,
        attempt: row.attempts,
        ownerId: row.ownerId,
        signal,
        saved: row.checkpoint ?? null,
        progress: async (percent, info) => {
          const progress = Math.max(0, Math.min(100, Math.round(percent)));
          await this.repo.update(row.id, { progress, info: info ?? null });
          await emitter.emit('progress', { progress, ...(info ?? {}) });
        },
        emit: (type, data) => emitter.emit(type, data),
        checkpoint: (state) => this.repo.update(row.id, { checkpoint: state }),
      };
      outcome = { ok: true, result: await definition.handle(command, ctx) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const aborted = signal.aborted;
    let decision = decide(outcome, { attempt: row.attempts, maxAttempts, backoffMs: this.config.jobs.backoffMs, aborted });
    if (aborted && signal.reason === SHUTDOWN) decision = { type: 'retry', delayMs: 0, error: { error: 'The worker stopped' } };
    if (!outcome.ok && !aborted && decision.type !== 'delay' && !(outcome.error instanceof DomainError)) {
      this.logger.error('job failed unexpectedly', { err: outcome.error, job: row.id, kind: row.kind });
    }
    await this.record(row, decision, emitter);
    const seconds = (performance.now() - started) / 1000;
    this.metrics.jobsTotal.inc({ kind: row.kind, outcome: decision.type });
    this.metrics.jobSeconds.observe({ kind: row.kind, outcome: decision.type }, seconds);
    return decision;
  }

  private async record(row: JobRow, d: JobDecision, emitter: Emitter): Promise<void> {
    switch (d.type) {
      case 'succeeded':
        await this.repo.finish(row.id, 'succeeded', { result: d.result ?? null, progress: 100, error: null });
        await emitter.emit('done', { status: 'succeeded', result: d.result ?? null });
        return;
      case 'cancelled':
        await this.repo.finish(row.id, 'cancelled', {});
        await emitter.emit('done', { status: 'cancelled' });
        return;
      case 'failed':
        await this.repo.finish(row.id, 'failed', { error: { ...d.error } });
        await emitter.emit('done', { status: 'failed', ...d.error });
        return;
      case 'retry':
        await this.repo.reschedule(row.id, new Date(this.clock.now() + d.delayMs), { ...d.error });
        await emitter.emit('retrying', { attempt: row.attempts, max_attempts: row.maxAttempts, delay_ms: d.delayMs, ...d.error });
        return;
      case 'delay':
        await this.repo.reschedule(row.id, new Date(this.clock.now() + d.delayMs), { ...d.error }, true);
        await emitter.emit('waiting', { delay_ms: d.delayMs, message: `Waiting ${Math.ceil(d.delayMs / 1000)} s: ${d.error.error}` });
        return;
      default: {
        const never: never = d;
        throw new Error(`unknown decision ${String(never)}`);
      }
    }
  }

  /** Events numbered on from what is stored, written then published, strictly in order. */
  private async emitter(jobId: string): Promise<Emitter> {
    let seq = await this.repo.lastSeq(jobId);
    let chain = Promise.resolve();
    return {
      emit: (type, data) => {
        // eslint-disable-next-line no-restricted-syntax -- event timestamp (rows order by seq), not a decision
        const event: JobEvent = { seq: ++seq, type, data: data ?? null, at: new Date().toISOString() };
        chain = chain
          .then(async () => {
            await this.repo.addEvent(jobId, event);
            await this.bus.publish(jobChannel(jobId), event).catch((e: Error) => this.logger.warn(`job event not published: ${e.message}`));
          })
          .catch((e: unknown) => this.logger.error('could not store a job event', { err: e, job: jobId }));
        return chain;
      },
    };
  }
}

interface Emitter {
  emit(type: string, data?: Record<string, unknown>): Promise<void>;
}
