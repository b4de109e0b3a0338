import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { FakeClock } from '../../src/common/clock';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp, secretFor } from '../support/gemini-app';

jest.setTimeout(120_000);

/** Deadlines are the point here, so the app runs on real time. */
class WallClock extends FakeClock {
  override now(): number {
    return Date.now();
  }

  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  }
}

const ENV = {
  JWT_SECRET,
  GEMINI_TIMEOUT_MS: '4000',
  GEMINI_ATTEMPT_TIMEOUT_MS: '1000',
  COOLDOWN_BASE_MS: '100',
  COOLDOWN_CAP_MS: '100',
  AI_USER_RPM: '0',
  AI_USER_RPD: '0',
};

describe('a Gemini that never answers', () => {
  let t: GeminiTestApp;
  let user: Registered;
  beforeAll(async () => {
    t = await createGeminiTestApp(
      [
        { id: 'slow', project: 'p1', priority: 1 },
        { id: 'fast', project: 'p2', priority: 2 },
      ],
      { store: 'memory', clock: new WallClock(), env: ENV },
    );
    user = await register(t.app, 'patient');
  });
  afterAll(() => t.shutdown());
  afterEach(() => t.fake.clearScript());

  const generate = () => request(t.app.getHttpServer()).post('/api/ai/generate').set(bearer(user.access)).send({ prompt: 'anyone there?' });

  it('gives up on a hanging key after the per-attempt timeout and answers from another key within the call deadline', async () => {
    t.fake.script(secretFor('slow'), 'hang');
    const res = await generate().expect(200);
    expect(res.body).toMatchObject({ key_id: 'fast', attempts: 2 });
  });

  it('answers 504 with Retry-After when no key answers at all', async () => {
    await sleep(150); // let the cooldown from the test above pass
    t.fake.script(secretFor('slow'), 'hang');
    t.fake.script(secretFor('fast'), 'hang');
    const res = await generate();
    expect(res.status).toBe(504);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ error: expect.stringMatching(/did not answer/), retry_after: expect.any(Number) });
  });

  it('counts timeouts toward the model’s circuit breaker, which then answers 503 + Retry-After at once', async () => {
    t.fake.script(secretFor('slow'), 'hang');
    t.fake.script(secretFor('fast'), 'hang');
    const statuses: number[] = [];
    let paused: request.Response | null = null;
    for (let i = 0; i < 6 && !paused; i++) {
      await sleep(150);
      const res = await generate();
      statuses.push(res.status);
      if (res.status === 503) paused = res;
    }
    expect(paused).not.toBeNull();
    expect(paused!.body.error).toMatch(/is failing; calls are paused/);
    expect(Number(paused!.headers['retry-after'])).toBeGreaterThan(0);
    expect(statuses.slice(0, -1).every((s) => s === 504 || s === 429)).toBe(true);
  });
});
