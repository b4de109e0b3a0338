import request from 'supertest';
import { bearer, DATABASES, OpenedDatabase, register, Registered } from './support/auth';
import { createGeminiTestApp, GeminiTestApp, TestKey } from './support/gemini-app';
import { appWithTwoUsers } from './support/two-users';

const KEYS: TestKey[] = [
  { id: 'k1', project: 'p1', rpm: 1000, tpm: 10_000_000, rpd: 10_000 },
  { id: 'k2', project: 'p2', rpm: 1000, tpm: 10_000_000, rpd: 10_000 },
];

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
      return { event, data };
    });
}

/** What the fake Gemini received last. */
function lastSent(t: GeminiTestApp): { contents: Array<{ role: string; parts: Array<{ text: string }> }> } {
  const last = t.fake.requests[t.fake.requests.length - 1];
  if (!last?.request) throw new Error('the fake Gemini saw no request');
  return last.request as unknown as { contents: Array<{ role: string; parts: Array<{ text: string }> }> };
}

const roles = (contents: unknown) => (contents as Array<{ role?: string }>).map((c) => c.role);

/** The core flow, on whichever database `env` selects. */
function coreFlow(name: string, open: () => Promise<OpenedDatabase>) {
  describe(`strategy chat on ${name}`, () => {
    let t: GeminiTestApp;
    let close: () => Promise<void> = async () => undefined;
    let alice: Registered;
    let bob: Registered;
    let sessionId = '';
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      ({ t, alice, bob, close } = await appWithTwoUsers(open, KEYS));
    });
    afterAll(() => close());

    it('logs in with the registered password', async () => {
      const res = await http().post('/api/auth/login/').send({ username: 'alice', password: alice.password }).expect(200);
      alice.access = res.body.tokens.access;
    });

    it('starts a new session on the first message and answers with the AI reply', async () => {
      t.fake.requests.length = 0;
      const res = await http()
        .post('/api/strategies/chat/chat/')
        .set(bearer(alice.access))
        .send({ message: 'What is an EMA crossover?', strategy_id: 12 })
        .expect(200);
      expect(res.body).toMatchObject({
        session_id: expect.stringMatching(/^chat_[0-9a-f]{16}$/),
        message: 'echo: What is an EMA crossover?',
        ai_response: 'echo: What is an EMA crossover?',
        message_count: 2,
        context_used: true,
        model: 'gemini-2.5-flash',
      });
      sessionId = res.body.session_id;
      const sent = lastSent(t);
      expect(roles(sent.contents)).toEqual(['user']);
      expect(JSON.stringify(sent)).toContain('expert trading strategy assistant');
      expect(JSON.stringify(sent)).toContain('strategy #12');
    });

    it('continues the session with the earlier turns as multi-turn contents (user/model/user)', async () => {
      t.fake.requests.length = 0;
      const res = await http()
        .post('/api/strategies/chat/chat/')
        .set(bearer(alice.access))
        .send({ message: 'And on 4h bars?', session_id: sessionId })
        .expect(200);
      expect(res.body).toMatchObject({ session_id: sessionId, message: 'echo: And on 4h bars?', message_count: 4 });
      const contents = lastSent(t).contents;
      expect(roles(contents)).toEqual(['user', 'model', 'user']);
      expect(contents.map((c) => c.parts[0].text)).toEqual([
        'What is an EMA crossover?',
        'echo: What is an EMA crossover?',
        'And on 4h bars?',
      ]);
    });

    it('without context sends only the new message', async () => {
      t.fake.requests.length = 0;
      const res = await http()
        .post('/api/strategies/chat/chat/')
        .set(bearer(alice.access))
        .send({ message: 'fresh', session_id: sessionId, use_context: false })
        .expect(200);
      expect(res.body.context_used).toBe(false);
      expect(roles(lastSent(t).contents)).toEqual(['user']);
    });

    it('lists the messages oldest first, replies carrying how they were produced', async () => {
      const res = await http().get(`/api/strategies/chat/${sessionId}/messages/`).set(bearer(alice.access)).expect(200);
      expect(res.body.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
      expect(res.body[1]).toMatchObject({
        content: 'echo: What is an EMA crossover?',
        metadata: { key_id: expect.any(String), model: 'gemini-2.5-flash', attempts: 1 },
      });
    });

    it('lists own sessions only, with filters', async () => {
      const mine = await http().get('/api/strategies/chat/').set(bearer(alice.access)).expect(200);
      expect(mine.body).toMatchObject({
        count: 1,
        next: null,
        previous: null,
        results: [{ session_id: sessionId, strategy: 12, is_active: true, message_count: 6 }],
      });
      expect((await http().get('/api/strategies/chat/?strategy_id=99').set(bearer(alice.access)).expect(200)).body.count).toBe(0);
      expect((await http().get('/api/strategies/chat/?is_active=false').set(bearer(alice.access)).expect(200)).body.count).toBe(0);
      const theirs = await http().get('/api/strategies/chat/?my_sessions=false').set(bearer(bob.access)).expect(200);
      expect(theirs.body).toMatchObject({ count: 0, results: [] });
    });

    it('hides my session from another user: 404 everywhere', async () => {
      await http().get(`/api/strategies/chat/${sessionId}/messages/`).set(bearer(bob.access)).expect(404);
      await http().post('/api/strategies/chat/chat/').set(bearer(bob.access)).send({ message: 'hi', session_id: sessionId }).expect(404);
      for (const action of ['summarize', 'clear', 'deactivate'])
        await http().post(`/api/strategies/chat/${sessionId}/${action}/`).set(bearer(bob.access)).expect(404);
    });

    it('summarizes through Gemini and keeps the summary', async () => {
      t.fake.respondWith(() => 'A talk about EMA crossovers.');
      const res = await http().post(`/api/strategies/chat/${sessionId}/summarize/`).set(bearer(alice.access)).expect(200);
      t.fake.respondWith(() => undefined);
      expect(res.body).toEqual({ session_id: sessionId, summary: 'A talk about EMA crossovers.', message_count: 6 });
      expect(JSON.stringify(lastSent(t))).toContain('USER: What is an EMA crossover?');
      const list = await http().get('/api/strategies/chat/').set(bearer(alice.access)).expect(200);
      expect(list.body.results[0].context_summary).toBe('A talk about EMA crossovers.');
    });

    it('clears the messages and deactivates the session', async () => {
      const cleared = await http().post(`/api/strategies/chat/${sessionId}/clear/`).set(bearer(alice.access)).expect(200);
      expect(cleared.body).toEqual({ success: true, message: 'Conversation cleared', session_id: sessionId });
      expect((await http().get(`/api/strategies/chat/${sessionId}/messages/`).set(bearer(alice.access)).expect(200)).body).toEqual([]);
      const off = await http().post(`/api/strategies/chat/${sessionId}/deactivate/`).set(bearer(alice.access)).expect(200);
      expect(off.body).toMatchObject({ session_id: sessionId, is_active: false, message_count: 0 });
      expect((await http().get('/api/strategies/chat/?is_active=false').set(bearer(alice.access)).expect(200)).body.count).toBe(1);
    });

    it('streams a reply as SSE (meta, chunk…, done) and stores it', async () => {
      const res = await http()
        .post('/api/strategies/chat/chat/')
        .set(bearer(alice.access))
        .set('Accept', 'text/event-stream')
        .send({ message: 'stream me a reply' })
        .buffer(true)
        .parse((r, cb) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => cb(null, text));
        })
        .expect(200);
      expect(res.headers['content-type']).toMatch(/text\/event-stream/);
      const events = parseSse(res.body as string);
      expect(events[0].event).toBe('meta');
      expect(events.filter((e) => e.event === 'chunk').length).toBeGreaterThanOrEqual(2);
      const done = events[events.length - 1];
      expect(done.event).toBe('done');
      const text = events
        .filter((e) => e.event === 'chunk')
        .map((e) => e.data.text)
        .join('');
      expect(text).toBe('echo: stream me a reply');
      const sid = events[0].data.session_id as string;
      const msgs = await http().get(`/api/strategies/chat/${sid}/messages/`).set(bearer(alice.access)).expect(200);
      expect(msgs.body.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
        ['user', 'stream me a reply'],
        ['assistant', 'echo: stream me a reply'],
      ]);
      expect(done.data).toMatchObject({ session_id: sid, message_id: msgs.body[1].id, message_count: 2 });
    });

    it('serves POST /api/auth/chat/ from the same conversations (Django ai_chat_view shape)', async () => {
      const res = await http().post('/api/auth/chat/').set(bearer(bob.access)).send({ message: 'Plan a SPY strategy' }).expect(200);
      expect(res.body).toEqual({
        session_id: expect.stringMatching(/^chat_[0-9a-f]{16}$/),
        title: 'Strategy Development Session',
        user_message: 'Plan a SPY strategy',
        ai_response: 'echo: Plan a SPY strategy',
        tokens_used: expect.any(Number),
        generated_strategy_id: null,
      });
      const again = await http()
        .post('/api/auth/chat/')
        .set(bearer(bob.access))
        .send({ message: 'more', session_id: res.body.session_id })
        .expect(200);
      expect(again.body.session_id).toBe(res.body.session_id);
      expect(roles(lastSent(t).contents)).toEqual(['user', 'model', 'user']);
      await http().post('/api/auth/chat/').set(bearer(bob.access)).send({ message: 'x', session_id: sessionId }).expect(404);
      await http().post('/api/auth/chat/').send({ message: 'x' }).expect(401);
      const list = await http().get('/api/strategies/chat/').set(bearer(bob.access)).expect(200);
      expect(list.body.results).toMatchObject([
        { session_id: res.body.session_id, title: 'Strategy Development Session', message_count: 4 },
      ]);
    });
  });
}

for (const [name, open] of DATABASES) coreFlow(name, open);

describe('strategy chat: auth, validation and Gemini failures (PGlite)', () => {
  let t: GeminiTestApp;
  let carol: Registered;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    // One key allowing a single request per minute (the fake clock never moves): the second call finds it full.
    t = await createGeminiTestApp([{ id: 'solo', project: 'ps', rpm: 1 }], { store: 'memory' });
    carol = await register(t.app, 'carol');
  });
  afterAll(() => t?.shutdown());

  it('needs a token: 401 on every endpoint', async () => {
    await http().get('/api/strategies/chat/').expect(401);
    await http().post('/api/strategies/chat/chat/').send({ message: 'hi' }).expect(401);
    await http().get('/api/strategies/chat/chat_0000000000000000/messages/').expect(401);
    await http().post('/api/strategies/chat/chat_0000000000000000/clear/').expect(401);
  });

  it('rejects bad bodies with 400 naming the field', async () => {
    const cases: Array<[body: Record<string, unknown>, field: string]> = [
      [{}, 'message'],
      [{ message: '' }, 'message'],
      [{ message: 42 }, 'message'],
      [{ message: 'x'.repeat(100_000) }, 'message'],
      [{ message: 'hi', session_id: 7 }, 'session_id'],
      [{ message: 'hi', strategy_id: 'abc' }, 'strategy_id'],
      [{ message: 'hi', use_context: 'yes' }, 'use_context'],
      [{ message: 'hi', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await http().post('/api/strategies/chat/chat/').set(bearer(carol.access)).send(body);
      expect([res.status, Object.keys(res.body.details ?? {})]).toEqual([400, [field]]);
    }
    // 100 kB is under the 1 MB body cap: the 400 above came from the field rule, not from the body size.
    const big = await http()
      .post('/api/strategies/chat/chat/')
      .set(bearer(carol.access))
      .send({ message: 'x'.repeat(100_000) });
    expect(big.body.error).toMatch(/message/);
    expect(big.status).not.toBe(413);
    await http().get('/api/strategies/chat/?is_active=maybe').set(bearer(carol.access)).expect(400);
    expect(t.fake.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown session_id', async () => {
    await http()
      .post('/api/strategies/chat/chat/')
      .set(bearer(carol.access))
      .send({ message: 'hi', session_id: 'chat_ffffffffffffffff' })
      .expect(404);
    await http().get('/api/strategies/chat/chat_ffffffffffffffff/messages/').set(bearer(carol.access)).expect(404);
    await http().post('/api/strategies/chat/chat_ffffffffffffffff/summarize/').set(bearer(carol.access)).expect(404);
  });

  it('on 429 (every key busy) keeps the user message, stores no reply, and passes Retry-After on', async () => {
    const first = await http().post('/api/strategies/chat/chat/').set(bearer(carol.access)).send({ message: 'first' }).expect(200);
    const sid = first.body.session_id;
    const busy = await http().post('/api/strategies/chat/chat/').set(bearer(carol.access)).send({ message: 'second', session_id: sid });
    expect(busy.status).toBe(429);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    expect(busy.body).toMatchObject({ error: 'All Gemini keys are busy' });
    const msgs = await http().get(`/api/strategies/chat/${sid}/messages/`).set(bearer(carol.access)).expect(200);
    expect(msgs.body.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'first'],
      ['assistant', 'echo: first'],
      ['user', 'second'],
    ]);
    const streamed = await http()
      .post('/api/strategies/chat/chat/')
      .set(bearer(carol.access))
      .set('Accept', 'text/event-stream')
      .send({ message: 'third', session_id: sid });
    expect(streamed.status).toBe(429);
    expect(streamed.headers['retry-after']).toBeDefined();
    const list = await http().get('/api/strategies/chat/').set(bearer(carol.access)).expect(200);
    expect(list.body.results[0]).toMatchObject({ session_id: sid, message_count: 4 });
  });
});
