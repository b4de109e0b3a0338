/**
 * Issue 8 items 6–9 over HTTP: AI developer runs generate → test → fix against the fake Gemini (scripted
 * to answer broken code first and fixed code next), on real PostgreSQL and PGlite, with the progress read
 * over SSE by a real HTTP client.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { AiDeveloperService } from '../../src/ai-developer/ai-developer.service';
import { Database } from '../../src/database/database.module';
import { botErrorFixes, botFixAttempts, bots } from '../../src/database/schema';
import { bearer, DATABASES } from '../support/auth';
import { secretFor } from '../support/gemini-app';
import { parseSse, SseEvent } from '../support/jobs';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import { BROKEN_BOT, fenced, isFixPrompt, SMA_CROSS_BOT } from './bot-fixtures';

jest.setTimeout(120_000);

/** Reads an SSE response with fetch until the server ends it; returns the parsed events. */
async function readSse(url: string, headers: Record<string, string>): Promise<{ status: number; type: string | null; events: SseEvent[] }> {
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers } });
  const text = await res.text();
  if (!res.headers.get('content-type')?.includes('text/event-stream'))
    return { status: res.status, type: res.headers.get('content-type'), events: [] };
  return { status: res.status, type: res.headers.get('content-type'), events: parseSse(text) };
}

describe.each(DATABASES)('AI developer runs on %s', (_name, open) => {
  let s: TwoUsers;
  let baseUrl: string;
  let botsDir: string;
  let service: AiDeveloperService;

  beforeAll(async () => {
    botsDir = mkdtempSync(join(tmpdir(), 'bots-'));
    s = await appWithTwoUsers(open, [{ id: 'k1', project: 'p1', rpm: 100 }], { BOTS_DIR: botsDir, BOT_TIMEOUT_MS: '2000' });
    await s.t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(s.t.app.getHttpServer().address() as AddressInfo).port}`;
    service = s.t.app.get(AiDeveloperService);
  });
  afterAll(async () => {
    await s.close();
  });
  afterEach(() => s.t.fake.respondWith(undefined));

  const startRun = async (body: Record<string, unknown>, token = s.alice.access) =>
    request(s.t.app.getHttpServer()).post('/api/ai-developer/runs').set(bearer(token)).send(body);

  it('converges: broken code, then a fix; attempts recorded, the fix learned, progress streamed over SSE', async () => {
    s.t.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    const res = await startRun({
      description: 'Buy when the 5-day SMA crosses above the 20-day SMA; sell on the cross back.',
      strategy_name: 'SMA Cross Demo',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'queued',
      step: 'generate',
      progress: 0,
      auto_fix: true,
      max_iterations: 5,
      events_url: `/api/ai-developer/runs/${res.body.id}/events`,
    });

    const sse = await readSse(`${baseUrl}${res.body.events_url}`, bearer(s.alice.access));
    expect(sse.status).toBe(200);
    expect(sse.type).toMatch(/text\/event-stream/);
    const steps = sse.events.map((e) => e.data.step);
    expect(steps[0]).toBe('generate');
    expect(steps.at(-1)).toBe('done');
    for (const step of ['test', 'analyze', 'fix']) expect(steps).toContain(step);
    expect(sse.events.every((e) => e.event === 'progress' && Number(e.id) === e.data.seq)).toBe(true);
    const progress = sse.events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    expect(sse.events.find((e) => e.data.step === 'analyze')!.data.data.error_type).toBe('reference');

    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded', step: 'done', progress: 100, iterations: 1 });
    expect(run.body.result).toMatchObject({
      success: true,
      final_status: 'fixed',
      iterations: 1,
      file_name: 'sma_cross_demo.js',
      error: null,
    });
    expect(run.body.result.metrics.num_trades).toBeGreaterThan(0);
    expect(run.body.result.attempts).toEqual([
      {
        attempt: 1,
        error_type: 'reference',
        error_message: expect.stringMatching(/ReferenceError: smaFast is not defined \(bot\.js line 6\)/),
        success: true,
        description: 'AI-generated fix for reference',
        timestamp: expect.any(String),
      },
    ]);

    const db = s.t.app.get(Database).connection.db;
    const [bot] = await db.select().from(bots).where(eq(bots.id, run.body.bot_id));
    expect(bot).toMatchObject({ userId: s.alice.id, status: 'passed', fileName: 'sma_cross_demo', code: SMA_CROSS_BOT.trim() });
    expect(readFileSync(join(botsDir, 'sma_cross_demo.js'), 'utf8')).toBe(SMA_CROSS_BOT.trim());
    const attempts = await db.select().from(botFixAttempts).where(eq(botFixAttempts.botId, bot.id));
    expect(attempts.map((a) => [a.attempt, a.errorType, a.success])).toEqual([[1, 'reference', true]]);
    const learned = await db.select().from(botErrorFixes).where(eq(botErrorFixes.errorType, 'reference'));
    expect(learned).toHaveLength(1);
    expect(learned[0].fixExcerpt).toContain('- if (slow !== null && smaFast > slow) ctx.buy();');

    // A second run with the same mistake: the fix prompt now carries the learned fix; the file gets a _2 suffix.
    const prompts: string[] = [];
    s.t.fake.respondWith((req) => {
      prompts.push(JSON.stringify(req.contents));
      return fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT);
    });
    const again = await startRun({ description: 'The same SMA crossover strategy, once more please.', strategy_name: 'SMA Cross Demo' });
    await service.settled(again.body.id);
    const second = await request(s.t.app.getHttpServer())
      .get(`/api/ai-developer/runs/${again.body.id}`)
      .set(bearer(s.alice.access))
      .expect(200);
    expect(second.body.result).toMatchObject({ success: true, file_name: 'sma_cross_demo_2.js' });
    expect(prompts[1]).toContain('A SIMILAR ERROR WAS FIXED BEFORE');
    expect(existsSync(join(botsDir, 'sma_cross_demo_2.js'))).toBe(true);
  });

  it('stops at max_iterations with final_status failed when the bot is never fixed (and re-runs after the last fix)', async () => {
    let fixes = 0;
    s.t.fake.respondWith((req) => {
      if (isFixPrompt(req)) fixes += 1;
      // every "fix" changes the code but keeps the bug
      return fenced(isFixPrompt(req) ? `${BROKEN_BOT}\n// attempt ${fixes}` : BROKEN_BOT);
    });
    const res = await startRun({
      description: 'A strategy that will never work, for the test.',
      strategy_name: 'Hopeless',
      max_iterations: 2,
    });
    await service.settled(res.body.id);
    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body).toMatchObject({ status: 'failed', step: 'done', iterations: 2 });
    expect(run.body.result).toMatchObject({ success: false, final_status: 'failed', iterations: 2, error: { type: 'reference' } });
    expect(run.body.result.attempts.map((a: any) => [a.attempt, a.success])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(fixes).toBe(2);
    // generate + 2 fixes = 3 Gemini calls; 3 sandbox runs (initial + after each fix), the last after the last fix
    const events = await service.eventsAfter(res.body.id, 0);
    expect(events.filter((e) => e.step === 'test' && e.data?.passed !== undefined)).toHaveLength(3);
  });

  it('auto_fix=false tests once and reports the failure without asking for fixes', async () => {
    let calls = 0;
    s.t.fake.respondWith(() => {
      calls += 1;
      return fenced(BROKEN_BOT);
    });
    const res = await startRun({ description: 'Test only, do not fix this strategy.', strategy_name: 'No Fix', auto_fix: false });
    await service.settled(res.body.id);
    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body.result).toMatchObject({ success: false, final_status: 'failed', iterations: 0 });
    expect(calls).toBe(1);
  });

  it('runs are owner-only and survive a client that disconnects from the event stream', async () => {
    s.t.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    const res = await startRun({ description: 'Owner-only check with a disconnecting client.', strategy_name: 'Private Run' });
    const id = res.body.id;
    // connect and drop at once
    const controller = new AbortController();
    const pending = fetch(`${baseUrl}/api/ai-developer/runs/${id}/events`, { headers: bearer(s.alice.access), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await service.settled(id);
    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body.status).toBe('succeeded');

    const bobSees = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${id}`).set(bearer(s.bob.access));
    expect(bobSees.status).toBe(404);
    expect(bobSees.body).toEqual({ error: 'Run not found', details: { run_id: id } });
    expect((await readSse(`${baseUrl}/api/ai-developer/runs/${id}/events`, bearer(s.bob.access))).status).toBe(404);
    await request(s.t.app.getHttpServer())
      .post('/api/ai-developer/chat')
      .set(bearer(s.bob.access))
      .send({ message: 'show me', run_id: id })
      .expect(404);
    await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${id}`).expect(401);

    // a finished run replays its whole history, and Last-Event-ID resumes after a given event
    const all = await readSse(`${baseUrl}/api/ai-developer/runs/${id}/events`, bearer(s.alice.access));
    const resumed = await readSse(`${baseUrl}/api/ai-developer/runs/${id}/events`, { ...bearer(s.alice.access), 'Last-Event-ID': '3' });
    expect(resumed.events.map((e) => e.data.seq)).toEqual(all.events.slice(3).map((e) => e.data.seq));
  });

  it('chat answers with the run as context', async () => {
    s.t.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
    const res = await startRun({ description: 'A run to talk about in the chat.', strategy_name: 'Chat Context' });
    await service.settled(res.body.id);
    let system = '';
    s.t.fake.respondWith((req) => {
      system = JSON.stringify(req.systemInstruction);
      return 'Your bot buys on the fast/slow cross.';
    });
    const chat = await request(s.t.app.getHttpServer())
      .post('/api/ai-developer/chat')
      .set(bearer(s.alice.access))
      .send({ message: 'What does my bot do?', run_id: res.body.id })
      .expect(200);
    expect(chat.body).toEqual({ response: 'Your bot buys on the fast/slow cross.', run_id: res.body.id, model: 'gemini-2.5-flash' });
    expect(system).toContain('CURRENT CODE');
    expect(system).toContain('ctx.indicators.sma');
  });

  it('a generated bot that reaches for require is caught by the static check, then fixed', async () => {
    s.t.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : `const fs = require('fs');\n${SMA_CROSS_BOT}`));
    const res = await startRun({ description: 'A crossover bot that the model first writes with require.', strategy_name: 'Static Check' });
    await service.settled(res.body.id);
    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body.result).toMatchObject({ success: true, final_status: 'fixed' });
    expect(run.body.result.attempts[0]).toMatchObject({ error_type: 'sandbox_violation', error_message: expect.stringMatching(/require/) });
  });

  it('a bot that never ends is stopped by the timeout while the server keeps answering', async () => {
    s.t.fake.respondWith(() => fenced('module.exports = { onBar(bar, ctx) { while (true) {} } };'));
    const res = await startRun({
      description: 'A bot that loops forever, to test the timeout.',
      strategy_name: 'Forever',
      auto_fix: false,
    });
    // wait until the bot is in the sandbox, then ask the server for its health
    for (let i = 0; i < 100 && !(await service.eventsAfter(res.body.id, 0)).some((e) => e.message.startsWith('Running the bot')); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const started = Date.now();
    await request(s.t.app.getHttpServer()).get('/health/live').expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await service.settled(res.body.id);
    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body.result).toMatchObject({
      success: false,
      error: { type: 'timeout', message: expect.stringMatching(/did not finish within 2 s/) },
    });
  });

  it('rejects bad bodies with the fields named', async () => {
    const res = await startRun({
      description: 'short',
      strategy_name: '',
      max_iterations: 50,
      test_config: { period: '7y', symbol: '../../etc' },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.details).sort()).toEqual([
      'description',
      'max_iterations',
      'strategy_name',
      'test_config.period',
      'test_config.symbol',
    ]);
    const intraday = await startRun({
      description: 'A strategy on one-minute bars for five years.',
      strategy_name: 'Too Much',
      test_config: { interval: '1m', period: '5y' },
    });
    expect(intraday.status).toBe(400);
    expect(JSON.stringify(intraday.body)).toMatch(/interval/);
  });
});

describe('AI developer runs when every Gemini key is busy', () => {
  let s: TwoUsers;
  let service: AiDeveloperService;

  beforeAll(async () => {
    // one key, one request per minute: the fix after the generation finds no free key
    s = await appWithTwoUsers(DATABASES[1][1], [{ id: 'k1', project: 'p1', rpm: 1 }], {
      BOTS_DIR: mkdtempSync(join(tmpdir(), 'bots-')),
      BOT_TIMEOUT_MS: '2000',
    });
    service = s.t.app.get(AiDeveloperService);
    s.t.fake.respondWith((req) => fenced(isFixPrompt(req) ? SMA_CROSS_BOT : BROKEN_BOT));
  });
  afterAll(async () => {
    await s.close();
  });

  it('pauses (its job delayed by the Retry-After, no worker held), says so in its events, and resumes when the key frees up', async () => {
    const res = await request(s.t.app.getHttpServer())
      .post('/api/ai-developer/runs')
      .set(bearer(s.alice.access))
      .send({ description: 'Buy the fast/slow SMA cross, test the key pause.', strategy_name: 'Busy Keys' });
    let job: Record<string, any> = {};
    for (let i = 0; i < 1200 && job.status !== 'delayed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await request(s.t.app.getHttpServer()).get(`/api/jobs/${res.body.id}`).set(bearer(s.alice.access)).expect(200)).body;
    }
    expect(job).toMatchObject({ kind: 'ai_developer.run', status: 'delayed', error: { code: 'keys_exhausted' } });
    const pausedRun = await request(s.t.app.getHttpServer())
      .get(`/api/ai-developer/runs/${res.body.id}`)
      .set(bearer(s.alice.access))
      .expect(200);
    expect(pausedRun.body.status).toBe('waiting');
    const waitEvent = (await service.eventsAfter(res.body.id, 0)).find((e) => e.data?.status === 'waiting')!;
    const waits = [waitEvent.data!.wait_ms as number];
    // time passes on the fake clock shared by the app, its job queue and the fake Gemini
    s.t.clock.advance(waits[0]);
    await service.settled(res.body.id);
    const run = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(s.alice.access)).expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded', result: { success: true, final_status: 'fixed' } });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    const events = await service.eventsAfter(res.body.id, 0);
    const paused = events.findIndex((e) => e.data?.status === 'waiting');
    expect(paused).toBeGreaterThan(0);
    expect(events[paused]).toMatchObject({
      step: 'fix',
      message: expect.stringMatching(/All Gemini keys are busy; the run pauses and resumes in \d+ s/),
      data: { wait_ms: waits[0] },
    });
    expect(events[paused + 1]).toMatchObject({ message: 'Resuming: trying Gemini again', data: { status: 'running' } });
    // nothing reached Gemini while the key was busy: one generation + one fix
    expect(s.t.fake.count(secretFor('k1'))).toBe(2);
    expect(Object.values(s.t.fake.stats()).reduce((n, k) => n + k.rateLimited, 0)).toBe(0);
  });

  it('gives up with a clear failure when the pause would exceed the bound', async () => {
    service.maxKeyWaitMs = 10_000;
    try {
      s.t.clock.advance(61_000); // a fresh minute for the generation
      const res = await request(s.t.app.getHttpServer())
        .post('/api/ai-developer/runs')
        .set(bearer(s.alice.access))
        .send({ description: 'Same again with a short bound on the wait.', strategy_name: 'Busy Keys Bounded' });
      await service.settled(res.body.id);
      const run = await request(s.t.app.getHttpServer())
        .get(`/api/ai-developer/runs/${res.body.id}`)
        .set(bearer(s.alice.access))
        .expect(200);
      expect(run.body).toMatchObject({ status: 'failed', step: 'done', result: { success: false, error: 'All Gemini keys are busy' } });
    } finally {
      service.maxKeyWaitMs = 5 * 60_000;
    }
  });
});
