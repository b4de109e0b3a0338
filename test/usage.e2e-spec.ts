import request from 'supertest';
import { bearer, DATABASES } from './support/auth';
import { createGeminiTestApp, ADMIN_TOKEN } from './support/gemini-app';
import { freshPostgresSchema } from './support/services';
import { appWithTwoUsers, TwoUsers } from './support/two-users';

const KEYS = [
  { id: 'k1', project: 'p1', rpm: 1000 },
  { id: 'k2', project: 'p2', rpm: 1000 },
];

async function generate(s: TwoUsers, token: string, prompt: string) {
  const res = await request(s.t.app.getHttpServer()).post('/api/ai/generate').set(bearer(token)).send({ prompt }).expect(200);
  return res.body as { key_id: string; model: string; usage: { prompt_tokens: number; candidates_tokens: number } };
}

describe.each(DATABASES)('usage accounting on %s', (_name, open) => {
  let s: TwoUsers;
  const calls: Record<string, Array<Awaited<ReturnType<typeof generate>>>> = { alice: [], bob: [] };

  beforeAll(async () => {
    s = await appWithTwoUsers(open, KEYS);
    calls.alice.push(
      await generate(s, s.alice.access, 'first idea'),
      await generate(s, s.alice.access, 'a second, longer idea about trading'),
    );
    calls.bob.push(await generate(s, s.bob.access, 'bob asks once'));
  }, 120000);
  afterAll(() => s.close());

  const sum = (list: typeof calls.alice, field: 'prompt_tokens' | 'candidates_tokens') => list.reduce((n, c) => n + c.usage[field], 0);
  const http = () => request(s.t.app.getHttpServer());

  it('shows each user their own calls and tokens today and this month, with their limits', async () => {
    const mine = await http().get('/api/auth/usage/').set(bearer(s.alice.access)).expect(200);
    const expected = {
      requests: 2,
      prompt_tokens: sum(calls.alice, 'prompt_tokens'),
      output_tokens: sum(calls.alice, 'candidates_tokens'),
    };
    expect(expected.prompt_tokens).toBeGreaterThan(0);
    expect(mine.body.today).toEqual({ from: '2026-11-25', to: '2026-11-25', ...expected });
    expect(mine.body.month).toEqual({ from: '2026-11-01', to: '2026-11-25', ...expected });
    expect(mine.body.limits).toEqual({ prompt_max_chars: 30000, requests_per_day: null, tokens_per_day: null });
    const bobs = await http().get('/api/auth/usage/').set(bearer(s.bob.access)).expect(200);
    expect(bobs.body.today.requests).toBe(1);
  });

  it('gives the admin totals by day, key, model and user', async () => {
    const res = await http().get('/api/keys/usage?days=3').set(bearer(ADMIN_TOKEN)).expect(200);
    const all = [...calls.alice, ...calls.bob];
    expect(res.body.from).toBe('2026-11-23');
    expect(res.body.to).toBe('2026-11-25');
    expect(res.body.totals).toEqual({
      requests: 3,
      prompt_tokens: sum(all, 'prompt_tokens'),
      output_tokens: sum(all, 'candidates_tokens'),
    });
    expect(res.body.by_day.map((d: { day: string; requests: number }) => [d.day, d.requests])).toEqual([
      ['2026-11-23', 0],
      ['2026-11-24', 0],
      ['2026-11-25', 3],
    ]);
    const perKey = Object.fromEntries(res.body.by_key.map((k: { key_id: string; requests: number }) => [k.key_id, k.requests]));
    const expectedPerKey: Record<string, number> = {};
    for (const c of all) expectedPerKey[c.key_id] = (expectedPerKey[c.key_id] ?? 0) + 1;
    expect(perKey).toEqual(expectedPerKey);
    expect(res.body.by_model).toEqual([expect.objectContaining({ model: 'gemini-2.5-flash', requests: 3 })]);
    expect(res.body.by_user).toEqual([
      expect.objectContaining({ user: `user:${s.alice.id}`, requests: 2 }),
      expect.objectContaining({ user: `user:${s.bob.id}`, requests: 1 }),
    ]);
  });

  it('adds up concurrent calls without losing one', async () => {
    const before = (await http().get('/api/auth/usage/').set(bearer(s.bob.access)).expect(200)).body.today.requests;
    await Promise.all(Array.from({ length: 12 }, (_, i) => generate(s, s.bob.access, `parallel ${i}`)));
    const after = (await http().get('/api/auth/usage/').set(bearer(s.bob.access)).expect(200)).body.today.requests;
    expect(after - before).toBe(12);
  });

  it('refuses bad input and the wrong callers with clear 4xx', async () => {
    for (const days of ['abc', '0', '91', '1.5']) {
      const bad = await http().get(`/api/keys/usage?days=${days}`).set(bearer(ADMIN_TOKEN)).expect(400);
      expect(bad.body.error).toBe('Invalid request: days');
    }
    await http().get('/api/keys/usage?extra=1').set(bearer(ADMIN_TOKEN)).expect(400);
    await http().get('/api/keys/usage').expect(401);
    expect((await http().get('/api/keys/usage').set(bearer(s.alice.access)).expect(403)).body.error).toBe('Staff access required');
    await http().get('/api/auth/usage/').expect(401);
    await http().get('/api/auth/usage/').set(bearer(ADMIN_TOKEN)).expect(401);
  });
});

describe('usage accounting is durable', () => {
  it('survives a restart on PostgreSQL', async () => {
    const pg = await freshPostgresSchema();
    const env = { DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema, ALLOW_ANONYMOUS: 'true' };
    try {
      const first = await createGeminiTestApp(KEYS, { store: 'memory', env });
      await request(first.app.getHttpServer()).post('/api/ai/generate').send({ prompt: 'remember me' }).expect(200);
      await first.shutdown();
      const second = await createGeminiTestApp(KEYS, { store: 'memory', env });
      const res = await request(second.app.getHttpServer()).get('/api/keys/usage?days=1').set(bearer(ADMIN_TOKEN)).expect(200);
      expect(res.body.totals.requests).toBe(1);
      expect(res.body.by_user[0].user).toMatch(/^anonymous:/);
      await second.shutdown();
    } finally {
      await pg.drop();
    }
  }, 120000);
});
