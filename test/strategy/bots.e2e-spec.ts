/**
 * Issue 9: the strategy endpoints that generate, fix and run bots, over HTTP on real PostgreSQL with the
 * fake Gemini scripted to answer broken code first and fixed code next.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { bots, strategies } from '../../src/database/schema';
import { bearer, DATABASES } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import type { FakeRequest } from '../fakes/fake-gemini';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { CANONICAL } from '../jobs/auto-fix-fixtures';

jest.setTimeout(120_000);

const BROKEN_BOT = `module.exports = {
  name: 'SMA cross',
  onBar(bar, ctx) {
    if (smaFast > 1) ctx.buy();
  },
};`;
const fenced = (code: string) => `\`\`\`javascript\n${code}\n\`\`\``;
const isFix = (req: FakeRequest) => JSON.stringify(req.contents).includes('TASK: Fix the trading bot');
const brokenThenFixed = (req: FakeRequest) => fenced(isFix(req) ? SMA_CROSS_BOT : BROKEN_BOT);

const METRICS = {
  return_pct: expect.any(Number),
  num_trades: expect.any(Number),
  win_rate: expect.any(Number),
  sharpe_ratio: expect.any(Number),
  max_drawdown: expect.any(Number),
};

function parseSse(text: string) {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => {
      const f = Object.fromEntries(b.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      return { event: f.event, data: JSON.parse(f.data) };
    });
}

describe('strategy bot endpoints (PostgreSQL)', () => {
  let s: TwoUsers;
  let botsDir: string;
  const http = () => request(s.t.app.getHttpServer());

  beforeAll(async () => {
    botsDir = mkdtempSync(join(tmpdir(), 'strategy-bots-'));
    s = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1', rpm: 1000 }], { BOTS_DIR: botsDir, BOT_TIMEOUT_MS: '5000' });
  });
  afterAll(async () => s.close());
  afterEach(() => s.t.fake.respondWith(undefined));

  it('generate_with_ai: generates, tests, fixes and saves a strategy with its bot', async () => {
    s.t.fake.respondWith(brokenThenFixed);
    const res = await http()
      .post('/api/strategies/strategies/generate_with_ai/')
      .set(bearer(s.alice.access))
      .send({ description: 'Buy the 5/20 SMA cross, sell the cross back.', name: 'SMA Cross AI' });
    expect(res.status).toBe(201);
    const file = join(botsDir, 'sma_cross_ai.js');
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'sma_cross_ai',
      file_path: file,
      status: 'executed',
      generation_result: { success: true, file_path: file, static_check: 'passed' },
      execution_result: { success: true, ...METRICS },
      fix_attempts: 1,
      fix_details: [{ attempt: 1, error_type: 'reference', success: true }],
      market_data: { symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: expect.any(Number) },
    });
    expect(readFileSync(file, 'utf8')).toBe(SMA_CROSS_BOT.trim());
    const strategy = await http().get(`/api/strategies/strategies/${res.body.id}/`).set(bearer(s.alice.access));
    if (strategy.status === 200) expect(strategy.body).toMatchObject({ file_path: file, status: 'executed', created_by: s.alice.id });
    await http().get(`/api/strategies/strategies/${res.body.id}/execution_history/`).set(bearer(s.bob.access)).expect(404);
  });

  it('generate_with_ai streams progress over SSE when asked, ending with the same body', async () => {
    s.t.fake.respondWith(brokenThenFixed);
    const res = await http()
      .post('/api/strategies/strategies/generate_with_ai/')
      .set({ ...bearer(s.alice.access), Accept: 'text/event-stream' })
      .send({ description: 'Buy the 5/20 SMA cross, sell the cross back. Streamed.', name: 'SMA Cross Streamed' })
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = parseSse(res.body as string);
    const steps = events.filter((e) => e.event === 'progress').map((e) => e.data.step);
    expect(steps[0]).toBe('generate');
    expect(steps).toEqual(expect.arrayContaining(['test', 'analyze', 'fix', 'done']));
    const result = events.at(-1)!;
    expect(result.event).toBe('result');
    expect(result.data).toMatchObject({ name: 'sma_cross_streamed', status: 'executed', fix_attempts: 1 });
  });

  it('generate_executable_code: the exact response shape, the bot and its JSON saved, the strategy linked', async () => {
    const created = await s.t.app
      .get(Database)
      .connection.db.insert(strategies)
      .values({ name: 'Linked', strategyCode: JSON.stringify(CANONICAL), createdBy: s.alice.id, parameters: { keep: 1 } })
      .returning();
    s.t.fake.respondWith(brokenThenFixed);
    const res = await http()
      .post('/api/strategies/api/generate_executable_code/')
      .set(bearer(s.alice.access))
      .send({
        canonical_json: JSON.stringify(CANONICAL),
        strategy_name: 'SMA Crossover Exec',
        strategy_id: created[0].id,
        test_config: { symbol: 'MSFT', period: '2y' },
      });
    expect(res.status).toBe(200);
    const file = join(botsDir, 'sma_crossover_exec.js');
    expect(res.body).toEqual({
      success: true,
      strategy_code: SMA_CROSS_BOT.trim(),
      file_path: file,
      file_name: 'sma_crossover_exec.js',
      json_file_path: join(botsDir, 'sma_crossover_exec.json'),
      strategy_id: created[0].id,
      message: 'Bot generated and tested (fixed in 1 attempt(s))',
      execution: { attempted: true, success: true, validation_status: 'passed', metrics: METRICS, error_message: null },
      error_fixing: {
        attempted: true,
        attempts: 1,
        history: [{ attempt: 1, error_type: 'reference', success: true, description: 'AI-generated fix for reference' }],
        final_status: 'fixed',
      },
      market_data: { symbol: 'MSFT', period: '2y', interval: '1d', source: 'synthetic', synthetic: true, bars: expect.any(Number) },
    });
    expect(JSON.parse(readFileSync(res.body.json_file_path, 'utf8'))).toEqual(CANONICAL);
    const [row] = await s.t.app.get(Database).connection.db.select().from(strategies).where(eq(strategies.id, created[0].id));
    expect(row.parameters).toEqual({
      keep: 1,
      generated_code_path: file,
      generated_code_filename: 'sma_crossover_exec.js',
      validation_status: 'passed',
      fix_attempts: 1,
    });
    expect(row.filePath).toBe(file);
    // the description sent to Gemini came from the canonical JSON
    s.t.fake.respondWith((req) => {
      expect(JSON.stringify(req.contents)).toContain('Entry Rules:');
      return fenced(SMA_CROSS_BOT);
    });
    const clean = await http()
      .post('/api/strategies/api/generate_executable_code/')
      .set(bearer(s.alice.access))
      .send({ canonical_json: CANONICAL });
    expect(clean.body).toMatchObject({
      file_name: 'generatedstrategy.js',
      strategy_id: null,
      error_fixing: { attempted: false, attempts: 0, history: [], final_status: 'not_needed' },
    });
  });

  it('generate_with_auto_fix: strategy_code is the initial code, fix history recorded', async () => {
    s.t.fake.respondWith(brokenThenFixed);
    const res = await http()
      .post('/api/strategies/api/generate_with_auto_fix/')
      .set(bearer(s.alice.access))
      .send({ canonical_json: CANONICAL, strategy_name: 'Auto Fix Demo', max_fix_attempts: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      strategy_code: BROKEN_BOT,
      file_path: join(botsDir, 'auto_fix_demo.js'),
      file_name: 'auto_fix_demo.js',
      json_file_path: join(botsDir, 'auto_fix_demo.json'),
      strategy_id: null,
      message: 'Bot generated and validated',
      validation_passed: true,
      fix_attempts: 1,
      fix_history: [
        {
          attempt: 1,
          error_type: 'reference',
          success: true,
          error_message: expect.stringMatching(/smaFast is not defined/),
          timestamp: expect.any(String),
        },
      ],
    });
  });

  it('bad canonical_json and bad test_config are clear 400s', async () => {
    const post = (body: unknown) =>
      http()
        .post('/api/strategies/api/generate_executable_code/')
        .set(bearer(s.alice.access))
        .send(body as object);
    const notJson = await post({ canonical_json: '{"title": "x",' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.details.canonical_json[0]).toMatch(/not valid JSON/);
    expect((await post({ canonical_json: [1, 2] })).body.details.canonical_json[0]).toMatch(/must be a JSON object/);
    const noRules = await post({ canonical_json: { title: 'No rules' } });
    expect(noRules.status).toBe(400);
    expect(Object.keys(noRules.body.details)).toEqual(['canonical_json.entry_rules']);
    expect((await post({})).body.details).toEqual({ canonical_json: ['canonical_json is required'] });
    expect((await post({ canonical_json: CANONICAL, test_config: { period: '9y' } })).body.details).toHaveProperty(['test_config.period']);
    expect((await post({ canonical_json: 'x'.repeat(200_000) })).status).toBe(400);
    expect(s.t.fake.requests.length).toBeGreaterThan(0); // the earlier tests reached Gemini…
  });

  it('execute and execution_history; fix_errors on a saved broken bot', async () => {
    s.t.fake.respondWith(() => fenced(BROKEN_BOT));
    const gen = await http()
      .post('/api/strategies/strategies/generate_with_ai/')
      .set(bearer(s.alice.access))
      .send({ description: 'A bot saved broken, fixed later.', name: 'Broken Later', auto_fix: false });
    expect(gen.body).toMatchObject({ status: 'generated', execution_result: null, fix_attempts: 0 });

    const run = await http().post(`/api/strategies/strategies/${gen.body.id}/execute/`).set(bearer(s.alice.access)).send({});
    expect(run.status).toBe(200);
    expect(run.body).toEqual({
      success: false,
      metrics: null,
      results_file: null,
      error_message: expect.stringMatching(/ReferenceError: smaFast is not defined/),
      error_type: 'reference',
      symbol: 'GOOG',
    });

    s.t.fake.respondWith(() => fenced(SMA_CROSS_BOT));
    const fix = await http()
      .post(`/api/strategies/strategies/${gen.body.id}/fix_errors/`)
      .set(bearer(s.alice.access))
      .send({ max_attempts: 2 });
    expect(fix.status).toBe(200);
    expect(fix.body).toEqual({
      success: true,
      final_path: join(botsDir, 'broken_later.js'),
      final_status: 'fixed',
      attempts: 1,
      fixes: [
        {
          attempt: 1,
          success: true,
          error_type: 'reference',
          error_message: expect.stringMatching(/smaFast/),
          timestamp: expect.any(String),
        },
      ],
    });
    const again = await http()
      .post(`/api/strategies/strategies/${gen.body.id}/execute/`)
      .set(bearer(s.alice.access))
      .send({ test_symbol: 'TSLA', period: '6mo' });
    expect(again.body).toMatchObject({
      success: true,
      metrics: { ...METRICS, execution_time: expect.any(Number) },
      error_message: null,
      symbol: 'TSLA',
    });

    const history = await http()
      .get(`/api/strategies/strategies/${gen.body.id}/execution_history/`)
      .set(bearer(s.alice.access))
      .expect(200);
    expect(history.body).toEqual({
      strategy_id: gen.body.id,
      strategy_name: 'broken_later',
      total_executions: 2,
      executions: [
        {
          timestamp: expect.any(String),
          success: true,
          symbol: 'TSLA',
          return_pct: expect.any(Number),
          num_trades: expect.any(Number),
          win_rate: expect.any(Number),
          sharpe_ratio: expect.any(Number),
          max_drawdown: expect.any(Number),
          execution_time: expect.any(Number),
          error_message: null,
          strategy_version: null,
        },
        {
          timestamp: expect.any(String),
          success: false,
          symbol: 'GOOG',
          return_pct: null,
          num_trades: null,
          win_rate: null,
          sharpe_ratio: null,
          max_drawdown: null,
          execution_time: null,
          error_message: expect.stringMatching(/smaFast/),
          strategy_version: null,
        },
      ],
    });
    await http().post(`/api/strategies/strategies/${gen.body.id}/execute/`).set(bearer(s.bob.access)).send({}).expect(404);
    await http().post(`/api/strategies/strategies/${gen.body.id}/fix_errors/`).set(bearer(s.bob.access)).send({}).expect(404);
    expect((await http().post('/api/strategies/strategies/abc/execute/').set(bearer(s.alice.access)).send({})).status).toBe(400);
  });

  it('generate_code returns code only and saves nothing', async () => {
    s.t.fake.respondWith(() => fenced(SMA_CROSS_BOT));
    const db = s.t.app.get(Database).connection.db;
    const before = (await db.select({ n: count() }).from(bots))[0].n;
    const res = await http()
      .post('/api/strategies/api/generate_code/')
      .set(bearer(s.alice.access))
      .send({ strategy_description: 'A 5/20 SMA crossover, nothing fancy.', parameters: { fast: 5 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      generated_code: SMA_CROSS_BOT.trim(),
      strategy_name: 'A 5 20 Sma Crossover Nothing',
      description: 'A 5/20 SMA crossover, nothing fancy.',
      parameters: { fast: 5 },
      metadata: {
        language: 'javascript',
        sdk: 'docs/bot-sdk.md',
        generator: 'gemini',
        static_check: 'passed',
        template_id: null,
        generated_at: expect.any(String),
      },
    });
    expect((await db.select({ n: count() }).from(bots))[0].n).toBe(before);
  });

  it('generate_code with use_gemini: false answers a template bot without calling Gemini, and it runs', async () => {
    const seen = s.t.fake.requests.length;
    const res = await http()
      .post('/api/strategies/api/generate_code/')
      .set(bearer(s.alice.access))
      .send({ strategy_description: 'A 7/25 SMA crossover.', parameters: { fast: 7, slow: 25 }, use_gemini: false })
      .expect(200);
    expect(s.t.fake.requests.length).toBe(seen);
    expect(res.body.metadata).toMatchObject({ generator: 'template', static_check: 'passed' });
    expect(res.body.generated_code).toContain('params: { fast: 7, slow: 25 }');
    const made = await http()
      .post('/api/strategies/strategies/')
      .set(bearer(s.alice.access))
      .send({ name: 'Template bot run', strategy_code: res.body.generated_code })
      .expect(201);
    const validated = await http()
      .post(`/api/strategies/strategies/${made.body.id}/validate_strategy/`)
      .set(bearer(s.alice.access))
      .send({})
      .expect(200);
    expect(validated.body.overall_result).toBe('passed');
  });
});

describe('strategy bot endpoints when the keys run out mid-generation', () => {
  let s: TwoUsers;
  beforeAll(async () => {
    s = await appWithTwoUsers(DATABASES[1][1], [{ id: 'k1', project: 'p1', rpm: 1 }], {
      BOTS_DIR: mkdtempSync(join(tmpdir(), 'strategy-bots-')),
      BOT_TIMEOUT_MS: '5000',
    });
  });
  afterAll(async () => s.close());

  it('answers 429 with Retry-After and saves nothing (no strategy, no bot, no file)', async () => {
    s.t.fake.respondWith(brokenThenFixed);
    const res = await request(s.t.app.getHttpServer())
      .post('/api/strategies/api/generate_executable_code/')
      .set(bearer(s.alice.access))
      .send({ canonical_json: CANONICAL, strategy_name: 'Half Done' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error).toBe('All Gemini keys are busy');
    const db = s.t.app.get(Database).connection.db;
    expect((await db.select({ n: count() }).from(strategies))[0].n).toBe(0);
    expect((await db.select({ n: count() }).from(bots))[0].n).toBe(0);
    expect(existsSync(join(tmpdir(), 'half_done.js'))).toBe(false);
  });
});
