/**
 * Issue 16 without Redis: the embedded queue (jobs table in PGlite, on disk) and in-process events, in one
 * process — a run followed over SSE, a restart of the process in the middle of a run, cancel of a running
 * bot, verify_all over 20 bots answering at once, and readiness when nothing consumes (WORKER_MODE=off).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { AiDeveloperService } from '../../src/ai-developer/ai-developer.service';
import { Database } from '../../src/database/database.module';
import { botPerformance, botTestRuns, bots } from '../../src/database/schema';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { BROKEN_BOT, fenced, isFixPrompt, SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { FakeGemini } from '../fakes/fake-gemini';
import { createTestApp, TestApp } from '../support/app';
import { bearer, register, Registered } from '../support/auth';
import { waitForJob } from '../support/jobs';
import { contiguous, jobTestEnv, KEY, LOOPING_BOT, readSse, startFakeGemini, startRun, until } from './job-test-env';

jest.setTimeout(600_000);

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter(Boolean);
  } catch {
    return [];
  }
}

describe('jobs without Redis: the embedded queue in one process', () => {
  let fake: FakeGemini;
  let env: Record<string, string>;
  let t: TestApp;
  let url: string;
  let alice: Registered;
  const boot = async () => {
    t = await createTestApp(env);
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  };
  const runEvents = (runId: string) => t.app.get(AiDeveloperService).eventsAfter(runId, 0);

  beforeAll(async () => {
    fake = await startFakeGemini();
    env = jobTestEnv(fake, { DATABASE_URL: `pglite://${mkdtempSync(join(tmpdir(), 'jobs-pglite-'))}`, GEMINI_TIMEOUT_MS: '5000' });
    await boot();
    alice = await register(t.app, 'alice');
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });
  afterEach(() => {
    fake.respondWith(undefined);
    fake.clearScript();
  });

  it('runs an AI developer run as a job and streams its events to the end', async () => {
    fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    const run = (await startRun(t.app, alice.access, 'Embedded Run')).body;
    const events = (await readSse(url, `/api/ai-developer/runs/${run.id}/events`, alice.access)).map((e) => e.data);
    expect(contiguous(events)).toBe(true);
    expect(events.at(-1)).toMatchObject({ step: 'done', data: { status: 'succeeded' } });
    expect(await waitForJob(t.app.getHttpServer(), alice.access, run.id)).toMatchObject({
      kind: 'ai_developer.run',
      status: 'succeeded',
      attempts: 1,
    });
  });

  it('a restart of the process in the middle of a run resumes it from the saved bot, with no lost or repeated events', async () => {
    fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    fake.script(KEY, [{ delayMs: 10, reply: fenced(BROKEN_BOT) }, 'hang']); // the first fix request never answers
    const run = (await startRun(t.app, alice.access, 'Restarted')).body;
    await until(async () => (await runEvents(run.id)).some((e) => e.step === 'fix'), 'the run to ask Gemini for a fix');
    const before = await runEvents(run.id);
    await t.close();
    await boot();
    const events = (await readSse(url, `/api/ai-developer/runs/${run.id}/events`, alice.access)).map((e) => e.data);
    const stored = await runEvents(run.id);
    expect(events).toEqual(stored);
    expect(contiguous(stored)).toBe(true);
    expect(stored.slice(0, before.length)).toEqual(before);
    expect(stored.some((e) => /attempt 2 resumes it from the saved bot/.test(e.message))).toBe(true);
    expect(stored.at(-1)).toMatchObject({ step: 'done', data: { status: 'succeeded', success: true } });
    expect(await t.app.get(Database).connection.db.select().from(bots).where(eq(bots.name, 'Restarted'))).toHaveLength(1);
    expect(await waitForJob(t.app.getHttpServer(), alice.access, run.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('verify_all over 20 bots answers at once and reports progress', async () => {
    const strategies = t.app.get(StrategiesRepository);
    for (let i = 1; i <= 20; i++)
      await strategies.create({
        name: `Bulk ${i}`,
        strategyCode: SMA_CROSS_BOT.replace('fast: 5', `fast: ${2 + (i % 5)}`),
        createdBy: alice.id,
      });
    const accepted = await request(t.app.getHttpServer())
      .post('/api/strategies/bot-performance/verify_all/')
      .set(bearer(alice.access))
      .send({})
      .expect(202);
    expect(
      (await request(t.app.getHttpServer()).get(accepted.body.job_url).set(bearer(alice.access)).expect(200)).body.progress,
    ).toBeLessThan(100);
    const events = await readSse(url, accepted.body.events_url, alice.access);
    expect(events.filter((e) => e.event === 'progress').map((e) => e.data.done)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'succeeded', result: { total: 20, verified: 20 } } });
    // a client that reconnects with Last-Event-ID gets only what came after
    const tail = await readSse(url, accepted.body.events_url, alice.access, events.length - 2);
    expect(tail.map((e) => e.data.seq)).toEqual([events.length - 1, events.length]);
  });

  it('cancel stops a running bot: its process is killed and nothing is recorded', async () => {
    const loop = await t.app.get(StrategiesRepository).create({ name: 'Never Ends', strategyCode: LOOPING_BOT, createdBy: alice.id });
    const before = new Set(childrenOf(process.pid));
    const accepted = await request(t.app.getHttpServer())
      .post('/api/strategies/bot-performance/verify_all/')
      .set(bearer(alice.access))
      .send({ strategy_ids: [loop.id] })
      .expect(202);
    const db = t.app.get(Database).connection.db;
    await until(
      async () => (await db.select().from(botPerformance).where(eq(botPerformance.strategyId, loop.id)))[0]?.status === 'testing',
      'the bot to run',
    );
    const started = await until(async () => childrenOf(process.pid).filter((p) => !before.has(p)), 'the sandbox process');
    expect(started.length).toBeGreaterThan(0);
    await request(t.app.getHttpServer()).post(`/api/jobs/${accepted.body.job_id}/cancel`).set(bearer(alice.access)).expect(200);
    // BOT_TIMEOUT_MS is 60 s: only the cancel can end this job now
    expect((await waitForJob(t.app.getHttpServer(), alice.access, accepted.body.job_id, 20_000)).status).toBe('cancelled');
    await until(async () => childrenOf(process.pid).every((p) => !started.includes(p)), 'the sandbox process to be gone', 5_000);
    expect(await db.select().from(botTestRuns).where(eq(botTestRuns.strategyId, loop.id))).toEqual([]);
    const [row] = await db.select().from(botPerformance).where(eq(botPerformance.strategyId, loop.id));
    expect(row?.status ?? 'untested').not.toBe('testing');
    // cancelling a finished job changes nothing
    expect(
      (await request(t.app.getHttpServer()).post(`/api/jobs/${accepted.body.job_id}/cancel`).set(bearer(alice.access)).expect(200)).body
        .status,
    ).toBe('cancelled');
  });

  it('with WORKER_MODE=off and no worker, readiness says the queue is not consumed', async () => {
    const off = await createTestApp({ ...env, DATABASE_URL: 'pglite://memory', WORKER_MODE: 'off' });
    try {
      const bob = await register(off.app, 'bob');
      await request(off.app.getHttpServer())
        .post('/api/strategies/bot-performance/verify_all/')
        .set(bearer(bob.access))
        .send({})
        .expect(202);
      const ready = await request(off.app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.details.jobs).toMatchObject({ status: 'degraded', engine: 'embedded', unconsumed: ['bots.verify_all'] });
    } finally {
      await off.close();
    }
  });
});
