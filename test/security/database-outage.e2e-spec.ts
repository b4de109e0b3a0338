import request from 'supertest';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { TcpProxy } from '../fakes/tcp-proxy';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp } from '../support/gemini-app';
import { freshPostgresSchema, POSTGRES_URL } from '../support/services';

describe('PostgreSQL goes away while the app runs', () => {
  const target = new URL(POSTGRES_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  let t: GeminiTestApp;
  let drop: () => Promise<void>;
  let alice: Registered;

  beforeAll(async () => {
    await proxy.up();
    const pg = await freshPostgresSchema();
    drop = pg.drop;
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1' }], {
      store: 'memory',
      env: { JWT_SECRET, DATABASE_URL: url.toString(), DATABASE_SCHEMA: pg.schema, DATABASE_POOL_SIZE: '2', AUTH_LOGIN_MAX_ATTEMPTS: '3' },
    });
    alice = await register(t.app, 'alice');
    await request(t.app.getHttpServer())
      .post('/api/strategies/strategies/')
      .set(bearer(alice.access))
      .send({ name: 'kept', strategy_code: SMA_CROSS_BOT })
      .expect(201);
  });
  afterAll(async () => {
    await t.shutdown();
    await proxy.up().catch(() => undefined);
    await drop();
    await proxy.down();
  });

  it('answers 503 with Retry-After and {error, details} on DB-backed routes, never a 500, and logs no query parameters', async () => {
    await proxy.down();
    const http = () => request(t.app.getHttpServer());
    const calls: Array<[string, () => request.Test]> = [
      ['list strategies', () => http().get('/api/strategies/strategies/').set(bearer(alice.access))],
      ['me', () => http().get('/api/auth/user/me/').set(bearer(alice.access))],
      ['login', () => http().post('/api/auth/login/').send({ username: 'alice', password: alice.password })],
      [
        'register',
        () =>
          http()
            .post('/api/auth/register/')
            .send({ username: 'newbie', email: 'n@example.com', password: alice.password, password2: alice.password }),
      ],
      ['create tag', () => http().post('/api/strategies/tags/').set(bearer(alice.access)).send({ name: 'secret-tag-content' })],
      ['chat sessions', () => http().get('/api/auth/chat-sessions/').set(bearer(alice.access))],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: 503 });
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body).toEqual({ error: 'Database unavailable', details: expect.any(String), retry_after: expect.any(Number) });
    }
    // Logins that failed because the database was down are not failed password checks: none of them counts.
    for (let i = 0; i < 6; i++) await http().post('/api/auth/login/').send({ username: 'alice', password: alice.password }).expect(503);
    expect(t.logs.text).not.toMatch(/Unhandled error/);
    expect(t.logs.text).not.toContain('secret-tag-content');
    expect(t.logs.text).not.toMatch(/params:/);
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
  });

  it('serves again once the database is back, with nothing half-written', async () => {
    await proxy.up();
    const http = () => request(t.app.getHttpServer());
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++)
      status = (await http().get('/api/strategies/strategies/').set(bearer(alice.access))).status;
    expect(status).toBe(200);
    const list = await http().get('/api/strategies/strategies/').set(bearer(alice.access)).expect(200);
    expect(list.body.results.map((s: { name: string }) => s.name)).toEqual(['kept']);
    // The right password works at once after the outage (no lock-out from the 503s above).
    await http().post('/api/auth/login/').send({ username: 'alice', password: alice.password }).expect(200);
    const tags = await http().get('/api/strategies/tags/').set(bearer(alice.access)).expect(200);
    expect(tags.body.results).toEqual([]);
  });
});
