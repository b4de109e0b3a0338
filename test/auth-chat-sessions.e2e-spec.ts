import { eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../src/database/database.module';
import { users } from '../src/database/schema';
import { bearer, DATABASES, OpenedDatabase, register, Registered } from './support/auth';
import { createGeminiTestApp, GeminiTestApp, TestKey } from './support/gemini-app';
import { appWithTwoUsers } from './support/two-users';

const KEYS: TestKey[] = [{ id: 'k1', project: 'p1', rpm: 1000, tpm: 10_000_000, rpd: 10_000 }];
const CONTEXT_FIELDS = [
  'id',
  'username',
  'session_name',
  'instructions',
  'context_data',
  'is_active',
  'created_at',
  'updated_at',
  'last_used',
];

/** The system instruction the fake Gemini received last, as text. */
function lastSystem(t: GeminiTestApp): string {
  const last = t.fake.requests[t.fake.requests.length - 1];
  if (!last?.request) throw new Error('the fake Gemini saw no request');
  return JSON.stringify((last.request as { systemInstruction?: unknown }).systemInstruction ?? null);
}

/** AI contexts and auth chat sessions, on whichever database `env` selects. */
function coreFlow(name: string, open: () => Promise<OpenedDatabase>) {
  describe(`/api/auth/ai-contexts and /api/auth/chat-sessions on ${name}`, () => {
    let t: GeminiTestApp;
    let close: () => Promise<void> = async () => undefined;
    let alice: Registered;
    let bob: Registered;
    let contextId = 0;
    let sessionPk = 0;
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      ({ t, alice, bob, close } = await appWithTwoUsers(open, KEYS));
    });
    afterAll(() => close());

    it('creates, lists, retrieves and updates an AI context', async () => {
      const created = await http()
        .post('/api/auth/ai-contexts/')
        .set(bearer(alice.access))
        .send({ session_name: 'Swing', instructions: 'Always answer in haiku.', context_data: { symbols: ['SPY'] } })
        .expect(201);
      expect(Object.keys(created.body).sort()).toEqual([...CONTEXT_FIELDS].sort());
      expect(created.body).toMatchObject({
        username: 'alice',
        session_name: 'Swing',
        instructions: 'Always answer in haiku.',
        context_data: { symbols: ['SPY'] },
        is_active: true,
      });
      contextId = created.body.id;
      const second = await http().post('/api/auth/ai-contexts/').set(bearer(alice.access)).send({ session_name: 'Other' }).expect(201);
      expect(second.body).toMatchObject({ instructions: '', context_data: {}, is_active: true });

      const list = await http().get('/api/auth/ai-contexts/').set(bearer(alice.access)).expect(200);
      expect(list.body).toMatchObject({ count: 2, next: null, previous: null });
      expect(list.body.results.map((c: { id: number }) => c.id)).toEqual([second.body.id, contextId]);

      await http().get(`/api/auth/ai-contexts/${contextId}/`).set(bearer(alice.access)).expect(200);
      const patched = await http()
        .patch(`/api/auth/ai-contexts/${contextId}/`)
        .set(bearer(alice.access))
        .send({ session_name: 'Swing 2' })
        .expect(200);
      expect(patched.body).toMatchObject({ session_name: 'Swing 2', instructions: 'Always answer in haiku.' });
      const put = await http()
        .put(`/api/auth/ai-contexts/${contextId}/`)
        .set(bearer(alice.access))
        .send({ session_name: 'Swing 3', instructions: 'Always answer in haiku.' })
        .expect(200);
      expect(put.body.session_name).toBe('Swing 3');
      await http().put(`/api/auth/ai-contexts/${contextId}/`).set(bearer(alice.access)).send({ instructions: 'x' }).expect(400);

      await http().delete(`/api/auth/ai-contexts/${second.body.id}/`).set(bearer(alice.access)).expect(204);
      await http().get(`/api/auth/ai-contexts/${second.body.id}/`).set(bearer(alice.access)).expect(404);
    });

    it('deactivates and activates an AI context', async () => {
      const off = await http().post(`/api/auth/ai-contexts/${contextId}/deactivate/`).set(bearer(alice.access)).expect(200);
      expect(off.body.is_active).toBe(false);
      // An inactive context cannot steer a chat.
      await http().post('/api/auth/chat/').set(bearer(alice.access)).send({ message: 'hi', ai_context_id: contextId }).expect(404);
      const on = await http().post(`/api/auth/ai-contexts/${contextId}/activate/`).set(bearer(alice.access)).expect(200);
      expect(on.body.is_active).toBe(true);
    });

    it('puts the AI context instructions in the system prompt of /api/auth/chat and marks it used', async () => {
      const before = (await http().get(`/api/auth/ai-contexts/${contextId}/`).set(bearer(alice.access)).expect(200)).body.last_used;
      t.fake.requests.length = 0;
      const res = await http()
        .post('/api/auth/chat/')
        .set(bearer(alice.access))
        .send({ message: 'Explain RSI', ai_context_id: contextId })
        .expect(200);
      expect(res.body.ai_response).toBe('echo: Explain RSI');
      const system = lastSystem(t);
      expect(system).toContain('Always answer in haiku.');
      expect(system).toContain('expert trading strategy assistant');
      expect(system.indexOf('Always answer in haiku.')).toBeLessThan(system.indexOf('expert trading strategy assistant'));
      const after = (await http().get(`/api/auth/ai-contexts/${contextId}/`).set(bearer(alice.access)).expect(200)).body.last_used;
      expect(new Date(after).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());

      // Without one, the system prompt has no instructions.
      await http().post('/api/auth/chat/').set(bearer(alice.access)).send({ message: 'plain' }).expect(200);
      expect(lastSystem(t)).not.toContain('haiku');
      // Someone else's or an unknown context → 404, Gemini not called.
      t.fake.requests.length = 0;
      await http().post('/api/auth/chat/').set(bearer(bob.access)).send({ message: 'hi', ai_context_id: contextId }).expect(404);
      await http().post('/api/auth/chat/').set(bearer(alice.access)).send({ message: 'hi', ai_context_id: 999_999 }).expect(404);
      expect(t.fake.requests).toHaveLength(0);
    });

    it('creates, lists, retrieves (with chat_messages), updates and ends a chat session', async () => {
      const created = await http().post('/api/auth/chat-sessions/').set(bearer(alice.access)).send({ title: 'Breakouts' }).expect(201);
      expect(created.body).toMatchObject({
        username: 'alice',
        title: 'Breakouts',
        is_active: true,
        message_count: 0,
        session_id: expect.stringMatching(/^chat_[0-9a-f]{16}$/),
      });
      sessionPk = created.body.id;
      const dflt = await http().post('/api/auth/chat-sessions/').set(bearer(alice.access)).send({}).expect(201);
      expect(dflt.body.title).toBe('New Strategy Session');

      await http()
        .post('/api/auth/chat/')
        .set(bearer(alice.access))
        .send({ message: 'Donchian?', session_id: created.body.session_id })
        .expect(200);

      const list = await http().get('/api/auth/chat-sessions/').set(bearer(alice.access)).expect(200);
      expect(list.body).toMatchObject({ next: null, previous: null });
      const item = list.body.results.find((s: { id: number }) => s.id === sessionPk);
      expect(item).toMatchObject({ message_count: 2, title: 'Breakouts' });

      const detail = await http().get(`/api/auth/chat-sessions/${sessionPk}/`).set(bearer(alice.access)).expect(200);
      expect(detail.body.message_count).toBeUndefined();
      expect(detail.body.chat_messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
        ['user', 'Donchian?'],
        ['assistant', 'echo: Donchian?'],
      ]);
      expect(Object.keys(detail.body.chat_messages[0]).sort()).toEqual(['content', 'created_at', 'id', 'metadata', 'role', 'tokens_used']);

      const patched = await http()
        .patch(`/api/auth/chat-sessions/${sessionPk}/`)
        .set(bearer(alice.access))
        .send({ title: 'Breakouts v2' })
        .expect(200);
      expect(patched.body.title).toBe('Breakouts v2');
      const put = await http()
        .put(`/api/auth/chat-sessions/${sessionPk}/`)
        .set(bearer(alice.access))
        .send({ title: 'Breakouts v3' })
        .expect(200);
      expect(put.body.title).toBe('Breakouts v3');

      const ended = await http().post(`/api/auth/chat-sessions/${sessionPk}/end_session/`).set(bearer(alice.access)).expect(200);
      expect(ended.body).toMatchObject({ message: 'Session ended', session: { id: sessionPk, is_active: false } });

      await http().delete(`/api/auth/chat-sessions/${dflt.body.id}/`).set(bearer(alice.access)).expect(204);
      await http().get(`/api/auth/chat-sessions/${dflt.body.id}/`).set(bearer(alice.access)).expect(404);
    });

    it('keeps the AI context given to /api/auth/chat on the session and returns its messages, context and strategies', async () => {
      const first = await http()
        .post('/api/auth/chat/')
        .set(bearer(alice.access))
        .send({ message: 'Plan a swing trade', ai_context_id: contextId })
        .expect(200);
      t.fake.requests.length = 0;
      // A later message of that session, without naming the context, still gets its instructions.
      await http()
        .post('/api/auth/chat/')
        .set(bearer(alice.access))
        .send({ message: 'And the exit?', session_id: first.body.session_id })
        .expect(200);
      expect(lastSystem(t)).toContain('Always answer in haiku.');

      const list = await http().get('/api/auth/chat-sessions/').set(bearer(alice.access)).expect(200);
      const item = list.body.results.find((x: { session_id: string }) => x.session_id === first.body.session_id);
      expect(item).toMatchObject({ ai_context: contextId, ai_context_name: 'Swing 3', generated_strategies: [], message_count: 4 });
      expect(item.messages).toEqual([
        { role: 'user', content: 'Plan a swing trade', timestamp: expect.any(String) },
        { role: 'assistant', content: 'echo: Plan a swing trade', timestamp: expect.any(String) },
        { role: 'user', content: 'And the exit?', timestamp: expect.any(String) },
        { role: 'assistant', content: 'echo: And the exit?', timestamp: expect.any(String) },
      ]);
      expect(Date.parse(item.messages[0].timestamp)).not.toBeNaN();
      const detail = await http().get(`/api/auth/chat-sessions/${item.id}/`).set(bearer(alice.access)).expect(200);
      expect(detail.body).toMatchObject({ ai_context: contextId, ai_context_name: 'Swing 3', messages: item.messages });
      expect(detail.body.chat_messages).toHaveLength(4);

      // The context can be set or cleared on the session itself, but only to one of yours.
      const other = await http()
        .post('/api/auth/ai-contexts/')
        .set(bearer(alice.access))
        .send({ session_name: 'Scalping', instructions: 'Be terse.' })
        .expect(201);
      const moved = await http()
        .patch(`/api/auth/chat-sessions/${item.id}/`)
        .set(bearer(alice.access))
        .send({ ai_context: other.body.id })
        .expect(200);
      expect(moved.body).toMatchObject({ ai_context: other.body.id, ai_context_name: 'Scalping' });
      const bobCtx = await http().post('/api/auth/ai-contexts/').set(bearer(bob.access)).send({ session_name: 'Bob ctx' }).expect(201);
      const foreign = await http()
        .patch(`/api/auth/chat-sessions/${item.id}/`)
        .set(bearer(alice.access))
        .send({ ai_context: bobCtx.body.id })
        .expect(400);
      expect(foreign.body).toEqual({ ai_context: [`Invalid pk "${bobCtx.body.id}" - object does not exist.`] });
      const created = await http()
        .post('/api/auth/chat-sessions/')
        .set(bearer(alice.access))
        .send({ ai_context: other.body.id })
        .expect(201);
      expect(created.body).toMatchObject({ ai_context: other.body.id, ai_context_name: 'Scalping', messages: [] });
      // A deleted context reads as none, and the session's later messages go without it.
      await http().delete(`/api/auth/ai-contexts/${other.body.id}/`).set(bearer(alice.access)).expect(204);
      const gone = await http().get(`/api/auth/chat-sessions/${item.id}/`).set(bearer(alice.access)).expect(200);
      expect(gone.body).toMatchObject({ ai_context: null, ai_context_name: null });
      await http()
        .post('/api/auth/chat/')
        .set(bearer(alice.access))
        .send({ message: 'Still there?', session_id: first.body.session_id })
        .expect(200);
      expect(lastSystem(t)).not.toContain('Be terse.');
      const cleared = await http()
        .patch(`/api/auth/chat-sessions/${created.body.id}/`)
        .set(bearer(alice.access))
        .send({ ai_context: null })
        .expect(200);
      expect(cleared.body.ai_context).toBeNull();
      await http().delete(`/api/auth/chat-sessions/${created.body.id}/`).set(bearer(alice.access)).expect(204);
      await http().delete(`/api/auth/ai-contexts/${bobCtx.body.id}/`).set(bearer(bob.access)).expect(204);
    });

    it("hides another user's contexts and sessions (404, not listed)", async () => {
      const ctxList = await http().get('/api/auth/ai-contexts/').set(bearer(bob.access)).expect(200);
      expect(ctxList.body).toMatchObject({ count: 0, results: [] });
      const sesList = await http().get('/api/auth/chat-sessions/').set(bearer(bob.access)).expect(200);
      expect(sesList.body.results.find((s: { id: number }) => s.id === sessionPk)).toBeUndefined();
      for (const path of [`/api/auth/ai-contexts/${contextId}/`, `/api/auth/chat-sessions/${sessionPk}/`]) {
        await http().get(path).set(bearer(bob.access)).expect(404);
        await http().patch(path).set(bearer(bob.access)).send({}).expect(404);
        await http().delete(path).set(bearer(bob.access)).expect(404);
      }
      await http().post(`/api/auth/ai-contexts/${contextId}/activate/`).set(bearer(bob.access)).expect(404);
      await http().post(`/api/auth/ai-contexts/${contextId}/deactivate/`).set(bearer(bob.access)).expect(404);
      await http().post(`/api/auth/chat-sessions/${sessionPk}/end_session/`).set(bearer(bob.access)).expect(404);
      await http().get(`/api/auth/ai-contexts/${contextId}/`).set(bearer(alice.access)).expect(200);
      await http().get(`/api/auth/chat-sessions/${sessionPk}/`).set(bearer(alice.access)).expect(200);
    });

    it("lets staff see everyone's contexts and sessions", async () => {
      await t.app.get(Database).connection.db.update(users).set({ isStaff: true }).where(eq(users.id, bob.id));
      const ctx = await http().get(`/api/auth/ai-contexts/${contextId}/`).set(bearer(bob.access)).expect(200);
      expect(ctx.body.username).toBe('alice');
      const list = await http().get('/api/auth/chat-sessions/').set(bearer(bob.access)).expect(200);
      expect(list.body.results.find((s: { id: number }) => s.id === sessionPk)).toMatchObject({ username: 'alice' });
      const detail = await http().get(`/api/auth/chat-sessions/${sessionPk}/`).set(bearer(bob.access)).expect(200);
      expect(detail.body.username).toBe('alice');
      await t.app.get(Database).connection.db.update(users).set({ isStaff: false }).where(eq(users.id, bob.id));
      await http().get(`/api/auth/ai-contexts/${contextId}/`).set(bearer(bob.access)).expect(404);
    });

    it('deletes a chat session together with its messages', async () => {
      await http().delete(`/api/auth/chat-sessions/${sessionPk}/`).set(bearer(alice.access)).expect(204);
      await http().get(`/api/auth/chat-sessions/${sessionPk}/`).set(bearer(alice.access)).expect(404);
    });
  });
}

for (const [name, open] of DATABASES) coreFlow(name, open);

describe('/api/auth/ai-contexts and /api/auth/chat-sessions: auth and validation (PGlite, ALLOW_ANONYMOUS=true)', () => {
  let t: GeminiTestApp;
  let carol: Registered;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createGeminiTestApp(KEYS, { store: 'memory', env: { ALLOW_ANONYMOUS: 'true' } });
    carol = await register(t.app, 'carol');
  });
  afterAll(() => t?.shutdown());

  it('needs a real user: 401 without a token even when anonymous access is allowed', async () => {
    await http().get('/api/auth/ai-contexts/').expect(401);
    await http().post('/api/auth/ai-contexts/').send({ session_name: 'x' }).expect(401);
    await http().get('/api/auth/ai-contexts/1/').expect(401);
    await http().post('/api/auth/ai-contexts/1/activate/').expect(401);
    await http().get('/api/auth/chat-sessions/').expect(401);
    await http().post('/api/auth/chat-sessions/').send({}).expect(401);
    await http().post('/api/auth/chat-sessions/1/end_session/').expect(401);
  });

  it('rejects bad AI context bodies with 400 naming the field', async () => {
    const cases: Array<[body: Record<string, unknown>, field: string]> = [
      [{}, 'session_name'],
      [{ session_name: '' }, 'session_name'],
      [{ session_name: 42 }, 'session_name'],
      [{ session_name: 'x'.repeat(201) }, 'session_name'],
      [{ session_name: 'ok', instructions: 'x'.repeat(20_001) }, 'instructions'],
      [{ session_name: 'ok', instructions: 7 }, 'instructions'],
      [{ session_name: 'ok', context_data: [1, 2] }, 'context_data'],
      [{ session_name: 'ok', context_data: 'text' }, 'context_data'],
      [{ session_name: 'ok', context_data: { blob: 'x'.repeat(70_000) } }, 'context_data'],
      [{ session_name: 'ok', is_active: 'yes' }, 'is_active'],
      [{ session_name: 'ok', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await http().post('/api/auth/ai-contexts/').set(bearer(carol.access)).send(body);
      expect([field, res.status, Object.keys(res.body)]).toEqual([field, 400, [field]]);
    }
    const ok = await http()
      .post('/api/auth/ai-contexts/')
      .set(bearer(carol.access))
      .send({ session_name: 'ok', instructions: 'x'.repeat(20_000) })
      .expect(201);
    const patch = await http().patch(`/api/auth/ai-contexts/${ok.body.id}/`).set(bearer(carol.access)).send({ is_active: 'no' });
    expect([patch.status, Object.keys(patch.body)]).toEqual([400, ['is_active']]);
    await http().get('/api/auth/ai-contexts/abc/').set(bearer(carol.access)).expect(404);
    await http().get('/api/auth/ai-contexts/?page=0').set(bearer(carol.access)).expect(400);
  });

  it('rejects bad chat session bodies with 400 naming the field', async () => {
    const cases: Array<[body: Record<string, unknown>, field: string]> = [
      [{ title: 5 }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ is_active: 'no' }, 'is_active'],
      [{ session_id: 'chat_0000000000000000' }, 'session_id'],
      [{ ai_context: 'one' }, 'ai_context'],
      [{ ai_context: 0 }, 'ai_context'],
      [{ ai_context: 999_999 }, 'ai_context'],
      [{ messages: [] }, 'messages'],
    ];
    for (const [body, field] of cases) {
      const res = await http().post('/api/auth/chat-sessions/').set(bearer(carol.access)).send(body);
      expect([field, res.status, Object.keys(res.body)]).toEqual([field, 400, [field]]);
    }
    await http().get('/api/auth/chat-sessions/999999/').set(bearer(carol.access)).expect(404);
    await http().post('/api/auth/chat/').set(bearer(carol.access)).send({ message: 'hi', ai_context_id: 'one' }).expect(400);
  });
});
