/**
 * Issue 16 on real Redis and PostgreSQL: two API replicas (A and B, WORKER_MODE=off, so neither runs jobs)
 * and a worker process (`src/worker.ts`, a real child process). Runs started on A are followed from B; the
 * worker is killed mid-run and another one finishes the run; cancel kills a running bot; verify_all answers
 * at once and reports progress; readiness says when nobody consumes a queue.
 */
import { execFileSync } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { AiDeveloperService } from '../../src/ai-developer/ai-developer.service';
import { Database } from '../../src/database/database.module';
import { botPerformance, botTestRuns, bots } from '../../src/database/schema';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { BROKEN_BOT, fenced, isFixPrompt, SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer, register } from '../support/auth';
import { waitForJob } from '../support/jobs';
import { contiguous, JobReplicas, KEY, LOOPING_BOT, readSse, startJobReplicas, startRun, until } from './job-test-env';

jest.setTimeout(900_000);

/** Processes whose parent is `pid` (the worker's sandboxed bots). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter(Boolean);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

describe('jobs on Redis: two API replicas and a worker process', () => {
  let s: JobReplicas;
  const runEvents = (runId: string) => s.a.app.get(AiDeveloperService).eventsAfter(runId, 0);

  beforeAll(async () => {
    s = await startJobReplicas();
  });
  afterAll(() => s?.close());
  afterEach(() => {
    s.fake.respondWith(undefined);
    s.fake.clearScript();
  });

  it('a run started on A is followed live from B to its end', async () => {
    s.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    s.fake.script(KEY, [{ delayMs: 1500, reply: fenced(BROKEN_BOT) }]); // the generation takes a moment: B is there before it ends
    const run = (await startRun(s.a.app, s.alice.access, 'Followed From B')).body;
    const connectedAt = new Date().toISOString();
    const events = await readSse(s.bUrl, `/api/ai-developer/runs/${run.id}/events`, s.alice.access);
    const progress = events.map((e) => e.data);
    expect(contiguous(progress)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ step: 'done', data: { status: 'succeeded', success: true, final_status: 'fixed' } });
    // events written by the worker after B's client connected reached it: it followed live, not from a replay
    expect(progress.filter((e) => e.at > connectedAt).length).toBeGreaterThan(0);
    expect(progress).toEqual(await runEvents(run.id));
    const onB = await request(s.b.app.getHttpServer()).get(`/api/ai-developer/runs/${run.id}`).set(bearer(s.alice.access)).expect(200);
    expect(onB.body).toMatchObject({ status: 'succeeded', result: { success: true } });
  });

  it('killing the worker mid-run and starting another finishes the run with no lost or duplicated events', async () => {
    s.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    s.fake.script(KEY, [{ delayMs: 10, reply: fenced(BROKEN_BOT) }, 'hang']); // the first fix request never answers
    const run = (await startRun(s.a.app, s.alice.access, 'Worker Dies')).body;
    // B follows from the start, across the worker's death
    const followed = readSse(s.bUrl, `/api/ai-developer/runs/${run.id}/events`, s.alice.access);
    await until(async () => (await runEvents(run.id)).some((e) => e.step === 'fix'), 'the run to ask Gemini for a fix', 120_000);
    const before = await runEvents(run.id);
    await s.worker.kill('SIGKILL');
    await s.startAnotherWorker();
    const events = (await followed).map((e) => e.data);
    const stored = await runEvents(run.id);
    expect(events).toEqual(stored);
    expect(contiguous(stored)).toBe(true);
    expect(stored.slice(0, before.length)).toEqual(before); // nothing written before the kill was lost or rewritten
    expect(stored.some((e) => /The worker running this run stopped; attempt 2 resumes it from the saved bot/.test(e.message))).toBe(true);
    expect(stored.at(-1)).toMatchObject({ step: 'done', data: { status: 'succeeded', success: true } });
    // the saved bot was reused, not generated again
    expect(await s.a.app.get(Database).connection.db.select().from(bots).where(eq(bots.name, 'Worker Dies'))).toHaveLength(1);
    const job = await waitForJob(s.a.app.getHttpServer(), s.alice.access, run.id);
    expect(job).toMatchObject({ kind: 'ai_developer.run', status: 'succeeded', attempts: 2 });
  });

  it('verify_all over 20 bots answers at once with a job, and its progress is followed from B', async () => {
    const strategies = s.a.app.get(StrategiesRepository);
    for (let i = 1; i <= 20; i++)
      await strategies.create({
        name: `Bulk ${i}`,
        strategyCode: SMA_CROSS_BOT.replace('fast: 5', `fast: ${2 + (i % 5)}`),
        createdBy: s.alice.id,
      });
    const accepted = await request(s.a.app.getHttpServer())
      .post('/api/strategies/bot-performance/verify_all/')
      .set(bearer(s.alice.access))
      .send({})
      .expect(202);
    const right = await request(s.a.app.getHttpServer()).get(accepted.body.job_url).set(bearer(s.alice.access)).expect(200);
    expect(right.body.progress).toBeLessThan(100); // the answer came before the work was done
    const events = await readSse(s.bUrl, accepted.body.events_url, s.alice.access);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(progress.at(-1)).toMatchObject({ progress: 100, total: 20, verified: 20, failed: 0 });
    expect(contiguous(events.map((e) => e.data))).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'succeeded', result: { total: 20, verified: 20, failed: 0 } } });
    const metrics = await request(s.b.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/job_queue_jobs\{kind="bots\.verify_all",state="completed"\} 1/);
    expect(metrics.text).toMatch(/job_queue_consumers\{kind="bots\.verify_all"\} 1/);
  });

  it('cancel (on B) stops the bot running on the worker: the process is killed and nothing is recorded', async () => {
    const loop = await s.a.app.get(StrategiesRepository).create({ name: 'Never Ends', strategyCode: LOOPING_BOT, createdBy: s.alice.id });
    const before = new Set(childrenOf(s.worker.pid)); // esbuild's service process lives there too
    const accepted = await request(s.a.app.getHttpServer())
      .post('/api/strategies/bot-performance/verify_all/')
      .set(bearer(s.alice.access))
      .send({ strategy_ids: [loop.id] })
      .expect(202);
    const db = s.a.app.get(Database).connection.db;
    await until(
      async () => (await db.select().from(botPerformance).where(eq(botPerformance.strategyId, loop.id)))[0]?.status === 'testing',
      'the bot to run',
    );
    const started = await until(async () => childrenOf(s.worker.pid).filter((p) => !before.has(p)), 'the sandbox process');
    expect(started.length).toBeGreaterThan(0);
    const cancelled = await request(s.b.app.getHttpServer())
      .post(`/api/jobs/${accepted.body.job_id}/cancel`)
      .set(bearer(s.alice.access))
      .expect(200);
    expect(['running', 'cancelled']).toContain(cancelled.body.status);
    // BOT_TIMEOUT_MS is 60 s: only the cancel can end this job now
    const job = await waitForJob(s.a.app.getHttpServer(), s.alice.access, accepted.body.job_id, 20_000);
    expect(job.status).toBe('cancelled');
    await until(async () => childrenOf(s.worker.pid).every((p) => !started.includes(p)), 'the sandbox process to be gone', 5_000);
    expect(
      await db
        .select()
        .from(botTestRuns)
        .where(and(eq(botTestRuns.strategyId, loop.id))),
    ).toEqual([]);
    const [row] = await db.select().from(botPerformance).where(eq(botPerformance.strategyId, loop.id));
    expect(row?.status ?? 'untested').not.toBe('testing');
  });

  it("another user's job answers 404 everywhere; bad ids too", async () => {
    const bob = await register(s.a.app, 'bob');
    const one = await s.a.app.get(StrategiesRepository).create({ name: 'Private', strategyCode: SMA_CROSS_BOT, createdBy: s.alice.id });
    const accepted = await request(s.a.app.getHttpServer())
      .post('/api/strategies/bot-performance/verify_all/')
      .set(bearer(s.alice.access))
      .send({ strategy_ids: [one.id] })
      .expect(202);
    for (const path of [accepted.body.job_url, accepted.body.events_url])
      await request(s.b.app.getHttpServer()).get(path).set(bearer(bob.access)).expect(404);
    await request(s.b.app.getHttpServer()).post(`${accepted.body.job_url}/cancel`).set(bearer(bob.access)).expect(404);
    for (const id of ['nope', 'job_123', "job_'; drop table jobs;--", 'x'.repeat(500)]) {
      const res = await request(s.b.app.getHttpServer())
        .get(`/api/jobs/${encodeURIComponent(id)}`)
        .set(bearer(s.alice.access))
        .expect(404);
      expect(res.body).toEqual({ error: 'Job not found', details: { job_id: id } });
    }
    await request(s.b.app.getHttpServer()).get(accepted.body.job_url).expect(401);
    await waitForJob(s.a.app.getHttpServer(), s.alice.access, accepted.body.job_id);
  });

  it('readiness says so when jobs wait and no worker consumes their queue', async () => {
    const ready = await request(s.a.app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.details.jobs).toMatchObject({ status: 'up', engine: 'bullmq' });
    await s.worker.kill('SIGTERM');
    const one = await s.a.app
      .get(StrategiesRepository)
      .create({ name: 'Waits For A Worker', strategyCode: SMA_CROSS_BOT, createdBy: s.alice.id });
    const accepted = await request(s.a.app.getHttpServer())
      .post('/api/strategies/bot-performance/verify_all/')
      .set(bearer(s.alice.access))
      .send({ strategy_ids: [one.id] })
      .expect(202);
    const report = await until(async () => {
      const r = await request(s.b.app.getHttpServer()).get('/health/ready');
      return r.body.details?.jobs?.unconsumed ? r : null;
    }, 'readiness to notice');
    expect(report.status).toBe(200);
    expect(report.body.details.jobs).toMatchObject({
      status: 'degraded',
      unconsumed: ['bots.verify_all'],
      message: expect.stringContaining('npm run worker'),
    });
    await s.startAnotherWorker();
    expect((await waitForJob(s.a.app.getHttpServer(), s.alice.access, accepted.body.job_id, 120_000)).status).toBe('succeeded');
  });
});
