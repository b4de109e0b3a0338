/**
 * Issue 16: generate_with_auto_fix/ as a job on real Redis and PostgreSQL — two API replicas that only
 * enqueue (WORKER_MODE=off) and a worker process that runs it. The waiting answer on A is the Django body
 * from the worker; SSE on B relays the worker's progress; the 202 path is followed from the other replica;
 * cancel on B closes the Gemini request the worker holds and the waiting client on A gets 409.
 */
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { bots, jobs } from '../../src/database/schema';
import { BROKEN_BOT, fenced, isFixPrompt, SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer } from '../support/auth';
import { parseSse, waitForJob } from '../support/jobs';
import { AUTO_FIX, autoFixBody, CANONICAL, heldGeneration } from './auto-fix-fixtures';
import { JobReplicas, KEY, readSse, startJobReplicas, until } from './job-test-env';

jest.setTimeout(900_000);

describe('generate_with_auto_fix as a job on Redis: two API replicas and a worker process', () => {
  let s: JobReplicas;

  beforeAll(async () => {
    s = await startJobReplicas({ GEMINI_TIMEOUT_MS: '30000' });
  });
  afterAll(() => s?.close());
  beforeEach(() => s.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT)));
  afterEach(() => {
    s.fake.respondWith(undefined);
    s.fake.clearScript();
  });

  it('the waiting answer on A is the Django body, computed by the worker', async () => {
    const res = await request(s.a.app.getHttpServer())
      .post(AUTO_FIX)
      .set(bearer(s.alice.access))
      .send({ canonical_json: CANONICAL, strategy_name: 'Worker Built', max_fix_attempts: 2 })
      .expect(200);
    expect(res.body).toEqual(autoFixBody(s.env.BOTS_DIR, 'worker_built'));
    const job = await waitForJob(s.b.app.getHttpServer(), s.alice.access, res.headers['x-job-id']);
    expect(job).toMatchObject({ kind: 'strategy.generate_with_auto_fix', status: 'succeeded', result: res.body });
  });

  it('SSE on B relays the progress the worker reports, then the result', async () => {
    const res = await fetch(`${s.bUrl}${AUTO_FIX}`, {
      method: 'POST',
      headers: { ...bearer(s.alice.access), Accept: 'text/event-stream', 'Content-Type': 'application/json' },
      body: JSON.stringify({ canonical_json: CANONICAL, strategy_name: 'Streamed From Worker', max_fix_attempts: 2 }),
    });
    const events = parseSse(await res.text());
    const steps = events.filter((e) => e.event === 'progress').map((e) => e.data.step);
    expect(steps).toEqual(expect.arrayContaining(['generate', 'test', 'analyze', 'fix', 'done']));
    expect(events.at(-1)).toEqual({ id: undefined, event: 'result', data: autoFixBody(s.env.BOTS_DIR, 'streamed_from_worker') });
  });

  it('Prefer: respond-async on A answers 202; B follows the job to its result', async () => {
    const accepted = await request(s.a.app.getHttpServer())
      .post(AUTO_FIX)
      .set(bearer(s.alice.access))
      .set('Prefer', 'respond-async')
      .send({ canonical_json: CANONICAL, strategy_name: 'Followed On B', max_fix_attempts: 2 })
      .expect(202);
    expect(accepted.headers.location).toBe(`/api/jobs/${accepted.body.job_id}`);
    const events = await readSse(s.bUrl, accepted.body.events_url, s.alice.access);
    expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThan(3);
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { status: 'succeeded', result: autoFixBody(s.env.BOTS_DIR, 'followed_on_b') },
    });
  });

  it('cancel on B closes the Gemini request held by the worker within a second; the waiting client on A gets 409', async () => {
    s.fake.script(KEY, 'hang');
    const since = s.fake.requests.length;
    const waiting = request(s.a.app.getHttpServer())
      .post(AUTO_FIX)
      .set(bearer(s.alice.access))
      .send({ canonical_json: CANONICAL, strategy_name: 'Cancelled On Worker' })
      .then((r) => r);
    const held = await heldGeneration(s.fake, since, 'Cancelled On Worker');
    const db = s.a.app.get(Database).connection.db;
    const jobId = await until(async () => {
      const rows = await db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.kind, 'strategy.generate_with_auto_fix'), eq(jobs.status, 'running')));
      return rows[0]?.id;
    }, 'the job to run on the worker');
    const at = Date.now();
    await request(s.b.app.getHttpServer()).post(`/api/jobs/${jobId}/cancel`).set(bearer(s.alice.access)).expect(200);
    await until(async () => held.abandoned, 'the worker to close its Gemini request', 5_000);
    expect(held.abandonedAt! - at).toBeLessThan(1_000);
    const res = await waiting;
    expect(res.status).toBe(409);
    expect(res.body.details).toEqual({ job_id: jobId });
    expect((await waitForJob(s.a.app.getHttpServer(), s.alice.access, jobId, 10_000)).status).toBe('cancelled');
    expect(await db.select().from(bots).where(eq(bots.name, 'Cancelled On Worker'))).toEqual([]);
  });
});
