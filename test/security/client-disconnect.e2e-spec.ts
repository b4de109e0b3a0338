import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { FakeClock } from '../../src/common/clock';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp, secretFor } from '../support/gemini-app';

jest.setTimeout(120_000);

class WallClock extends FakeClock {
  override now(): number {
    return Date.now();
  }

  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  }
}

/** Polls `check` (up to ~10 s) — for an effect that happens asynchronously after the client left. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

describe('a client that goes away stops its Gemini call', () => {
  let t: GeminiTestApp;
  let user: Registered;
  let base: string;
  beforeAll(async () => {
    t = await createGeminiTestApp([{ id: 'only', project: 'p1', rpm: 100 }], {
      store: 'memory',
      clock: new WallClock(),
      // Long deadlines: without the disconnect the upstream call would stay open for a minute.
      env: { JWT_SECRET, GEMINI_TIMEOUT_MS: '60000', GEMINI_ATTEMPT_TIMEOUT_MS: '60000', AI_USER_RPM: '20', AI_USER_RPD: '0' },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    user = await register(t.app, 'leaver');
  });
  afterAll(() => t.shutdown());
  afterEach(() => t.fake.clearScript());

  async function callAndLeave(path: string, body: unknown = { prompt: 'take your time' }, accept = 'application/json'): Promise<void> {
    const before = t.fake.requests.length;
    const controller = new AbortController();
    const pending = fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: accept, ...bearer(user.access) },
      body: JSON.stringify(body),
      signal: controller.signal,
    }).then(
      (res) => `answered ${res.status}`,
      (e: Error) => e.name,
    );
    expect(await eventually(() => t.fake.requests.length > before)).toBe(true);
    controller.abort();
    // A stream may have sent its headers (200) before the upstream call; aborting then cuts the body.
    expect(accept === 'text/event-stream' ? ['AbortError', 'answered 200'] : ['AbortError']).toContain(await pending);
    const upstream = t.fake.requests[before];
    expect(await eventually(() => upstream.abandoned === true)).toBe(true);
  }

  it.each(['/api/ai/generate', '/api/ai/generate/stream'])('%s: the disconnect cuts the upstream request at once', async (path) => {
    t.fake.script(secretFor('only'), 'hang');
    await callAndLeave(path);
  });

  const STRATEGY = 'Buy when the 20-day SMA crosses above the 50-day SMA; sell when it crosses back below.';
  it.each([
    ['/api/strategies/chat/chat/', { message: 'what is an SMA crossover?' }, 'application/json'],
    ['/api/strategies/chat/chat/', { message: 'stream it please' }, 'text/event-stream'],
    ['/api/auth/chat/', { message: 'hello there' }, 'application/json'],
    ['/api/strategies/api/validate_strategy_with_ai/', { strategy_text: STRATEGY }, 'application/json'],
    ['/api/strategies/api/create_strategy_with_ai/', { strategy_text: STRATEGY }, 'application/json'],
    ['/api/strategies/strategies/generate_with_ai/', { description: STRATEGY }, 'application/json'],
    ['/api/strategies/strategies/generate_with_ai/', { description: STRATEGY }, 'text/event-stream'],
    ['/api/strategies/api/generate_code/', { strategy_description: STRATEGY }, 'application/json'],
  ])('%s (%j, %s): the disconnect cuts the upstream request at once', async (path, body, accept) => {
    t.fake.script(secretFor('only'), 'hang');
    await callAndLeave(path, body, accept);
  });

  it('an abandoned create_strategy_with_ai or generate_with_ai saved nothing', async () => {
    const list = await request(t.app.getHttpServer()).get('/api/strategies/strategies/').set(bearer(user.access)).expect(200);
    expect(list.body.count).toBe(0);
  });

  it('an abandoned call is not held against the key or the model: the next call is served by the same key', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/ai/generate')
      .set(bearer(user.access))
      .send({ prompt: 'still fine?' })
      .expect(200);
    expect(res.body).toMatchObject({ key_id: 'only', attempts: 1 });
    expect(t.logs.text).not.toMatch(/Unhandled error/);
  });
});
