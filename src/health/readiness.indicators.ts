import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Database } from '../database/database.module';
import { JobQueueStatus } from '../jobs/job-queue-status';
import { KeyRotationService } from '../key-rotation/key-rotation.service';
import { FallbackStateStore } from '../state-store/fallback-state-store';
import { StateStore } from '../state-store/state-store';

const CHECK_TIMEOUT_MS = 2000;

/** Readiness parts, each answering within two seconds or counting as down. */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly database: Database,
    private readonly store: StateStore,
    private readonly rotation: KeyRotationService,
    private readonly jobs: JobQueueStatus,
  ) {}

  /**
   * Job queues: degraded (still 200 — this replica serves fine) when a queue has jobs waiting and no process
   * consumes it (every API replica on WORKER_MODE=off and no `npm run worker` up), or when the queues
   * cannot be read.
   */
  async jobsCheck(): Promise<HealthIndicatorResult<'jobs'>> {
    const session = this.health.check('jobs');
    try {
      const status = await withTimeout(this.jobs.status(), CHECK_TIMEOUT_MS);
      const consumers = Object.fromEntries(Object.entries(status.queues).map(([k, q]) => [k, q.consumers]));
      const waiting = Object.fromEntries(Object.entries(status.queues).map(([k, q]) => [k, q.waiting + q.delayed]));
      const details = { engine: status.engine, consumers, waiting };
      if (status.unconsumed.length === 0) return session.up(details);
      return session.degraded({
        ...details,
        unconsumed: status.unconsumed,
        message: `no worker consumes ${status.unconsumed.join(', ')}: start \`npm run worker\` or set WORKER_MODE=inline`,
      });
    } catch {
      // Like the state store failing open: this replica still serves; enqueueing answers 503 meanwhile.
      return session.degraded({ message: 'job queues unreadable (Redis unreachable?): new jobs are refused with 503 until they answer' });
    }
  }

  /**
   * Gemini keys never take a replica out of service: pulling every pod because no key can serve would take
   * the non-AI endpoints down too, and another pod has the same keys anyway. Every key disabled or without a
   * secret, or every key cooling → degraded (still 200; alerted on through `gemini_keys_available`). With no
   * keys at all the service is deliberately run without AI: up, with a note (AI endpoints answer 503). Only
   * unreadable key state is down (the state store is then down as well).
   */
  async keysCheck(): Promise<HealthIndicatorResult<'gemini_keys'>> {
    const session = this.health.check('gemini_keys');
    const pool = this.rotation.keyPool;
    const configured = pool.keys.length;
    const withSecret = pool.usableIds().length;
    if (configured === 0) return session.up({ configured: 0, note: 'no Gemini keys configured: AI endpoints answer 503' });
    let usable: number;
    try {
      usable = await this.rotation.usableCount();
    } catch (e) {
      return session.down({ configured, message: `key state unreadable: ${(e as Error).message}` });
    }
    const details = { configured, with_secret: withSecret, usable_now: usable };
    if (usable > 0) return session.up(details);
    const disabledOrMissing = await this.rotation.disabledOrMissingCount();
    if (disabledOrMissing >= configured)
      return session.degraded({ ...details, message: 'no usable Gemini key: every key is disabled or has no secret' });
    return session.degraded({ ...details, message: 'every Gemini key is cooling down; calls wait or get 429 until one frees' });
  }

  databaseCheck(): PromiseLike<HealthIndicatorResult<'database'>> {
    const { connection } = this.database;
    return this.health
      .check('database')
      .attempt(async () => {
        await connection.ping();
        return { kind: connection.kind };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  stateStoreCheck(): PromiseLike<HealthIndicatorResult<'state_store'>> {
    const store = this.store;
    if (store instanceof FallbackStateStore) {
      return store
        .ping()
        .then(() =>
          store.degraded
            ? this.health
                .check('state_store')
                .degraded({ kind: 'redis', message: 'Redis unreachable: serving from local memory (quotas per replica)' })
            : this.health.check('state_store').up({ kind: 'redis' }),
        );
    }
    return this.health
      .check('state_store')
      .attempt(async () => {
        await store.ping();
        return store.kind === 'memory'
          ? { kind: 'memory', note: 'in-process state: correct for a single replica only' }
          : { kind: 'redis' };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
