/** Shared setup of the job tests: a fake Gemini with one roomy key, and the environment that points at it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FakeGemini } from '../fakes/fake-gemini';
import { createTestApp, TestApp } from '../support/app';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { secretFor } from '../support/gemini-app';
import { parseSse, SseEvent } from '../support/jobs';
import { freshPostgresSchema, freshRedisPrefix } from '../support/services';
import { startWorker, WorkerProcess } from '../support/worker-process';

export const LOOPING_BOT = 'module.exports = { onBar(bar, ctx) { while (true) {} } };';

export const KEY = secretFor('k1');

export async function startFakeGemini(): Promise<FakeGemini> {
  const fake = new FakeGemini();
  fake.addKey({ key: KEY, id: 'k1', project: 'p1', rpm: 10_000, tpm: 100_000_000, rpd: 1_000_000 });
  await fake.start();
  return fake;
}

/** Everything an API replica or a worker needs to share the same users, keys and fake Gemini. */
export function jobTestEnv(fake: FakeGemini, extra: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
  const keysFile = join(dir, 'keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: [{ key_id: 'k1', model_name: 'gemini-2.5-flash', project: 'p1', rpm: 10_000, tpm: 100_000_000, rpd: 1_000_000, priority: 1 }],
    }),
  );
  return {
    KEYS_FILE: keysFile,
    GEMINI_KEY_k1: KEY,
    GEMINI_BASE_URL: fake.url,
    GEMINI_MAX_WAIT_MS: '0',
    JWT_SECRET,
    BOTS_DIR: join(dir, 'bots'),
    BOT_TIMEOUT_MS: '60000',
    BOT_WARM_PROCESSES: '0',
    JOB_BACKOFF_MS: '200',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/**
 * Two API replicas that only enqueue (A, and B listening on `bUrl`) and a worker process, on a fresh PostgreSQL
 * schema and Redis prefix, sharing one fake Gemini; `alice` is registered. `worker` is whichever worker runs
 * now: a test that kills it starts the next with `startAnotherWorker()`, and `close()` stops that one.
 */
export interface JobReplicas {
  fake: FakeGemini;
  env: Record<string, string>;
  a: TestApp;
  b: TestApp;
  bUrl: string;
  worker: WorkerProcess;
  alice: Registered;
  startAnotherWorker(): Promise<WorkerProcess>;
  close(): Promise<void>;
}

export async function startJobReplicas(extra: Record<string, string> = {}): Promise<JobReplicas> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const fake = await startFakeGemini();
    cleanups.push(() => fake.stop());
    const pg = await freshPostgresSchema();
    cleanups.push(pg.drop);
    const redis = await freshRedisPrefix();
    cleanups.push(redis.cleanup);
    const env = jobTestEnv(fake, {
      DATABASE_URL: pg.url,
      DATABASE_SCHEMA: pg.schema,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      WORKER_MODE: 'off',
      JOB_LOCK_MS: '2000',
      ...extra,
    });
    const a = await createTestApp(env);
    cleanups.push(a.close);
    const b = await createTestApp(env);
    cleanups.push(b.close);
    await b.app.listen(0, '127.0.0.1');
    const alice = await register(a.app, 'alice');
    const replicas: JobReplicas = {
      fake,
      env,
      a,
      b,
      bUrl: `http://127.0.0.1:${(b.app.getHttpServer().address() as AddressInfo).port}`,
      worker: await startWorker(env),
      alice,
      startAnotherWorker: async () => (replicas.worker = await startWorker(env)),
      close,
    };
    cleanups.push(() => replicas.worker.kill('SIGKILL'));
    return replicas;
  } catch (e) {
    await close();
    throw e;
  }
}

/** Reads an SSE response until the server ends it (at the `done` event). */
export async function readSse(baseUrl: string, path: string, token: string, lastEventId?: number): Promise<SseEvent[]> {
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...bearer(token) };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  const res = await fetch(`${baseUrl}${path}`, { headers });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return parseSse(await res.text()).filter((e) => e.event !== 'ping');
}

/** Polls `probe` until it returns a truthy value (fails the test after `maxMs`). */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, maxMs = 60_000): Promise<T> {
  const end = Date.now() + maxMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const startRun = (app: NestExpressApplication, token: string, name: string) =>
  request(app.getHttpServer())
    .post('/api/ai-developer/runs')
    .set(bearer(token))
    .send({ description: 'Buy when the 5-day SMA crosses above the 20-day SMA; sell on the cross back.', strategy_name: name })
    .expect(202);

/** Seqs are 1, 2, 3… with no gap and no repeat. */
export function contiguous(events: Array<{ seq: number }>): boolean {
  return events.every((e, i) => e.seq === i + 1);
}
