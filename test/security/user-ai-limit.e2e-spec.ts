import request from 'supertest';
import { FakeClock } from '../../src/common/clock';
import { FakeGemini } from '../fakes/fake-gemini';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp, secretFor, TestKey } from '../support/gemini-app';
import { freshPostgresSchema, freshRedisPrefix } from '../support/services';

const KEYS: TestKey[] = [
  { id: 'a', project: 'pa', rpm: 100 },
  { id: 'b', project: 'pb', rpm: 100 },
];

describe('per-user Gemini limits (AI_USER_RPM / AI_USER_RPD) on two replicas sharing Redis and PostgreSQL', () => {
  const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
  const fake = new FakeGemini({ now: () => clock.now() });
  let one: GeminiTestApp;
  let two: GeminiTestApp;
  let cleanup: () => Promise<void>;
  let alice: Registered;
  let bob: Registered;

  beforeAll(async () => {
    for (const k of KEYS) fake.addKey({ key: secretFor(k.id), id: k.id, project: k.project, rpm: 100 });
    await fake.start();
    const pg = await freshPostgresSchema();
    const redis = await freshRedisPrefix();
    const env = { JWT_SECRET, DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema, AI_USER_RPM: '3', AI_USER_RPD: '5' };
    one = await createGeminiTestApp(KEYS, { store: 'redis', clock, fake, redisPrefix: redis.prefix, env });
    two = await createGeminiTestApp(KEYS, { store: 'redis', clock, fake, redisPrefix: redis.prefix, env });
    alice = await register(one.app, 'alice');
    bob = await register(two.app, 'bob');
    cleanup = async () => {
      await redis.cleanup();
      await pg.drop();
    };
  });
  afterAll(async () => {
    await one.shutdown();
    await two.shutdown();
    await fake.stop();
    await cleanup();
  });

  const generate = (t: GeminiTestApp, user: Registered) =>
    request(t.app.getHttpServer()).post('/api/ai/generate').set(bearer(user.access)).send({ prompt: 'hello' });
  const upstream = () => Object.values(fake.stats()).reduce((n, k) => n + k.requests, 0);

  it('lets a user make AI_USER_RPM calls a minute across both replicas, then answers 429 saying it is their own limit', async () => {
    const parallel = await Promise.all(Array.from({ length: 8 }, (_, i) => generate(i % 2 ? one : two, alice)));
    expect(parallel.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = parallel.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(r.body).toMatchObject({
        error: 'You have reached your own limit of AI requests',
        details: { scope: 'user', limit: 'requests_per_minute', max: 3 },
      });
    }
    expect(upstream()).toBe(3);
  });

  it('does not let one user starve another: bob still gets through while alice is limited', async () => {
    await generate(one, alice).expect(429);
    const res = await generate(one, bob).expect(200);
    expect(res.body.text).toEqual(expect.any(String));
  });

  it('also limits per day: after the minute passes alice has 2 of her 5 daily calls left', async () => {
    clock.advance(61_000);
    await generate(two, alice).expect(200);
    await generate(one, alice).expect(200);
    const res = await generate(two, alice).expect(429);
    expect(res.body.details).toMatchObject({ scope: 'user', limit: 'requests_per_day', max: 5 });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(60);
  });
});

describe('per-user limits for anonymous callers in demo mode (ALLOW_ANONYMOUS=true)', () => {
  let t: GeminiTestApp;
  beforeAll(async () => {
    t = await createGeminiTestApp(KEYS, { store: 'memory', env: { ALLOW_ANONYMOUS: 'true', AI_USER_RPM: '2', AI_USER_RPD: '0' } });
  });
  afterAll(() => t.shutdown());

  it('limits each client address on its own, so one anonymous caller cannot use up the keys', async () => {
    const from = (ip: string) => request(t.app.getHttpServer()).post('/api/ai/generate').set('X-Forwarded-For', ip).send({ prompt: 'hi' });
    await from('203.0.113.1').expect(200);
    await from('203.0.113.1').expect(200);
    const refused = await from('203.0.113.1').expect(429);
    expect(refused.body.details.scope).toBe('user');
    await from('203.0.113.2').expect(200);
  });
});
