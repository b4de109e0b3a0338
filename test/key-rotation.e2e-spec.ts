import request from 'supertest';
import { KeyProbeService } from '../src/gemini/key-probe.service';
import { nextPacificMidnight } from '../src/key-rotation/core/pacific-day';
import { ADMIN_TOKEN, createGeminiTestApp, GeminiTestApp, secretFor } from './support/gemini-app';

/** Everything the e2e run answered, to scan for secrets at the end. */
const responses: string[] = [];
const allLogs: string[] = [];
const allSecrets = new Set<string>();
/** These suites are about rotation, so callers are anonymous (told apart by address) as in demo mode. */
const ANON = { ALLOW_ANONYMOUS: 'true' };

async function generate(t: GeminiTestApp, prompt = 'hello', ip = '10.0.0.1') {
  const res = await request(t.app.getHttpServer()).post('/api/ai/generate').set('X-Forwarded-For', ip).send({ prompt });
  responses.push(JSON.stringify({ headers: res.headers, body: res.body, text: res.text }));
  return res;
}

async function keysHealth(t: GeminiTestApp) {
  const res = await request(t.app.getHttpServer()).get('/api/keys/health').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
  responses.push(JSON.stringify(res.body));
  return res.body as { keys: Array<Record<string, any>>; usable_keys: number };
}

function keyOf(health: { keys: Array<Record<string, any>> }, id: string): Record<string, any> {
  return health.keys.find((k) => k.key_id === id)!;
}

async function finish(t: GeminiTestApp): Promise<void> {
  allLogs.push(t.logs.text);
  Object.values(t.secrets).forEach((s) => allSecrets.add(s));
  await t.shutdown();
}

describe.each(['memory', 'redis'] as const)('key rotation end to end (%s store)', (store) => {
  it('serves a call and reports which key did, with usage', async () => {
    const t = await createGeminiTestApp([{ id: 'k1', project: 'p1' }], { store, env: ANON });
    const res = await generate(t, 'say hi');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ text: 'echo: say hi', model: 'gemini-2.5-flash', key_id: 'k1', attempts: 1 });
    expect(res.body.usage).toEqual({ prompt_tokens: 2, candidates_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    await finish(t);
  });

  it('spreads a burst beyond one key’s RPM over the other keys, without a single upstream 429', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'a', project: 'pa', rpm: 3 },
        { id: 'b', project: 'pb', rpm: 3 },
        { id: 'c', project: 'pc', rpm: 3 },
      ],
      { store, env: ANON },
    );
    const results = [];
    for (let i = 0; i < 9; i++) results.push(await generate(t, `burst ${i}`));
    expect(results.map((r) => r.status)).toEqual(Array(9).fill(200));
    const stats = t.fake.stats();
    expect(
      Object.values(stats)
        .map((s) => s.ok)
        .sort(),
    ).toEqual([3, 3, 3]);
    expect(Object.values(stats).reduce((n, s) => n + s.rateLimited, 0)).toBe(0);
    // The tenth call finds every key full: 429 with a Retry-After of a minute (plus the 1 s admission margin).
    const tenth = await generate(t, 'one too many');
    expect(tenth.status).toBe(429);
    expect(tenth.body).toMatchObject({ error: 'All Gemini keys are busy', retry_after: 61 });
    expect(tenth.headers['retry-after']).toBe('61');
    expect(Object.values(t.fake.stats()).reduce((n, s) => n + s.requests, 0)).toBe(9);
    await finish(t);
  });

  it('keeps a user on the same key (sticky) while it has room', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'a', project: 'pa' },
        { id: 'b', project: 'pb' },
      ],
      { store, env: ANON },
    );
    const first = await generate(t, 'x', '10.1.1.1');
    const again = await Promise.all([1, 2, 3].map(() => generate(t, 'y', '10.1.1.1')));
    expect(again.map((r) => r.body.key_id)).toEqual([first.body.key_id, first.body.key_id, first.body.key_id]);
    const health = await keysHealth(t);
    expect(keyOf(health, first.body.key_id).pinned_users).toBe(1);
    await finish(t);
  });

  it('on a per-minute 429 cools the project for retryDelay, learns the real limit, and rotates', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'a', project: 'pa', rpm: 10, real: { rpm: 2 }, priority: 1 },
        { id: 'b', project: 'pb', rpm: 10, priority: 2 },
      ],
      { store, env: ANON },
    );
    expect((await generate(t)).body.key_id).toBe('a');
    expect((await generate(t)).body.key_id).toBe('a');
    const third = await generate(t);
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ key_id: 'b', attempts: 2 });
    const a = keyOf(await keysHealth(t), 'a');
    expect(a.state).toBe('cooling');
    expect(a.in_cooldown).toBe(true);
    expect(Date.parse(a.cooldown_until)).toBeGreaterThan(t.clock.now());
    expect(a.rpm).toEqual({ used: 3, limit: 2, learned: true });
    await finish(t);
  });

  it('parks a project until Pacific midnight on a per-day 429, then uses it again the next day', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'a', project: 'pa', rpd: 100, real: { rpd: 1 }, priority: 1 },
        { id: 'b', project: 'pb', priority: 2 },
      ],
      { store, env: ANON },
    );
    expect((await generate(t)).body.key_id).toBe('a');
    expect((await generate(t)).body).toMatchObject({ key_id: 'b', attempts: 2 });
    const a = keyOf(await keysHealth(t), 'a');
    expect(a.state).toBe('exhausted');
    expect(a.cooldown_until).toBe(new Date(nextPacificMidnight(t.clock.now())).toISOString());
    expect((await generate(t)).body.key_id).toBe('b');

    t.clock.set(nextPacificMidnight(t.clock.now()) + 1000);
    const nextDay = await generate(t, 'next day', '10.9.9.9');
    expect(nextDay.body).toMatchObject({ key_id: 'a', attempts: 1 });
    await finish(t);
  });

  it('disables an invalid key, never tries it again, and a probe re-enables it once it works', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'bad', project: 'p1', priority: 1 },
        { id: 'good', project: 'p2', priority: 2 },
      ],
      { store, env: ANON },
    );
    t.fake.script(secretFor('bad'), 'invalid');
    expect((await generate(t)).body).toMatchObject({ key_id: 'good', attempts: 2 });
    for (let i = 0; i < 3; i++) expect((await generate(t, `again ${i}`, `10.2.0.${i}`)).body.key_id).toBe('good');
    expect(t.fake.count(secretFor('bad'))).toBe(1);
    expect(keyOf(await keysHealth(t), 'bad')).toMatchObject({ state: 'disabled', reason: 'invalid', active: false });

    const probe = t.app.get(KeyProbeService);
    expect(await probe.probeDisabledKeys()).toEqual([]);
    t.fake.clearScript(secretFor('bad'));
    expect(await probe.probeDisabledKeys()).toEqual(['bad']);
    expect(keyOf(await keysHealth(t), 'bad').state).toBe('ok');
    await finish(t);
  });

  it('does not cool keys for a 503 from Gemini and answers 502 when every attempt fails', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'a', project: 'p1' },
        { id: 'b', project: 'p2' },
      ],
      { store, env: { ...ANON, GEMINI_TIMEOUT_MS: '5000' } },
    );
    t.fake.script(secretFor('a'), { status: 503 });
    t.fake.script(secretFor('b'), { status: 503 });
    const res = await generate(t);
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'Gemini failed to answer', details: { reason: 'server_error' } });
    const health = await keysHealth(t);
    expect(health.keys.map((k) => k.state)).toEqual(['ok', 'ok']);
    expect(health.keys.map((k) => k.in_cooldown)).toEqual([false, false]);
    // Five model-side failures in a row open the model's breaker: calls fail fast, Gemini is spared.
    await generate(t);
    await generate(t);
    const sent = t.fake.requests.length;
    const paused = await generate(t);
    expect(paused.status).toBe(503);
    expect(paused.body.error).toBe('Gemini model gemini-2.5-flash is failing; calls are paused');
    expect(paused.headers['retry-after']).toBe('30');
    expect(t.fake.requests.length).toBe(sent);
    await finish(t);
  });

  it('times out a key that does not answer, backs it off and rotates (the app clock is frozen, so the call deadline has room)', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'slow', project: 'p1', priority: 1 },
        { id: 'fast', project: 'p2', priority: 2 },
      ],
      { store, env: { ...ANON, GEMINI_TIMEOUT_MS: '1000' } },
    );
    t.fake.script(secretFor('slow'), 'hang');
    expect((await generate(t, 'are you there', '10.5.0.1')).body).toMatchObject({ key_id: 'fast', attempts: 2 });
    expect(keyOf(await keysHealth(t), 'slow')).toMatchObject({ state: 'cooling', last_error: 'timeout', in_cooldown: true });
    expect((await generate(t, 'again', '10.5.0.2')).body).toMatchObject({ key_id: 'fast', attempts: 1 });
    await finish(t);
  });

  it('answers 503 with reasons when every key is disabled', async () => {
    const t = await createGeminiTestApp(
      [
        { id: 'a', project: 'p1' },
        { id: 'b', project: 'p2' },
      ],
      { store, env: ANON },
    );
    t.fake.script(secretFor('a'), 'leaked');
    t.fake.script(secretFor('b'), 'suspended');
    expect((await generate(t)).status).toBe(503);
    const again = await generate(t);
    expect(again.status).toBe(503);
    expect(again.body.error).toBe('Every Gemini key is disabled');
    expect(again.body.details.keys).toEqual(expect.arrayContaining([expect.objectContaining({ keyId: 'a', reason: 'leaked' })]));
    // Readiness stays 200 (degraded): pulling every replica would take the non-AI endpoints down too.
    const ready = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.details.gemini_keys).toMatchObject({ status: 'degraded', configured: 2, usable_now: 0 });
    await finish(t);
  });
});

describe('key rotation: playground, admin and limits', () => {
  let t: GeminiTestApp;
  beforeAll(async () => {
    t = await createGeminiTestApp(
      [
        { id: 'k1', project: 'p1' },
        { id: 'k2', project: 'p2' },
      ],
      { store: 'memory', env: { ...ANON, PROMPT_MAX_CHARS: '50' } },
    );
  });
  afterAll(() => finish(t));

  it('streams text as server-sent events: meta, chunks, done', async () => {
    const res = await request(t.app.getHttpServer()).post('/api/ai/generate/stream').send({ prompt: 'stream please' }).buffer(true);
    responses.push(res.text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = res.text
      .trim()
      .split('\n\n')
      .map((block) => block.split('\n')[0].replace('event: ', ''));
    expect(events[0]).toBe('meta');
    expect(events.filter((e) => e === 'chunk').length).toBeGreaterThanOrEqual(2);
    expect(events[events.length - 1]).toBe('done');
    const text = res.text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)))
      .filter((d) => typeof d.text === 'string')
      .map((d) => d.text)
      .join('');
    expect(text).toBe('echo: stream please');
  });

  it('chats with real multi-turn history and counts tokens, through the same rotation', async () => {
    const { GeminiClientService } = await import('../src/gemini/gemini-client.service');
    const seen: Array<Array<{ role?: string }>> = [];
    t.fake.respondWith((req) => {
      seen.push(req.contents);
      return undefined;
    });
    const gemini = t.app.get(GeminiClientService);
    const history = [
      { role: 'user' as const, text: 'My strategy buys on RSI < 30.' },
      { role: 'model' as const, text: 'Noted: an RSI oversold entry.' },
    ];
    const reply = await gemini.chat({ userId: 'user:42' }, history, 'And the exit?', {
      system: 'Be brief.',
      settings: { temperature: 0.2 },
    });
    expect(reply).toMatchObject({ text: 'echo: And the exit?', attempts: 1 });
    expect(seen[0].map((c) => c.role)).toEqual(['user', 'model', 'user']);
    const counted = await gemini.countTokens({ userId: 'user:42' }, { contents: [{ role: 'user', text: 'twelve chars' }] });
    expect(counted.totalTokens).toBeGreaterThan(0);
    t.fake.respondWith(undefined);
  });

  it('rejects a prompt over PROMPT_MAX_CHARS and bad fields, naming them', async () => {
    const long = await generate(t, 'x'.repeat(51));
    expect(long.status).toBe(400);
    expect(long.body.details.prompt[0]).toMatch(/at most 50 characters/);
    const bad = await request(t.app.getHttpServer())
      .post('/api/ai/generate')
      .send({ prompt: '', temperature: 5, model: 'Bad Model!' })
      .expect(400);
    expect(Object.keys(bad.body.details).sort()).toEqual(['model', 'prompt', 'temperature']);
  });

  it('guards key administration with the admin token', async () => {
    await request(t.app.getHttpServer()).get('/api/keys/health').expect(401);
    await request(t.app.getHttpServer()).get('/api/keys/health').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('reports every seed field for each key and never a secret', async () => {
    await generate(t, 'warm up');
    const health = await keysHealth(t);
    for (const k of health.keys) {
      expect(Object.keys(k)).toEqual(
        expect.arrayContaining([
          'key_id',
          'model',
          'active',
          'last_used',
          'success_count',
          'error_count',
          'in_cooldown',
          'cooldown_until',
          'state',
          'project',
          'rpm',
          'tpm',
          'rpd',
          'pinned_users',
        ]),
      );
    }
    expect(health.keys.reduce((n, k) => n + k.success_count, 0)).toBeGreaterThanOrEqual(1);
  });

  it('disables and enables a key by hand; a probe leaves a manual disable alone', async () => {
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    await request(t.app.getHttpServer()).post('/api/keys/k1/disable').set(auth).send({ reason: 'rotating' }).expect(200);
    expect(keyOf(await keysHealth(t), 'k1')).toMatchObject({ state: 'disabled', reason: 'manual' });
    expect(await t.app.get(KeyProbeService).probeDisabledKeys()).toEqual([]);
    for (let i = 0; i < 3; i++) expect((await generate(t, 'm', `10.3.0.${i}`)).body.key_id).toBe('k2');
    await request(t.app.getHttpServer()).post('/api/keys/k1/enable').set(auth).send({}).expect(200);
    expect(keyOf(await keysHealth(t), 'k1').state).toBe('ok');
    await request(t.app.getHttpServer()).post('/api/keys/nope/enable').set(auth).send({}).expect(404);
  });

  it('reloads keys on demand', async () => {
    const res = await request(t.app.getHttpServer()).post('/api/keys/reload').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(res.body).toMatchObject({ keys: 2, usable: 2 });
  });

  it('exports Prometheus metrics labelled by key id', async () => {
    const res = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    responses.push(res.text);
    expect(res.text).toMatch(/gemini_requests_total\{key_id="k\d",model="gemini-2.5-flash",outcome="ok"\} \d+/);
    expect(res.text).toMatch(/gemini_key_state\{key_id="k1",state="ok"\} 1/);
    expect(res.text).toMatch(/gemini_keys_available\{model="gemini-2.5-flash"\} 2/);
    expect(res.text).toContain('gemini_reservation_seconds_bucket');
    expect(res.text).toMatch(/gemini_upstream_seconds_count\{model="gemini-2.5-flash"\} [1-9]/);
  });
});

describe('key rotation without keys', () => {
  it('boots, stays ready (AI disabled), and answers AI calls with 503 and what to set', async () => {
    const { createTestApp } = await import('./support/app');
    const t = await createTestApp(ANON);
    const ready = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.details.gemini_keys).toMatchObject({ status: 'up', configured: 0 });
    const res = await request(t.app.getHttpServer()).post('/api/ai/generate').send({ prompt: 'hi' }).expect(503);
    expect(res.body.error).toBe('No Gemini keys are configured');
    expect(res.body.details).toMatch(/GEMINI_API_KEY/);
    await t.close();
  });
});

describe('single-key mode (ENABLE_KEY_ROTATION=false)', () => {
  it('serves through the same client path with GEMINI_API_KEY as key "default", ignoring other keys', async () => {
    const { FakeGemini } = await import('./fakes/fake-gemini');
    const { createTestApp } = await import('./support/app');
    const fake = new FakeGemini();
    fake.addKey({ key: secretFor('default'), id: 'default', project: 'p' });
    await fake.start();
    const t = await createTestApp({
      ...ANON,
      ENABLE_KEY_ROTATION: 'false',
      GEMINI_API_KEY: secretFor('default'),
      GEMINI_KEY_other: secretFor('other'),
      GEMINI_BASE_URL: fake.url,
    });
    const res = await request(t.app.getHttpServer()).post('/api/ai/generate').send({ prompt: 'one key' }).expect(200);
    expect(res.body).toMatchObject({ key_id: 'default', attempts: 1 });
    allLogs.push(t.logs.text);
    allSecrets.add(secretFor('default'));
    await t.close();
    await fake.stop();
  });
});

describe('two replicas on one Redis', () => {
  it('never together exceed a key’s RPM', async () => {
    const { FakeGemini } = await import('./fakes/fake-gemini');
    const { FakeClock } = await import('../src/common/clock');
    const { freshRedisPrefix } = await import('./support/services');
    const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
    const fake = new FakeGemini({ now: () => clock.now() });
    fake.addKey({ key: secretFor('only'), id: 'only', project: 'p' });
    await fake.start();
    const redis = await freshRedisPrefix();
    const keys = [{ id: 'only', project: 'p', rpm: 5 }];
    const one = await createGeminiTestApp(keys, { store: 'redis', clock, fake, redisPrefix: redis.prefix, env: ANON });
    const two = await createGeminiTestApp(keys, { store: 'redis', clock, fake, redisPrefix: redis.prefix, env: ANON });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => generate(i % 2 ? one : two, `r${i}`, `10.4.0.${i}`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
    expect(fake.stats()[secretFor('only')]).toMatchObject({ requests: 5, rateLimited: 0 });
    await finish(one);
    await finish(two);
    await fake.stop();
    await redis.cleanup();
  });
});

afterAll(() => {
  // The whole run's logs and answers never contain a configured secret.
  expect(allSecrets.size).toBeGreaterThan(0);
  const haystack = allLogs.join('\n') + responses.join('\n');
  for (const secret of allSecrets) expect(haystack.includes(secret)).toBe(false);
});
