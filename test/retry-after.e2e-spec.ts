import request from 'supertest';
import { createGeminiTestApp, GeminiTestApp } from './support/gemini-app';

/**
 * A Retry-After a client can trust: callers told to come back are handed different, real future slots in
 * the order they asked, and a slot is kept for its caller when it frees (a stranger arriving then is told
 * to wait). Through HTTP, each client its own address (anonymous users), on both state stores.
 */
function generate(t: GeminiTestApp, ip: string) {
  return request(t.app.getHttpServer())
    .post('/api/ai/generate')
    .set('X-Forwarded-For', ip)
    .send({ prompt: `hello from ${ip}` });
}

// Callers are anonymous addresses (demo mode), so each X-Forwarded-For is its own caller.
const HOLD = { RETRY_SLOT_HOLD_MS: '2000', ALLOW_ANONYMOUS: 'true' };

// Each test boots the whole app (PGlite, migrations): slow on a busy machine.
jest.setTimeout(180_000);

describe.each(['memory', 'redis'] as const)('Retry-After from held slots (%s store)', (store) => {
  let t: GeminiTestApp;
  afterEach(async () => t.shutdown());

  it('tells each refused caller its own slot, keeps it for them, and they get in exactly then', async () => {
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1', rpm: 2 }], { store, env: HOLD });
    expect((await generate(t, '10.0.0.1')).status).toBe(200);
    t.clock.advance(10_000);
    expect((await generate(t, '10.0.0.2')).status).toBe(200);

    const c = await generate(t, '10.0.0.3');
    const d = await generate(t, '10.0.0.4');
    // The window is 61 s: the first entry leaves 51 s from now, the second 61 s from now.
    expect([c.status, d.status]).toEqual([429, 429]);
    expect([c.headers['retry-after'], d.headers['retry-after']]).toEqual(['51', '61']);
    expect([c.body.retry_after, d.body.retry_after]).toEqual([51, 61]);

    t.clock.advance(51_000);
    const stranger = await generate(t, '10.0.0.9');
    expect(stranger.status).toBe(429);
    expect((await generate(t, '10.0.0.3')).status).toBe(200);

    t.clock.advance(10_000);
    expect((await generate(t, '10.0.0.4')).status).toBe(200);
    expect(Object.values(t.fake.stats()).reduce((n, s) => n + s.rateLimited, 0)).toBe(0);
  });
});

describe('Retry-After from held slots: holds and the switch (memory store)', () => {
  const store = 'memory';
  let t: GeminiTestApp;
  afterEach(async () => t.shutdown());

  it('with RETRY_SLOT_HOLD_MS=0 (the default) tells everyone the earliest window edge, as before', async () => {
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1', rpm: 2 }], {
      store,
      env: { RETRY_SLOT_HOLD_MS: '0', ALLOW_ANONYMOUS: 'true' },
    });
    await generate(t, '10.0.0.1');
    t.clock.advance(10_000);
    await generate(t, '10.0.0.2');
    const [c, d] = [await generate(t, '10.0.0.3'), await generate(t, '10.0.0.4')];
    expect([c.headers['retry-after'], d.headers['retry-after']]).toEqual(['51', '51']);
  });

  it('gives an unclaimed slot to others once its hold has passed; a caller back early gives theirs up', async () => {
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1', rpm: 1 }], { store, env: HOLD });
    await generate(t, '10.0.0.1');
    expect((await generate(t, '10.0.0.2')).headers['retry-after']).toBe('61');
    t.clock.advance(61_000);
    // 10.0.0.2's slot: a stranger is refused (and handed the next slot, a minute on).
    expect((await generate(t, '10.0.0.3')).status).toBe(429);
    t.clock.advance(2_000);
    // 10.0.0.2 never came back: its slot is free again, and 10.0.0.3, back early, is served now.
    expect((await generate(t, '10.0.0.3')).status).toBe(200);
  });
});
