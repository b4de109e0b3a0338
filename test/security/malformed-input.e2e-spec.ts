import request from 'supertest';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer, JWT_SECRET, register, Registered } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp } from '../support/gemini-app';
import { freshPostgresSchema } from '../support/services';
import { MalformedRequest, MalformedRequestGenerator, OpenApiDoc } from './malformed-requests';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const PER_OPERATION = 10;

/** The reported repro cases, sent as they were reported. */
const REPORTED: Array<{ method: 'get' | 'post' | 'patch'; url: string; body?: string }> = [
  { method: 'post', url: '/api/auth/login/', body: '{"username":' + '['.repeat(10_000) + ']'.repeat(10_000) + ',"password":"x"}' },
  { method: 'post', url: '/api/auth/login/', body: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) },
  { method: 'post', url: '/api/auth/register/', body: '{"username":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}' },
  { method: 'post', url: '/api/strategies/tags/', body: '{"name":"a\\u0000b"}' },
  { method: 'get', url: '/api/strategies/strategies/?search=%00' },
  { method: 'get', url: '/api/strategies/chat/%00/messages/' },
  { method: 'get', url: '/api/ai-developer/runs/%00' },
  {
    method: 'post',
    url: '/api/auth/register/',
    body: '{"username":"nul","email":"n@example.com","password":"Tr4ding-Ideas!2026","password2":"Tr4ding-Ideas!2026","first_name":"a\\u0000"}',
  },
  { method: 'patch', url: '/api/strategies/comments/1/', body: '{"content":null}' },
  { method: 'get', url: '/api/auth/ai-contexts/2147483648/' },
  { method: 'get', url: '/api/auth/chat-sessions/99999999999999999999/' },
];

async function send(t: GeminiTestApp, r: Pick<MalformedRequest, 'method' | 'url' | 'body'>, token?: string): Promise<number> {
  let req = request(t.app.getHttpServer())[r.method](r.url).timeout({ response: 15_000 });
  if (token) req = req.set(bearer(token));
  if (r.body) req = req.set('Content-Type', r.body.contentType).send(r.body.text);
  try {
    return (await req).status;
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status) return status;
    throw new Error(`${r.method.toUpperCase()} ${r.url.slice(0, 120)}: ${(e as Error).message}`);
  }
}

describe(`malformed requests on every documented operation (seed ${SEED}, PostgreSQL)`, () => {
  let t: GeminiTestApp;
  let drop: () => Promise<void>;
  let alice: Registered;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    const pg = await freshPostgresSchema();
    drop = pg.drop;
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1', rpm: 1000 }], {
      store: 'memory',
      env: {
        JWT_SECRET,
        DATABASE_URL: pg.url,
        DATABASE_SCHEMA: pg.schema,
        BOT_WARM_PROCESSES: '0',
        LOG_LEVEL: 'error',
        AI_USER_RPM: '0',
        AI_USER_RPD: '0',
      },
    });
    alice = await register(t.app, 'alice');
    const http = () => request(t.app.getHttpServer());
    const strategy = await http()
      .post('/api/strategies/strategies/')
      .set(bearer(alice.access))
      .send({ name: 'fuzz target', strategy_code: SMA_CROSS_BOT })
      .expect(201);
    await http()
      .post('/api/strategies/comments/')
      .set(bearer(alice.access))
      .send({ strategy: strategy.body.id, content: 'first' })
      .expect(201);
    await http().post('/api/strategies/tags/').set(bearer(alice.access)).send({ name: 'fuzz' }).expect(201);
    doc = (await http().get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await t.shutdown();
    await drop();
  });

  it('answers the reported cases with a 4xx', async () => {
    const statuses: string[] = [];
    for (const r of REPORTED) {
      const status = await send(t, { ...r, body: r.body ? { text: r.body, contentType: 'application/json' } : undefined }, alice.access);
      statuses.push(`${r.method.toUpperCase()} ${r.url.slice(0, 60)} → ${status}`);
    }
    expect(statuses.filter((s) => !/→ 4\d\d$/.test(s))).toEqual([]);
  });

  it('never answers 5xx to 1,000+ generated malformed requests, signed in or not', async () => {
    const cases = new MalformedRequestGenerator(doc, SEED).generate(PER_OPERATION);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const status = await send(t, c, i % 5 === 4 ? undefined : alice.access);
      if (status >= 500) failures.push(`${c.operation} [${c.variant}] ${c.method.toUpperCase()} ${c.url.slice(0, 100)} → ${status}`);
    }
    expect(failures).toEqual([]);
    expect(t.logs.text).not.toMatch(/Unhandled error/);
  }, 240_000);

  it('still serves a normal user flow afterwards', async () => {
    const http = () => request(t.app.getHttpServer());
    const bob = await register(t.app, 'bob');
    const login = await http().post('/api/auth/login/').send({ username: 'bob', password: bob.password }).expect(200);
    const token = login.body.tokens.access;
    const created = await http()
      .post('/api/strategies/strategies/')
      .set(bearer(token))
      .send({ name: 'after the storm', strategy_code: SMA_CROSS_BOT })
      .expect(201);
    const list = await http().get('/api/strategies/strategies/').set(bearer(token)).expect(200);
    expect(list.body.results.map((s: { id: number }) => s.id)).toEqual([created.body.id]);
    const ai = await http().post('/api/ai/generate').set(bearer(token)).send({ prompt: 'still there?' }).expect(200);
    expect(ai.body.text).toEqual(expect.any(String));
  });
});
