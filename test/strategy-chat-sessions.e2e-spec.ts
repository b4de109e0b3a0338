/**
 * The generic ModelViewSet routes of /api/strategies/chat/ (create, retrieve, replace, update, destroy by
 * session_id) on real PostgreSQL, with the fake Gemini for the chat turns that fill a session.
 */
import request from 'supertest';
import { StrategiesRepository } from '../src/strategy/strategies.repository';
import { bearer, DATABASES } from './support/auth';
import { TestKey } from './support/gemini-app';
import { appWithTwoUsers, TwoUsers } from './support/two-users';

const KEYS: TestKey[] = [{ id: 'k1', project: 'p1', rpm: 1000, tpm: 10_000_000, rpd: 10_000 }];
const BASE = '/api/strategies/chat';
const DETAIL_FIELDS = [
  'id',
  'session_id',
  'user',
  'user_username',
  'title',
  'strategy',
  'strategy_name',
  'is_active',
  'context_summary',
  'message_count',
  'model_name',
  'temperature',
  'max_tokens',
  'created_at',
  'updated_at',
  'last_message_at',
  'messages',
];

describe('/api/strategies/chat/ create, retrieve, update, delete (PostgreSQL)', () => {
  let s: TwoUsers;
  let aliceStrategy = 0;
  let bobStrategy = 0;
  let sessionId = '';
  const http = () => request(s.t.app.getHttpServer());

  beforeAll(async () => {
    s = await appWithTwoUsers(DATABASES[0][1], KEYS);
    const repo = s.t.app.get(StrategiesRepository);
    aliceStrategy = (await repo.create({ name: 'Alice EMA', createdBy: s.alice.id })).id;
    bobStrategy = (await repo.create({ name: 'Bob SMA', createdBy: s.bob.id })).id;
  });
  afterAll(() => s?.close());

  it('creates a session (201) with a generated session_id, every field as sent or defaulted', async () => {
    const res = await http()
      .post(`${BASE}/`)
      .set(bearer(s.alice.access))
      .send({ title: 'EMA ideas', strategy: aliceStrategy, temperature: 0.4, max_tokens: 4096, context_summary: 'So far: EMA 12/26' })
      .expect(201);
    expect(Object.keys(res.body).sort()).toEqual([...DETAIL_FIELDS].sort());
    expect(res.body).toMatchObject({
      session_id: expect.stringMatching(/^chat_[0-9a-f]{16}$/),
      user: s.alice.id,
      user_username: 'alice',
      title: 'EMA ideas',
      strategy: aliceStrategy,
      strategy_name: 'Alice EMA',
      is_active: true,
      context_summary: 'So far: EMA 12/26',
      message_count: 0,
      model_name: 'gemini-2.5-flash',
      temperature: 0.4,
      max_tokens: 4096,
      last_message_at: null,
      messages: [],
    });
    sessionId = res.body.session_id;
    // A second POST gets its own session_id (Django left it '' and the second one failed).
    const empty = await http().post(`${BASE}/`).set(bearer(s.alice.access)).send({}).expect(201);
    expect(empty.body).toMatchObject({ title: '', strategy: null, strategy_name: null, temperature: 0.7, max_tokens: 2048 });
    expect(empty.body.session_id).not.toBe(sessionId);
    await http().delete(`${BASE}/${empty.body.session_id}/`).set(bearer(s.alice.access)).expect(204);
  });

  it('retrieves the session with its messages once it has some, and uses its settings for Gemini', async () => {
    s.t.fake.requests.length = 0;
    await http()
      .post(`${BASE}/chat/`)
      .set(bearer(s.alice.access))
      .send({ message: 'Which EMA lengths?', session_id: sessionId })
      .expect(200);
    const sent = s.t.fake.requests[s.t.fake.requests.length - 1].request as unknown as { generationConfig: Record<string, unknown> };
    expect(sent.generationConfig).toMatchObject({ temperature: 0.4, maxOutputTokens: 4096 });
    const res = await http().get(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).expect(200);
    expect(res.body.message_count).toBe(2);
    expect(res.body.messages).toEqual([
      {
        id: expect.any(Number),
        role: 'user',
        content: 'Which EMA lengths?',
        tokens_used: null,
        metadata: { action: 'chat' },
        function_call: null,
        created_at: expect.any(String),
      },
      expect.objectContaining({ role: 'assistant', content: 'echo: Which EMA lengths?', function_call: null }),
    ]);
    expect(res.body.last_message_at).toBe(res.body.messages[1].created_at);
  });

  it('changes fields with PATCH and PUT (fields left out stay), and unlinks the strategy with null', async () => {
    const patched = await http()
      .patch(`${BASE}/${sessionId}/`)
      .set(bearer(s.alice.access))
      .send({ title: 'Renamed', is_active: false })
      .expect(200);
    expect(patched.body).toMatchObject({ title: 'Renamed', is_active: false, strategy: aliceStrategy, temperature: 0.4, message_count: 2 });
    expect(patched.body.messages).toHaveLength(2);
    const put = await http()
      .put(`${BASE}/${sessionId}/`)
      .set(bearer(s.alice.access))
      .send({ title: 'Put', strategy: null, model_name: 'gemini-2.5-pro', max_tokens: 1024 })
      .expect(200);
    expect(put.body).toMatchObject({
      title: 'Put',
      strategy: null,
      strategy_name: null,
      model_name: 'gemini-2.5-pro',
      max_tokens: 1024,
      is_active: false,
    });
    const got = await http().get(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).expect(200);
    expect(got.body).toEqual({ ...put.body, updated_at: got.body.updated_at });
  });

  it('rejects bad bodies with 400 and DRF field errors, changing nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 5 }, 'title'],
      [{ title: null }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ strategy: 'abc' }, 'strategy'],
      [{ strategy: 0 }, 'strategy'],
      [{ strategy: 99_999_999 }, 'strategy'],
      [{ strategy: bobStrategy }, 'strategy'],
      [{ is_active: 'yes' }, 'is_active'],
      [{ temperature: 3 }, 'temperature'],
      [{ temperature: 'hot' }, 'temperature'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ max_tokens: 1.5 }, 'max_tokens'],
      [{ model_name: '' }, 'model_name'],
      [{ context_summary: null }, 'context_summary'],
      [{ session_id: 'chat_mine' }, 'session_id'],
      [{ user: s.bob.id }, 'user'],
    ];
    for (const [body, field] of cases) {
      for (const [method, path] of [
        ['post', `${BASE}/`],
        ['patch', `${BASE}/${sessionId}/`],
      ] as const) {
        const res = await http()[method](path).set(bearer(s.alice.access)).send(body);
        expect([method, field, res.status, Object.keys(res.body)]).toEqual([method, field, 400, [field]]);
        expect(Array.isArray(res.body[field])).toBe(true);
      }
    }
    const foreign = await http().patch(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).send({ strategy: bobStrategy }).expect(400);
    expect(foreign.body).toEqual({ strategy: [`Invalid pk "${bobStrategy}" - object does not exist.`] });
    expect((await http().get(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).expect(200)).body.title).toBe('Put');
  });

  it("answers 404 {detail} for another user's session and for unknown or odd session ids", async () => {
    for (const req of [
      () => http().get(`${BASE}/${sessionId}/`),
      () => http().put(`${BASE}/${sessionId}/`).send({ title: 'mine now' }),
      () => http().patch(`${BASE}/${sessionId}/`).send({ title: 'mine now' }),
      () => http().delete(`${BASE}/${sessionId}/`),
    ]) {
      const res = await req().set(bearer(s.bob.access)).expect(404);
      expect(res.body).toEqual({ detail: 'Not found.' });
    }
    for (const id of ['chat_0000000000000000', 'x'.repeat(300), '%27%20OR%201%3D1', '0']) {
      const res = await http().get(`${BASE}/${id}/`).set(bearer(s.alice.access)).expect(404);
      expect(res.body).toEqual({ detail: 'Not found.' });
    }
    await http().delete(`${BASE}/chat_0000000000000000/`).set(bearer(s.alice.access)).expect(404);
    expect((await http().get(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).expect(200)).body.title).toBe('Put');
  });

  it('deletes the session with its messages (204), then it is gone', async () => {
    await http().delete(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).expect(204);
    await http().get(`${BASE}/${sessionId}/`).set(bearer(s.alice.access)).expect(404);
    await http().get(`${BASE}/${sessionId}/messages/`).set(bearer(s.alice.access)).expect(404);
  });

  it('needs a token, and is documented in Swagger', async () => {
    await http().post(`${BASE}/`).send({}).expect(401);
    await http().get(`${BASE}/chat_0000000000000000/`).expect(401);
    const doc = await http().get('/docs-json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths[BASE] ?? paths[`${BASE}/`])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(paths[`${BASE}/{session_id}`])).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete']));
  });
});
