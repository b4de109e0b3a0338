/**
 * Issue 14 items 1, 2 (Idempotency-Key), 3 and 6 over HTTP: what a browser frontend written against the
 * Django API sees — CORS, DRF/simplejwt error shapes and headers, 405 with Allow, the API index and router
 * roots, and creating POSTs made safe to retry — on real PostgreSQL and Redis, with two replicas sharing them.
 */
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp } from '../support/gemini-app';
import { freshPostgresSchema, freshRedisPrefix } from '../support/services';

jest.setTimeout(60_000);

const PAGE = 'http://localhost:5173';
const STRATEGY = {
  name: 'Idempotent SMA',
  strategy_code: 'module.exports = { onBar(bar, ctx) {} };',
  description: 'retried by a client library',
};

/** An HS256 JWT signed with the test secret but already expired (simplejwt's `token_not_valid`). */
function expiredAccess(userId: number, nowMs: number): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(nowMs / 1000);
  const head = enc({ alg: 'HS256', typ: 'JWT' });
  const body = enc({ token_type: 'access', exp: now - 60, iat: now - 3660, jti: 'expired-jti', user_id: userId, iss: 'algoagent-api' });
  const sig = createHmac('sha256', JWT_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

describe('Frontend compatibility (PostgreSQL + Redis, two replicas)', () => {
  let a: GeminiTestApp;
  let b: GeminiTestApp;
  let alice: Registered;
  let bob: Registered;
  let drop: () => Promise<void>;
  let dropRedis: () => Promise<void>;

  beforeAll(async () => {
    const pg = await freshPostgresSchema();
    const redis = await freshRedisPrefix();
    drop = pg.drop;
    dropRedis = redis.cleanup;
    const env = { DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema, JWT_SECRET, REDIS_URL: redis.url };
    a = await createGeminiTestApp([{ id: 'k1', project: 'p1' }], { store: 'redis', redisPrefix: redis.prefix, env });
    b = await createGeminiTestApp([{ id: 'k1', project: 'p1' }], { store: 'redis', redisPrefix: redis.prefix, env });
    alice = await register(a.app, 'alice');
    bob = await register(a.app, 'bob');
  });
  afterAll(async () => {
    await a?.shutdown();
    await b?.shutdown();
    await dropRedis?.();
    await drop?.();
  });

  const http = () => request(a.app.getHttpServer());

  describe('CORS', () => {
    it('answers the preflight of an allowed origin with 204, credentials, the headers the frontend sends, and max-age', async () => {
      const res = await http()
        .options('/api/strategies/strategies/')
        .set('Origin', PAGE)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key,last-event-id,x-request-id');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(PAGE);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-headers'].split(',')).toEqual(
        expect.arrayContaining(['Authorization', 'Content-Type', 'Last-Event-ID', 'Idempotency-Key', 'X-Request-Id']),
      );
      expect(res.headers['access-control-allow-methods']).toContain('PATCH');
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(res.headers.vary).toMatch(/Origin/);
    });

    it('exposes Retry-After and X-Request-Id on real responses to an allowed origin', async () => {
      const res = await http().get('/api/').set('Origin', 'http://127.0.0.1:3000').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
      expect(res.headers['access-control-expose-headers']).toMatch(/Retry-After/);
      expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
    });

    it('gives an origin that is not on the list no CORS headers at all (the browser blocks it)', async () => {
      const pre = await http()
        .options('/api/strategies/strategies/')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const res = await http().get('/api/').set('Origin', 'https://evil.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('DRF and simplejwt error shapes', () => {
    it('missing credentials: 401 {detail} with WWW-Authenticate', async () => {
      const res = await http().get('/api/strategies/strategies/').expect(401);
      expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('an expired or forged access token: simplejwt token_not_valid with messages', async () => {
      for (const token of [expiredAccess(alice.id, a.clock.now()), `${alice.access.slice(0, -4)}AAAA`]) {
        const res = await http().get('/api/auth/user/me/').set(bearer(token)).expect(401);
        expect(res.body).toEqual({
          detail: 'Given token not valid for any token type',
          code: 'token_not_valid',
          messages: [{ token_class: 'AccessToken', token_type: 'access', message: expect.any(String) }],
        });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      }
    });

    it('a bad refresh token: {detail, code: token_not_valid}', async () => {
      const res = await http().post('/api/auth/token/refresh/').send({ refresh: 'not-a-token' }).expect(401);
      expect(res.body).toEqual({ detail: 'Token is invalid or expired', code: 'token_not_valid' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('a wrong method on an existing route: 405 {detail} with Allow', async () => {
      const res = await http().delete('/api/auth/login/').expect(405);
      expect(res.body).toEqual({ detail: 'Method "DELETE" not allowed.' });
      expect(res.headers.allow.split(', ')).toEqual(expect.arrayContaining(['POST', 'OPTIONS']));
      const list = await http().put('/api/strategies/strategies/').set(bearer(alice.access)).expect(405);
      expect(list.headers.allow).toMatch(/GET/);
      expect(list.headers.allow).toMatch(/POST/);
    });

    it('an unknown path stays a 404', async () => {
      const res = await http().get('/api/no-such-thing/').expect(404);
      expect(res.headers.allow).toBeUndefined();
    });

    it('generic viewset create: field errors {field: [messages]} at the top level', async () => {
      const res = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .send({ description: 'no name, no code' })
        .expect(400);
      expect(Object.keys(res.body).sort()).toEqual(['name', 'strategy_code']);
      expect(res.body.name).toEqual(expect.arrayContaining([expect.any(String)]));
      const reg = await http()
        .post('/api/auth/register/')
        .send({ username: 'carol', email: 'c@example.com', password: 'x', password2: 'y' })
        .expect(400);
      expect(reg.body.error).toBeUndefined();
      expect(Array.isArray(Object.values(reg.body)[0])).toBe(true);
    });

    it("a missing object, or another user's, on a generic route: 404 {detail: 'Not found.'}", async () => {
      const mine = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .send({ ...STRATEGY, name: 'Private one' })
        .expect(201);
      const missing = await http().get('/api/strategies/strategies/999999/').set(bearer(alice.access)).expect(404);
      expect(missing.body).toEqual({ detail: 'Not found.' });
      const theirs = await http().get(`/api/strategies/strategies/${mine.body.id}/`).set(bearer(bob.access)).expect(404);
      expect(theirs.body).toEqual({ detail: 'Not found.' });
    });

    it("hand-built views keep Django's {error, details}", async () => {
      const res = await http().post('/api/auth/login/').send({ username: 'alice', password: 'wrong-password' }).expect(401);
      expect(res.body.error).toBe('Invalid credentials');
    });
  });

  describe('GET /api/ and the router roots', () => {
    it("answers Django's index", async () => {
      const res = await http().get('/api/').expect(200);
      expect(res.body).toMatchObject({
        message: 'AlgoAgent API',
        version: '1.0.0',
        endpoints: { auth: '/api/auth/', strategies: '/api/strategies/' },
        authentication: { login: '/api/auth/login/', token_refresh: '/api/auth/token/refresh/' },
        ai_chat: { chat: '/api/auth/chat/' },
        health_checks: { strategy_api: '/api/strategies/api/health/' },
      });
      expect(Number.isNaN(Date.parse(res.body.timestamp))).toBe(false);
    });

    it('lists each viewset with its absolute URL, as DRF routers did', async () => {
      const auth = await http().get('/api/auth/').set('Host', 'api.example:8000').expect(200);
      expect(auth.body).toEqual({
        profiles: 'http://api.example:8000/api/auth/profiles/',
        'ai-contexts': 'http://api.example:8000/api/auth/ai-contexts/',
        'chat-sessions': 'http://api.example:8000/api/auth/chat-sessions/',
      });
      const strategies = await http().get('/api/strategies/').expect(200);
      expect(Object.keys(strategies.body)).toEqual([
        'templates',
        'strategies',
        'validations',
        'performance',
        'comments',
        'tags',
        'chat',
        'bot-performance',
        'backtest-results',
      ]);
      for (const url of Object.values<string>(strategies.body)) {
        const path = new URL(url).pathname;
        const res = await http().get(path).set(bearer(alice.access));
        expect([path, res.status]).toEqual([path, 200]);
      }
    });
  });

  describe('Idempotency-Key', () => {
    const count = async (token: string, name: string) => {
      const res = await http().get('/api/strategies/strategies/').query({ search: name }).set(bearer(token)).expect(200);
      return res.body.results.filter((s: { name: string }) => s.name === name).length;
    };

    it('a retried POST with the same key creates one strategy and answers the first result, on either replica', async () => {
      const key = 'retry-1-2f6c1d0e';
      const first = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', key)
        .send(STRATEGY)
        .expect(201);
      const again = await request(b.app.getHttpServer())
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', key)
        .send(STRATEGY)
        .expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await count(alice.access, STRATEGY.name)).toBe(1);
    });

    it('concurrent retries while the first is still running create one strategy', async () => {
      const body = { ...STRATEGY, name: 'Concurrent SMA' };
      const sends = Array.from({ length: 6 }, (_, i) =>
        request((i % 2 ? b : a).app.getHttpServer())
          .post('/api/strategies/strategies/')
          .set(bearer(alice.access))
          .set('Idempotency-Key', 'burst-7')
          .send(body),
      );
      const results = await Promise.all(sends);
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await count(alice.access, body.name)).toBe(1);
    });

    it('the same key from another user is a different request', async () => {
      const body = { ...STRATEGY, name: 'Shared key SMA' };
      const one = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', 'same-key')
        .send(body)
        .expect(201);
      const two = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(bob.access))
        .set('Idempotency-Key', 'same-key')
        .send({ ...body, name: 'Shared key SMA (bob)' })
        .expect(201);
      expect(two.body.id).not.toBe(one.body.id);
      expect(two.headers['idempotent-replayed']).toBeUndefined();
    });

    it('a key reused with another body is refused with 422; a malformed key with 400 naming the header', async () => {
      await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', 'reuse-1')
        .send({ ...STRATEGY, name: 'Reuse A' })
        .expect(201);
      const other = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', 'reuse-1')
        .send({ ...STRATEGY, name: 'Reuse B' })
        .expect(422);
      expect(other.body.error).toMatch(/different request body/);
      expect(await count(alice.access, 'Reuse B')).toBe(0);
      const bad = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', 'has spaces in it')
        .send(STRATEGY)
        .expect(400);
      expect(bad.body['Idempotency-Key']).toEqual([expect.stringMatching(/printable/)]);
    });

    it('a first request that failed leaves the key free for a corrected retry', async () => {
      await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', 'fix-then-retry')
        .send({ name: 'Half' })
        .expect(400);
      const fixed = await http()
        .post('/api/strategies/strategies/')
        .set(bearer(alice.access))
        .set('Idempotency-Key', 'fix-then-retry')
        .send({ ...STRATEGY, name: 'Half' })
        .expect(201);
      expect(fixed.headers['idempotent-replayed']).toBeUndefined();
      expect(await count(alice.access, 'Half')).toBe(1);
    });
  });
});
