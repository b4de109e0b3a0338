/**
 * Issue 16: generate_with_auto_fix/ as a job on the embedded queue (no Redis, real PostgreSQL) — the waiting
 * answer keeps the Django body, SSE streams the job's progress, `Prefer: respond-async` answers 202,
 * Idempotency-Key replays, bad input is a 400 with nothing stored, and cancel (or a waiting client that
 * leaves) closes the Gemini request in flight and saves nothing.
 */
import { existsSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { bots, jobs } from '../../src/database/schema';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { BROKEN_BOT, fenced, isFixPrompt, SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { FakeGemini } from '../fakes/fake-gemini';
import { createTestApp, TestApp } from '../support/app';
import { bearer, register, Registered } from '../support/auth';
import { parseSse, waitForJob } from '../support/jobs';
import { freshPostgresSchema } from '../support/services';
import { AUTO_FIX, autoFixBody, CANONICAL, heldGeneration } from './auto-fix-fixtures';
import { jobTestEnv, KEY, readSse, startFakeGemini, startRun, until } from './job-test-env';

jest.setTimeout(300_000);

describe('generate_with_auto_fix as a job, embedded queue', () => {
  let fake: FakeGemini;
  let env: Record<string, string>;
  let t: TestApp;
  let url: string;
  let alice: Registered;
  let bob: Registered;
  let dropSchema: () => Promise<void>;
  const http = () => request(t.app.getHttpServer());
  const db = () => t.app.get(Database).connection.db;
  const botsNamed = (name: string) => db().select().from(bots).where(eq(bots.name, name));

  beforeAll(async () => {
    fake = await startFakeGemini();
    const pg = await freshPostgresSchema();
    dropSchema = pg.drop;
    env = jobTestEnv(fake, { DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema, GEMINI_TIMEOUT_MS: '30000' });
    t = await createTestApp(env);
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    alice = await register(t.app, 'alice');
    bob = await register(t.app, 'bob');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await dropSchema?.();
  });
  beforeEach(() => fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT)));
  afterEach(() => {
    fake.respondWith(undefined);
    fake.clearScript();
  });

  it('waits for the job by default: 200 with the Django body, which is also the job result', async () => {
    const res = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .send({ canonical_json: CANONICAL, strategy_name: 'Waited For', max_fix_attempts: 2 })
      .expect(200);
    expect(res.body).toEqual(autoFixBody(env.BOTS_DIR, 'waited_for'));
    const jobId = res.headers['x-job-id'];
    const job = await waitForJob(t.app.getHttpServer(), alice.access, jobId);
    expect(job).toMatchObject({ kind: 'strategy.generate_with_auto_fix', status: 'succeeded', attempts: 1, progress: 100 });
    expect(job.result).toEqual(res.body);
    expect(await botsNamed('Waited For')).toHaveLength(1);
    // another user cannot read the job
    await http().get(`/api/jobs/${jobId}`).set(bearer(bob.access)).expect(404);
  });

  it('SSE: the job progress events, then `result` with the same body', async () => {
    const res = await fetch(`${url}${AUTO_FIX}`, {
      method: 'POST',
      headers: { ...bearer(alice.access), Accept: 'text/event-stream', 'Content-Type': 'application/json' },
      body: JSON.stringify({ canonical_json: CANONICAL, strategy_name: 'Streamed Fix', max_fix_attempts: 2 }),
    });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress[0]).toEqual({ step: 'generate', progress: 5, message: 'Generating "Streamed Fix" with Gemini' });
    expect(progress.map((p) => p.step)).toEqual(expect.arrayContaining(['generate', 'test', 'analyze', 'fix', 'done']));
    expect(progress.at(-1)).toMatchObject({ step: 'done', progress: 100 });
    expect(events.at(-1)).toEqual({ id: undefined, event: 'result', data: autoFixBody(env.BOTS_DIR, 'streamed_fix') });
    // the stream relayed exactly the job's stored progress events
    const stored = await readSse(url, `/api/jobs/${res.headers.get('x-job-id')}/events`, alice.access);
    expect(
      stored
        .filter((e) => e.event === 'progress')
        .map(({ data: { step, progress, message, data } }) => ({ step, progress, message, ...(data ? { data } : {}) })),
    ).toEqual(progress);
  });

  it('Prefer: respond-async answers 202 with the job; its events and result follow', async () => {
    const res = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Prefer', 'respond-async')
      .send({ canonical_json: CANONICAL, strategy_name: 'Queued Fix', max_fix_attempts: 2 })
      .expect(202);
    expect(res.body).toEqual({
      status: 'queued',
      job_id: expect.stringMatching(/^job_[0-9a-f]{20}$/),
      kind: 'strategy.generate_with_auto_fix',
      job_url: `/api/jobs/${res.body.job_id}`,
      events_url: `/api/jobs/${res.body.job_id}/events`,
      message: expect.any(String),
    });
    expect(res.headers.location).toBe(res.body.job_url);
    expect(res.headers['preference-applied']).toBe('respond-async');
    const events = await readSse(url, res.body.events_url, alice.access);
    expect(events[0].event).toBe('started');
    expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThan(3);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'succeeded', result: autoFixBody(env.BOTS_DIR, 'queued_fix') } });
    expect((await waitForJob(t.app.getHttpServer(), alice.access, res.body.job_id)).result).toEqual(
      autoFixBody(env.BOTS_DIR, 'queued_fix'),
    );
  });

  it('Idempotency-Key: the retry gets the first answer (status, body, job) and nothing runs twice', async () => {
    const body = { canonical_json: CANONICAL, strategy_name: 'Once Only', max_fix_attempts: 2 };
    const first = await http().post(AUTO_FIX).set(bearer(alice.access)).set('Idempotency-Key', 'auto-fix-1').send(body).expect(200);
    const before = fake.requests.length;
    const again = await http().post(AUTO_FIX).set(bearer(alice.access)).set('Idempotency-Key', 'auto-fix-1').send(body).expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['x-job-id']).toBe(first.headers['x-job-id']);
    expect(fake.requests.length).toBe(before);
    expect(await botsNamed('Once Only')).toHaveLength(1);

    const queued = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Prefer', 'respond-async')
      .set('Idempotency-Key', 'auto-fix-2')
      .send({ ...body, strategy_name: 'Once Queued' })
      .expect(202);
    const replay = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Prefer', 'respond-async')
      .set('Idempotency-Key', 'auto-fix-2')
      .send({ ...body, strategy_name: 'Once Queued' })
      .expect(202);
    expect(replay.body).toEqual(queued.body);
    expect(replay.headers.location).toBe(queued.body.job_url);
    await waitForJob(t.app.getHttpServer(), alice.access, queued.body.job_id);
    expect(await botsNamed('Once Queued')).toHaveLength(1);
    expect(
      (await db().select().from(jobs).where(eq(jobs.kind, 'strategy.generate_with_auto_fix'))).filter(
        (j) => (j.payload as { input: { strategy_name: string } }).input.strategy_name === 'Once Queued',
      ),
    ).toHaveLength(1);
    // the same key with another body is refused
    const other = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Idempotency-Key', 'auto-fix-1')
      .send({ ...body, strategy_name: 'Not Once' })
      .expect(422);
    expect(other.body.error).toMatch(/different request body/);
  });

  it('bad input is a 400 naming the field (or 404 for a strategy that is not yours), and no job is stored', async () => {
    const count = async () => (await db().select().from(jobs).where(eq(jobs.kind, 'strategy.generate_with_auto_fix'))).length;
    const before = await count();
    const post = (body: Record<string, unknown>, prefer?: string) => {
      const r = http().post(AUTO_FIX).set(bearer(alice.access));
      return (prefer ? r.set('Prefer', prefer) : r).send(body);
    };
    const zero = await post({ canonical_json: CANONICAL, max_fix_attempts: 0 }, 'respond-async');
    expect(zero.status).toBe(400);
    expect(zero.body.details).toHaveProperty('max_fix_attempts');
    expect((await post({})).body.details).toEqual({ canonical_json: ['canonical_json is required'] });
    const noRules = await post({ canonical_json: { title: 'No rules' } }, 'respond-async');
    expect(noRules.status).toBe(400);
    expect(Object.keys(noRules.body.details)).toEqual(['canonical_json.entry_rules']);
    expect((await post({ canonical_json: CANONICAL, test_config: { period: '9y' } })).body.details).toHaveProperty(['test_config.period']);
    expect((await post({ canonical_json: CANONICAL, strategy_id: 'seven' })).body.details).toHaveProperty('strategy_id');
    expect((await post({ canonical_json: CANONICAL, unknown_field: 1 })).status).toBe(400);
    const bobs = await t.app.get(StrategiesRepository).create({ name: 'Bob Owns', strategyCode: SMA_CROSS_BOT, createdBy: bob.id });
    const notYours = await post({ canonical_json: CANONICAL, strategy_id: bobs.id }, 'respond-async');
    expect(notYours.status).toBe(404);
    const malformedKey = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Idempotency-Key', 'has spaces')
      .send({ canonical_json: CANONICAL });
    expect(malformedKey.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('cancel closes the Gemini request in flight within a second; the job ends cancelled and nothing is saved', async () => {
    fake.script(KEY, 'hang');
    const since = fake.requests.length;
    const accepted = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Prefer', 'respond-async')
      .send({ canonical_json: CANONICAL, strategy_name: 'Cancelled Mid Call' })
      .expect(202);
    const held = await heldGeneration(fake, since, 'Cancelled Mid Call');
    const cancelledAt = Date.now();
    await http().post(`/api/jobs/${accepted.body.job_id}/cancel`).set(bearer(alice.access)).expect(200);
    await until(async () => held.abandoned, 'the fake Gemini to see its request closed', 5_000);
    expect(held.abandonedAt! - cancelledAt).toBeLessThan(1_000);
    expect((await waitForJob(t.app.getHttpServer(), alice.access, accepted.body.job_id, 10_000)).status).toBe('cancelled');
    expect(await botsNamed('Cancelled Mid Call')).toEqual([]);
    expect(existsSync(join(env.BOTS_DIR, 'cancelled_mid_call.js'))).toBe(false);
  });

  it('a waiting client gets 409 when its job is cancelled; a waiting client that leaves cancels the job', async () => {
    fake.script(KEY, 'hang');
    const since = fake.requests.length;
    const waiting = http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .send({ canonical_json: CANONICAL, strategy_name: 'Cancelled While Waited' });
    const answered = waiting.then((r) => r);
    const held = await heldGeneration(fake, since, 'Cancelled While Waited');
    const [job] = (await db().select().from(jobs).where(eq(jobs.status, 'running'))).filter(
      (j) => (j.payload as { input: { strategy_name: string } }).input.strategy_name === 'Cancelled While Waited',
    );
    await http().post(`/api/jobs/${job.id}/cancel`).set(bearer(alice.access)).expect(200);
    const res = await answered;
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'The job was cancelled before it finished', details: { job_id: job.id } });
    await until(async () => held.abandoned, 'the held request to be closed', 5_000);

    const sinceLeft = fake.requests.length;
    const abort = new AbortController();
    const leaving = fetch(`${url}${AUTO_FIX}`, {
      method: 'POST',
      headers: { ...bearer(alice.access), 'Content-Type': 'application/json' },
      body: JSON.stringify({ canonical_json: CANONICAL, strategy_name: 'Client Left' }),
      signal: abort.signal,
    }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    const left = await heldGeneration(fake, sinceLeft, 'Client Left');
    const leftAt = Date.now();
    abort.abort();
    expect(await leaving).toBe('AbortError');
    await until(async () => left.abandoned, 'the Gemini request of the client that left to be closed', 5_000);
    expect(left.abandonedAt! - leftAt).toBeLessThan(1_000);
    const [gone] = (await db().select().from(jobs)).filter(
      (j) => (j.payload as { input?: { strategy_name?: string } }).input?.strategy_name === 'Client Left',
    );
    expect((await waitForJob(t.app.getHttpServer(), alice.access, gone.id, 10_000)).status).toBe('cancelled');
    expect(await botsNamed('Client Left')).toEqual([]);
  });
});

describe('every Gemini call inside a job gets its abort signal', () => {
  let fake: FakeGemini;
  let t: TestApp;
  let alice: Registered;
  let dropSchema: () => Promise<void>;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    fake = await startFakeGemini();
    const pg = await freshPostgresSchema();
    dropSchema = pg.drop;
    t = await createTestApp(jobTestEnv(fake, { DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema, GEMINI_TIMEOUT_MS: '30000' }));
    alice = await register(t.app, 'alice');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await dropSchema?.();
  });

  const cancelHeld = async (jobId: string, since: number, what: string) => {
    const held = await heldGeneration(fake, since, what);
    const at = Date.now();
    await http().post(`/api/jobs/${jobId}/cancel`).set(bearer(alice.access)).expect(200);
    await until(async () => held.abandoned, `the held request of ${what} to be closed`, 5_000);
    expect(held.abandonedAt! - at).toBeLessThan(1_000);
    expect((await waitForJob(t.app.getHttpServer(), alice.access, jobId, 10_000)).status).toBe('cancelled');
  };

  it('AI developer run: the generation request is closed on cancel', async () => {
    fake.script(KEY, 'hang');
    const since = fake.requests.length;
    const run = (await startRun(t.app, alice.access, 'Run Cancelled In Generation')).body;
    await cancelHeld(run.id, since, 'the run');
    const stored = await http().get(`/api/ai-developer/runs/${run.id}`).set(bearer(alice.access)).expect(200);
    expect(stored.body.status).toBe('cancelled');
  });

  it('generate_with_auto_fix: the fix request is closed on cancel, and the generated bot is not saved', async () => {
    fake.clearScript();
    fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    fake.script(KEY, [{ delayMs: 10, reply: fenced(BROKEN_BOT) }, 'hang']); // the generation answers, the fix never does
    const since = fake.requests.length + 1;
    const accepted = await http()
      .post(AUTO_FIX)
      .set(bearer(alice.access))
      .set('Prefer', 'respond-async')
      .send({ canonical_json: CANONICAL, strategy_name: 'Cancelled In Fix' })
      .expect(202);
    await cancelHeld(accepted.body.job_id, since, 'the fix');
    const db = t.app.get(Database).connection.db;
    expect(await db.select().from(bots).where(eq(bots.name, 'Cancelled In Fix'))).toEqual([]);
  });
});
