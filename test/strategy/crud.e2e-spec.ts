/**
 * Strategy CRUD (`/api/strategies/strategies/`) and the non-AI actions of `/api/strategies/api/`
 * (create_strategy, search, categories, health) over HTTP on real PostgreSQL, with bots validated in the
 * real sandbox on synthetic market data.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { DomainError, ErrorCode } from '../../src/common/domain-error';
import { Database } from '../../src/database/database.module';
import { MarketDataProvider } from '../../src/market-data/market-data.port';
import { botPerformance, botTestRuns, strategyPerformance, strategyValidations, users } from '../../src/database/schema';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { BotValidationService } from '../../src/strategy/crud/bot-validation.service';
import { TemplatesRepository } from '../../src/strategy/templates.repository';
import { JobQueue } from '../../src/jobs/job-queue';
import { bearer, DATABASES, register, Registered } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';

jest.setTimeout(120_000);

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const BASE = '/api/strategies/strategies';
const API = '/api/strategies/api';

/** Fails at run time: `undefinedHelper` does not exist (passes the static checks). */
const RUNTIME_BROKEN_BOT = `module.exports = {
  name: 'broken',
  onBar(bar, ctx) {
    if (undefinedHelper(bar)) ctx.buy();
  },
};`;
const SYNTAX_BROKEN_BOT = `module.exports = { onBar(bar, ctx) { if ( } };`;
const IDLE_BOT = `module.exports = { name: 'idle', onBar(bar, ctx) {} };`;
const CANONICAL_JSON = JSON.stringify({ title: 'RSI dip', entry_rules: [{ description: 'Buy when RSI < 30' }] });

const NOT_A_BOT = 'strategy_code is not a bot; generate one first';

describe('strategy CRUD and strategy API on PostgreSQL', () => {
  let s: TwoUsers;
  let alice: Registered;
  let bob: Registered;
  const http = () => request(s.t.app.getHttpServer());
  const templates = () => s.t.app.get(TemplatesRepository);
  const db = () => s.t.app.get(Database).connection.db;
  const settled = () => s.t.app.get(BotValidationService).settled();
  let n = 0;
  const unique = (prefix: string) => `${prefix} ${++n}`;

  beforeAll(async () => {
    s = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1' }], {
      BOTS_DIR: mkdtempSync(join(tmpdir(), 'strategy-crud-')),
      BOT_TIMEOUT_MS: '5000',
    });
    ({ alice, bob } = s);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function create(user: Registered, body: Record<string, unknown>): Promise<Record<string, any>> {
    const res = await http()
      .post(`${BASE}/`)
      .set(bearer(user.access))
      .send({ strategy_code: SMA_CROSS_BOT, ...body });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function setStaff(user: Registered, isStaff: boolean): Promise<void> {
    await db().update(users).set({ isStaff }).where(eq(users.id, user.id));
  }

  describe('create, read, update, delete', () => {
    it('creates a strategy and answers every field of the StrategySerializer', async () => {
      const tpl = await templates().create({ name: unique('Momentum base'), category: 'momentum', createdBy: alice.id });
      const res = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({
          name: 'SMA crossover',
          strategy_code: SMA_CROSS_BOT,
          description: 'Fast SMA over slow SMA',
          template: tpl.id,
          parameters: { fast: 5, slow: 20 },
          tags: ['momentum', 'tech'],
          timeframe: '1d',
          risk_level: 'medium',
          expected_return: 12.5,
          max_drawdown: '8.25',
        })
        .expect(201);
      const expected = {
        id: expect.any(Number),
        name: 'SMA crossover',
        description: 'Fast SMA over slow SMA',
        template: tpl.id,
        template_name: tpl.name,
        strategy_code: SMA_CROSS_BOT,
        parameters: { fast: 5, slow: 20 },
        status: 'draft',
        version: '1.0.0',
        tags: ['momentum', 'tech'],
        timeframe: '1d',
        risk_level: 'medium',
        expected_return: '12.5000',
        max_drawdown: '8.2500',
        file_path: null,
        bot_id: null,
        created_by: alice.id,
        created_by_username: 'alice',
        created_at: ISO,
        updated_at: ISO,
        last_validated: null,
      };
      expect(res.body).toEqual(expected);
      const got = await http().get(`${BASE}/${res.body.id}/`).set(bearer(alice.access)).expect(200);
      expect(got.body).toEqual({ ...expected, id: res.body.id, created_at: res.body.created_at, updated_at: res.body.updated_at });
      // Without the trailing slash too.
      await http().get(`${BASE}/${res.body.id}`).set(bearer(alice.access)).expect(200);
    });

    it('fills the defaults of the optional fields', async () => {
      const body = await create(alice, { name: unique('Minimal') });
      expect(body).toEqual(
        expect.objectContaining({
          description: '',
          template: null,
          template_name: null,
          parameters: {},
          status: 'draft',
          version: '1.0.0',
          tags: [],
          timeframe: '',
          risk_level: '',
          expected_return: null,
          max_drawdown: null,
        }),
      );
    });

    it('refuses a (name, version) the owner already has with a 400 naming name; another version is fine', async () => {
      const name = unique('Clash');
      await create(alice, { name });
      const clash = await http().post(`${BASE}/`).set(bearer(alice.access)).send({ name, strategy_code: SMA_CROSS_BOT }).expect(400);
      expect(clash.body).toEqual({ name: [expect.stringContaining(`"${name}" with version 1.0.0 already exists`)] });
      const v2 = await create(alice, { name, version: '2.0.0' });
      expect(v2.version).toBe('2.0.0');
      // Renaming onto a taken pair is refused too.
      const other = await create(alice, { name: unique('Other') });
      const patch = await http().patch(`${BASE}/${other.id}/`).set(bearer(alice.access)).send({ name, version: '2.0.0' }).expect(400);
      expect(Object.keys(patch.body)).toEqual(['name']);
    });

    it('keeps names per owner: another user can use the same (name, version) and learns nothing', async () => {
      const name = unique('Mine');
      const mine = await create(alice, { name });
      const theirs = await http().post(`${BASE}/`).set(bearer(bob.access)).send({ name, strategy_code: SMA_CROSS_BOT }).expect(201);
      expect(theirs.body).toMatchObject({ name, version: '1.0.0' });
      expect(theirs.body.id).not.toBe(mine.id);
      // create_strategy/ too, and each owner's auto template is "Template: <name>" (no "(2)" learned from the other).
      const shared = unique('Shared');
      const first = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(bob.access))
        .send({ name: shared, strategy_code: SMA_CROSS_BOT });
      const second = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: shared, strategy_code: SMA_CROSS_BOT });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(first.body.auto_created_template.name).toBe(`Template: ${shared}`);
      expect(second.body.auto_created_template.name).toBe(`Template: ${shared}`);
      await settled();
    });

    it('answers 400 naming each bad field', async () => {
      const missing = await http().post(`${BASE}/`).set(bearer(alice.access)).send({}).expect(400);
      expect(Object.keys(missing.body).sort()).toEqual(['name', 'strategy_code']);
      expect(missing.body.error).toBeUndefined();

      const bad = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({
          name: 'x'.repeat(201),
          strategy_code: SMA_CROSS_BOT,
          description: 'd'.repeat(20_001),
          tags: ['ok', 't'.repeat(51)],
          expected_return: '1.23456',
          max_drawdown: 1234567,
          status: 'excellent',
          parameters: [1, 2],
          template: 'three',
          surprise: true,
        })
        .expect(400);
      expect(Object.keys(bad.body).sort()).toEqual(
        ['description', 'expected_return', 'max_drawdown', 'name', 'parameters', 'status', 'surprise', 'tags', 'template'].sort(),
      );
      expect(bad.body.expected_return[0]).toContain('4 after it');

      const nulls = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({
          name: 'nulls',
          strategy_code: SMA_CROSS_BOT,
          description: null,
          tags: null,
          template: 99_999_999_999,
          expected_return: null,
        })
        .expect(400);
      expect(Object.keys(nulls.body).sort()).toEqual(['description', 'tags', 'template']);

      const tooMany = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({ name: 'many', strategy_code: SMA_CROSS_BOT, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })
        .expect(400);
      expect(Object.keys(tooMany.body)).toEqual(['tags']);
    });

    it('refuses a template that is not yours with a 400 naming template', async () => {
      const bobs = await templates().create({ name: unique('Bob template'), category: 'bob', createdBy: bob.id });
      const res = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({ name: unique('T'), strategy_code: SMA_CROSS_BOT, template: bobs.id })
        .expect(400);
      expect(res.body).toEqual({ template: [`Invalid pk "${bobs.id}" - object does not exist.`] });
      const system = await templates().create({
        name: unique('System template'),
        category: 'system',
        isSystemTemplate: true,
        createdBy: null,
      });
      const ok = await create(alice, { name: unique('On system'), template: system.id });
      expect(ok.template_name).toBe(system.name);
    });

    it('refuses strategy_code over 200 KB with a 400 saying so, and a body over 1 MB with a 413', async () => {
      const big = `// ${'x'.repeat(200 * 1024)}\n${SMA_CROSS_BOT}`;
      const res = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({ name: unique('Big'), strategy_code: big })
        .expect(400);
      expect(res.body).toEqual({ strategy_code: ['strategy_code must be at most 204800 bytes (200 KB) of UTF-8'] });
      const huge = await http()
        .post(`${BASE}/`)
        .set(bearer(alice.access))
        .send({ name: unique('Huge'), strategy_code: 'x'.repeat(1_100_000) })
        .expect(413);
      expect(huge.body.error).toBe('Request body is too large');
    });

    it('answers 400 (not 500) for an id that is not a positive integer', async () => {
      for (const id of ['abc', '1.5', '0', '-3', '99999999999']) {
        const res = await http().get(`${BASE}/${id}/`).set(bearer(alice.access)).expect(400);
        expect(res.body).toEqual({ id: ['id must be a positive integer'] });
      }
      await http().patch(`${BASE}/abc/`).set(bearer(alice.access)).send({ name: 'x' }).expect(400);
      await http().delete(`${BASE}/abc/`).set(bearer(alice.access)).expect(400);
      await http().post(`${BASE}/abc/validate_strategy/`).set(bearer(alice.access)).send({}).expect(400);
      await http().get(`${BASE}/abc/validation_history/`).set(bearer(alice.access)).expect(400);
      await http().get(`${BASE}/123456/`).set(bearer(alice.access)).expect(404);
      // Static actions of other controllers on this prefix are matched before `:id`.
      await http().get(`${BASE}/available_indicators/`).set(bearer(alice.access)).expect(200);
    });

    it('PATCH changes only the fields sent; PUT needs name and strategy_code', async () => {
      const made = await create(alice, { name: unique('Editable'), description: 'before', tags: ['a'], expected_return: 3 });
      const patched = await http()
        .patch(`${BASE}/${made.id}/`)
        .set(bearer(alice.access))
        .send({ description: 'after', expected_return: null, status: 'active' })
        .expect(200);
      expect(patched.body).toEqual({ ...made, description: 'after', expected_return: null, status: 'active', updated_at: ISO });
      expect(Date.parse(patched.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(made.updated_at));

      const nulls = await http()
        .patch(`${BASE}/${made.id}/`)
        .set(bearer(alice.access))
        .send({ name: null, strategy_code: null, parameters: null, status: null })
        .expect(400);
      expect(Object.keys(nulls.body).sort()).toEqual(['name', 'parameters', 'status', 'strategy_code']);

      const noName = await http().put(`${BASE}/${made.id}/`).set(bearer(alice.access)).send({ description: 'x' }).expect(400);
      expect(Object.keys(noName.body).sort()).toEqual(['name', 'strategy_code']);
      const put = await http()
        .put(`${BASE}/${made.id}/`)
        .set(bearer(alice.access))
        .send({ name: `${made.name} renamed`, strategy_code: IDLE_BOT })
        .expect(200);
      expect(put.body).toEqual({ ...patched.body, name: `${made.name} renamed`, strategy_code: IDLE_BOT, updated_at: ISO });
    });

    it('DELETE answers 204, removes the validations and unlinks the template', async () => {
      const created = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('Doomed'), strategy_code: SMA_CROSS_BOT })
        .expect(201);
      await settled();
      const id = created.body.id;
      expect((await db().select().from(strategyValidations).where(eq(strategyValidations.strategyId, id))).length).toBe(1);
      await http().post('/api/strategies/bot-performance/verify_bot/').set(bearer(alice.access)).send({ strategy_id: id }).expect(200);
      expect((await db().select().from(botTestRuns).where(eq(botTestRuns.strategyId, id))).length).toBe(1);
      await http().delete(`${BASE}/${id}/`).set(bearer(alice.access)).expect(204);
      expect(await db().select().from(botPerformance).where(eq(botPerformance.strategyId, id))).toEqual([]);
      expect(await db().select().from(botTestRuns).where(eq(botTestRuns.strategyId, id))).toEqual([]);
      await http().get(`${BASE}/${id}/`).set(bearer(alice.access)).expect(404);
      await http().delete(`${BASE}/${id}/`).set(bearer(alice.access)).expect(404);
      expect(await db().select().from(strategyValidations).where(eq(strategyValidations.strategyId, id))).toEqual([]);
      const tpl = await templates().byId(created.body.auto_created_template.id);
      expect(tpl?.linkedStrategyId).toBeNull();
    });

    it('documents every endpoint in Swagger under the strategies tag', async () => {
      const doc = (await http().get('/docs-json').expect(200)).body;
      const ops = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
      expect(ops('/api/strategies/strategies')).toEqual(expect.arrayContaining(['get', 'post']));
      expect(ops('/api/strategies/strategies/{id}')).toEqual(expect.arrayContaining(['delete', 'get', 'patch', 'put']));
      for (const p of [
        '/api/strategies/strategies/{id}/validation_history',
        '/api/strategies/strategies/{id}/performance_history',
        '/api/strategies/api/categories',
        '/api/strategies/api/health',
      ]) {
        expect(doc.paths[p].get.tags).toEqual(['strategies']);
      }
      for (const p of [
        '/api/strategies/strategies/{id}/validate_strategy',
        '/api/strategies/api/create_strategy',
        '/api/strategies/api/search',
      ]) {
        expect(doc.paths[p].post.tags).toEqual(['strategies']);
      }
      expect(doc.components.schemas.CreateStrategyDto.required).toEqual(['name', 'strategy_code']);
      expect(doc.components.schemas.CreateStrategyResponseDto.properties.auto_created_template).toBeDefined();
    });

    it('needs a token', async () => {
      const res = await http().get(`${BASE}/`).expect(401);
      expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
      await http().post(`${API}/search/`).send({}).expect(401);
    });
  });

  describe('list', () => {
    let carol: Registered;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      carol = await register(s.t.app, 'carol');
      const momentum = await templates().create({ name: unique('Carol momentum'), category: 'carol-momentum', createdBy: carol.id });
      ids.a = (
        await create(carol, {
          name: 'Carol Alpha',
          description: 'breakout on volume',
          tags: ['x', 'y', 'z'],
          status: 'valid',
          template: momentum.id,
        })
      ).id;
      ids.b = (await create(carol, { name: 'Carol Beta', description: 'mean reversion', tags: ['x'], status: 'valid' })).id;
      ids.c = (await create(carol, { name: 'Carol Gamma', description: 'VOLUME spikes', tags: ['y', 'x'], status: 'draft' })).id;
    });

    const list = (query: string, who: Registered = carol) => http().get(`${BASE}/${query}`).set(bearer(who.access)).expect(200);
    const idsOf = (res: request.Response) => res.body.results.map((r: { id: number }) => r.id);

    it("lists the caller's strategies newest first in the list shape (no code, no parameters)", async () => {
      const res = await list('');
      expect(res.body.count).toBe(3);
      expect(res.body.next).toBeNull();
      expect(res.body.previous).toBeNull();
      expect(idsOf(res)).toEqual([ids.c, ids.b, ids.a]);
      expect(res.body.results[2]).toEqual({
        id: ids.a,
        name: 'Carol Alpha',
        description: 'breakout on volume',
        template: expect.any(Number),
        template_name: expect.stringContaining('Carol momentum'),
        status: 'valid',
        version: '1.0.0',
        tags: ['x', 'y', 'z'],
        timeframe: '',
        risk_level: '',
        expected_return: null,
        max_drawdown: null,
        file_path: null,
        bot_id: null,
        created_by: carol.id,
        created_by_username: 'carol',
        created_at: ISO,
        updated_at: ISO,
        last_validated: null,
        validation_status: null,
        latest_performance: null,
      });
    });

    it("adds each strategy's newest validation and performance record, as Django's list did", async () => {
      const made = await create(alice, { name: unique('Summarised') });
      const validated = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['syntax'] })
        .expect(200);
      await http()
        .post('/api/strategies/performance/')
        .set(bearer(alice.access))
        .send({ strategy: made.id, backtest_id: 'bt-1', total_return: '12.5', sharpe_ratio: '1.2', max_drawdown: '-8.25', win_rate: '55' })
        .expect(201);
      const res = await http().get(BASE).query({ search: made.name }).set(bearer(alice.access)).expect(200);
      const item = res.body.results.find((r: { id: number }) => r.id === made.id);
      expect(item.validation_status).toEqual({
        status: 'passed',
        score: '100.00',
        created_at: validated.body.validation_results[0].created_at,
      });
      expect(item.latest_performance).toEqual({
        total_return: '12.500000',
        sharpe_ratio: '1.200000',
        max_drawdown: '-8.250000',
        win_rate: '55.00',
        created_at: ISO,
      });
    });

    it('filters by status, category, every tag and search text', async () => {
      expect(idsOf(await list('?status=valid'))).toEqual([ids.b, ids.a]);
      expect(idsOf(await list('?category=carol-momentum'))).toEqual([ids.a]);
      expect(idsOf(await list('?tags=x&tags=y'))).toEqual([ids.c, ids.a]);
      expect(idsOf(await list('?tags=z'))).toEqual([ids.a]);
      expect(idsOf(await list('?search=volume'))).toEqual([ids.c, ids.a]);
      expect(idsOf(await list('?search=100%25'))).toEqual([]);
      expect(idsOf(await list('?status=valid&tags=y&search=breakout'))).toEqual([ids.a]);
      const bad = await http().get(`${BASE}/?page=0&sort=name`).set(bearer(carol.access)).expect(400);
      expect(Object.keys(bad.body).sort()).toEqual(['page', 'sort']);
    });

    it('paginates by 50 with DRF links', async () => {
      const dave = await register(s.t.app, 'dave');
      for (let i = 0; i < 52; i++) await create(dave, { name: `Dave ${i}` });
      const first = await list('', dave);
      expect(first.body).toMatchObject({ count: 52, next: '?page=2', previous: null });
      expect(first.body.results).toHaveLength(50);
      expect(first.body.results[0].name).toBe('Dave 51');
      const second = await list('?page=2', dave);
      expect(second.body).toMatchObject({ count: 52, next: null, previous: '?page=1' });
      expect(second.body.results.map((r: { name: string }) => r.name)).toEqual(['Dave 1', 'Dave 0']);
      expect((await list('?page=3', dave)).body.results).toEqual([]);
    });

    it("shows only your own strategies; staff see everyone's", async () => {
      const bobs = await list('', bob);
      expect(idsOf(bobs)).not.toEqual(expect.arrayContaining([ids.a]));
      expect(bobs.body.results.every((r: { created_by: number }) => r.created_by === bob.id)).toBe(true);
      await setStaff(bob, true);
      try {
        const all = await list('?tags=x', bob);
        expect(idsOf(all)).toEqual(expect.arrayContaining([ids.a, ids.b, ids.c]));
        await http().get(`${BASE}/${ids.a}/`).set(bearer(bob.access)).expect(200);
      } finally {
        await setStaff(bob, false);
      }
    });
  });

  describe('ownership', () => {
    it("answers 404 to bob for everything about alice's strategy", async () => {
      const mine = await create(alice, { name: unique('Private') });
      const as = (req: request.Test) => req.set(bearer(bob.access));
      for (const req of [
        as(http().get(`${BASE}/${mine.id}/`)),
        as(http().patch(`${BASE}/${mine.id}/`).send({ description: 'hacked' })),
        as(http().put(`${BASE}/${mine.id}/`).send({ name: 'hacked', strategy_code: IDLE_BOT })),
        as(http().delete(`${BASE}/${mine.id}/`)),
        as(http().post(`${BASE}/${mine.id}/validate_strategy/`).send({})),
        as(http().get(`${BASE}/${mine.id}/validation_history/`)),
        as(http().get(`${BASE}/${mine.id}/performance_history/`)),
      ]) {
        const res = await req.expect(404);
        expect(res.body).toEqual({ detail: 'Not found.' });
      }
      const still = await http().get(`${BASE}/${mine.id}/`).set(bearer(alice.access)).expect(200);
      expect(still.body).toEqual(mine);
    });
  });

  describe('validate_strategy', () => {
    const validationRow = (made: Record<string, any>, type: string, status: string, score: string) => ({
      id: expect.any(Number),
      strategy: made.id,
      strategy_name: made.name,
      validation_type: type,
      status,
      score,
      passed_checks: expect.any(Array),
      failed_checks: expect.any(Array),
      warnings: expect.any(Array),
      recommendations: expect.any(Array),
      validator_version: 'sandbox-1.0',
      validation_config: { strict_mode: false, use_gemini: false, symbol: 'AAPL', period: '1y', interval: '1d' },
      execution_time: expect.stringMatching(/^\d+\.\d{3}$/),
      created_at: ISO,
      completed_at: ISO,
    });

    it('runs syntax and backtest checks on a working bot → passed, status valid', async () => {
      const made = await create(alice, { name: unique('Validated') });
      // No body at all: the defaults (syntax + backtest).
      const res = await http().post(`${BASE}/${made.id}/validate_strategy/`).set(bearer(alice.access)).expect(200);
      expect(res.body).toEqual({
        strategy_id: made.id,
        validation_results: [validationRow(made, 'syntax', 'passed', '100.00'), validationRow(made, 'backtest', 'passed', '100.00')],
        overall_result: 'passed',
        skipped_types: [],
      });
      const [syntax, backtest] = res.body.validation_results;
      expect(syntax.passed_checks.map((c: { check: string }) => c.check)).toEqual(['syntax', 'sandbox_rules', 'module_contract']);
      expect(syntax.failed_checks).toEqual([]);
      expect(backtest.passed_checks).toEqual([
        { check: 'static_checks', message: 'Syntax, sandbox rules and module contract' },
        {
          check: 'backtest_run',
          message: expect.stringMatching(/^Ran over \d+ bars: \d+ trades/),
          metrics: {
            return_pct: expect.any(Number),
            num_trades: expect.any(Number),
            win_rate: expect.any(Number),
            sharpe_ratio: expect.any(Number),
            max_drawdown: expect.any(Number),
            execution_time: expect.any(Number),
          },
        },
      ]);
      const after = await http().get(`${BASE}/${made.id}/`).set(bearer(alice.access)).expect(200);
      expect(after.body.status).toBe('valid');
      expect(after.body.last_validated).toEqual(res.body.validation_results[0].completed_at);

      const history = await http().get(`${BASE}/${made.id}/validation_history/`).set(bearer(alice.access)).expect(200);
      expect(history.body.map((v: { id: number }) => v.id).sort()).toEqual(
        res.body.validation_results.map((v: { id: number }) => v.id).sort(),
      );
      expect(history.body).toEqual(expect.arrayContaining(res.body.validation_results));
    });

    it('reports a run-time error in failed_checks and sets status invalid', async () => {
      const made = await create(alice, { name: unique('Broken'), strategy_code: RUNTIME_BROKEN_BOT });
      const res = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['backtest', 'syntax'] })
        .expect(200);
      expect(res.body.overall_result).toBe('failed');
      const [backtest, syntax] = res.body.validation_results;
      expect(backtest).toEqual(validationRow(made, 'backtest', 'failed', '50.00'));
      expect(backtest.failed_checks).toEqual([
        { check: 'backtest_run', error_type: 'reference', message: expect.stringContaining('undefinedHelper') },
      ]);
      expect(backtest.recommendations).toHaveLength(1);
      expect(syntax.status).toBe('passed');
      expect((await http().get(`${BASE}/${made.id}/`).set(bearer(alice.access))).body.status).toBe('invalid');
      // Newest first.
      const second = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['syntax'] })
        .expect(200);
      const history = await http().get(`${BASE}/${made.id}/validation_history/`).set(bearer(alice.access)).expect(200);
      expect(history.body).toHaveLength(3);
      expect(history.body[0]).toEqual(second.body.validation_results[0]);
    });

    it('names the failing static check of a syntax error', async () => {
      const made = await create(alice, { name: unique('Syntax'), strategy_code: SYNTAX_BROKEN_BOT });
      const res = await http().post(`${BASE}/${made.id}/validate_strategy/`).set(bearer(alice.access)).send({}).expect(200);
      const [syntax, backtest] = res.body.validation_results;
      expect(syntax).toEqual(validationRow(made, 'syntax', 'failed', '0.00'));
      expect(syntax.failed_checks).toEqual([{ check: 'syntax', error_type: 'syntax', message: expect.stringContaining('line 1') }]);
      expect(backtest.failed_checks).toEqual([{ check: 'static_checks', error_type: 'syntax', message: syntax.failed_checks[0].message }]);
    });

    it('fails a bot without trades only in strict mode', async () => {
      const made = await create(alice, { name: unique('Idle'), strategy_code: IDLE_BOT });
      const lenient = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['backtest'] })
        .expect(200);
      expect(lenient.body.overall_result).toBe('passed');
      expect(lenient.body.validation_results[0].warnings).toEqual([
        { check: 'trades', message: 'The bot made no trades over the test period' },
      ]);
      const strict = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['backtest'], config: { strict_mode: true, use_gemini: true } })
        .expect(200);
      expect(strict.body.overall_result).toBe('failed');
      expect(strict.body.validation_results[0]).toEqual({
        ...validationRow(made, 'backtest', 'failed', '66.67'),
        validation_config: { strict_mode: true, use_gemini: true, symbol: 'AAPL', period: '1y', interval: '1d' },
      });
    });

    it('answers 503 when market data is unavailable, saving nothing', async () => {
      const made = await create(alice, { name: unique('Offline') });
      const spy = jest
        .spyOn(s.t.app.get(MarketDataProvider), 'getBars')
        .mockRejectedValueOnce(new DomainError(ErrorCode.UpstreamUnavailable, 'Market data unavailable', 'yahoo timed out'));
      try {
        const res = await http().post(`${BASE}/${made.id}/validate_strategy/`).set(bearer(alice.access)).send({}).expect(503);
        expect(res.body).toEqual({ error: 'Market data unavailable', details: 'yahoo timed out' });
      } finally {
        spy.mockRestore();
      }
      expect((await http().get(`${BASE}/${made.id}/validation_history/`).set(bearer(alice.access))).body).toEqual([]);
      expect((await http().get(`${BASE}/${made.id}/`).set(bearer(alice.access))).body.status).toBe('draft');
    });

    it('fails code that is not a bot with 200 (strategy invalid), accepts any validation type, and answers 400 for a bad body', async () => {
      const made = await create(alice, { name: unique('Canonical'), strategy_code: CANONICAL_JSON });
      const res = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ strategy_id: made.id })
        .expect(200);
      expect(res.body.overall_result).toBe('failed');
      expect(res.body.skipped_types).toEqual([]);
      expect(res.body.validation_results.map((v: { validation_type: string; status: string }) => [v.validation_type, v.status])).toEqual([
        ['syntax', 'failed'],
        ['backtest', 'failed'],
      ]);
      expect(res.body.validation_results[0].failed_checks).toEqual([{ check: 'bot', message: NOT_A_BOT }]);
      expect((await http().get(`${BASE}/${made.id}/`).set(bearer(alice.access))).body.status).toBe('invalid');
      const django = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['syntax', 'logic', 'security'] })
        .expect(200);
      expect(django.body.validation_results.map((v: { validation_type: string }) => v.validation_type)).toEqual(['syntax']);
      expect(django.body.skipped_types).toEqual(['logic', 'security']);
      const none = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['vibes'] })
        .expect(200);
      expect(none.body).toEqual({ strategy_id: made.id, validation_results: [], overall_result: 'skipped', skipped_types: ['vibes'] });
      const bad = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ validation_types: ['syntax', 7], config: { strict_mode: 'yes' } })
        .expect(400);
      expect(Object.keys(bad.body).sort()).toEqual(['config.strict_mode', 'validation_types']);
      const other = await http()
        .post(`${BASE}/${made.id}/validate_strategy/`)
        .set(bearer(alice.access))
        .send({ strategy_id: made.id + 1000 })
        .expect(400);
      expect(other.body).toEqual({ strategy_id: ['must be the strategy in the path'] });
      expect((await http().get(`${BASE}/${made.id}/validation_history/`).set(bearer(alice.access))).body).toHaveLength(3);
    });
  });

  describe('performance_history', () => {
    it('lists performance records newest first with every field', async () => {
      const made = await create(alice, { name: unique('Performer') });
      const [older] = await db()
        .insert(strategyPerformance)
        .values({
          strategyId: made.id,
          backtestId: 'bt-1',
          totalReturn: '0.125',
          winRate: '55.5',
          totalTrades: 20,
          winningTrades: 11,
          losingTrades: 9,
          startDate: '2025-01-01',
          endDate: '2025-12-31',
          initialCapital: '10000',
          finalCapital: '11250.5',
          createdAt: new Date('2026-01-01T00:00:00Z'),
        })
        .returning();
      const [newer] = await db()
        .insert(strategyPerformance)
        .values({ strategyId: made.id, backtestId: 'bt-2', createdAt: new Date('2026-02-01T00:00:00Z') })
        .returning();
      const res = await http().get(`${BASE}/${made.id}/performance_history/`).set(bearer(alice.access)).expect(200);
      expect(res.body.map((p: { id: number }) => p.id)).toEqual([newer.id, older.id]);
      expect(res.body[1]).toEqual({
        id: older.id,
        strategy: made.id,
        strategy_name: made.name,
        backtest_id: 'bt-1',
        total_return: '0.125000',
        annualized_return: null,
        volatility: null,
        sharpe_ratio: null,
        max_drawdown: null,
        profit_factor: null,
        avg_trade_return: null,
        win_rate: '55.50',
        total_trades: 20,
        winning_trades: 11,
        losing_trades: 9,
        start_date: '2025-01-01',
        end_date: '2025-12-31',
        initial_capital: '10000.00',
        final_capital: '11250.50',
        created_at: '2026-01-01T00:00:00.000Z',
      });
    });
  });

  describe('POST /api/strategies/api/create_strategy/', () => {
    it('creates the strategy validating with its template linked both ways, then validates it in the background', async () => {
      const name = unique('Auto');
      const res = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({
          name,
          strategy_code: SMA_CROSS_BOT,
          description: 'auto',
          parameters: { fast: 5 },
          tags: ['auto'],
          timeframe: '1d',
          risk_level: 'low',
          expected_return: '7.5',
          max_drawdown: 3,
        })
        .expect(201);
      const templateId = res.body.auto_created_template.id;
      expect(res.body).toEqual({
        id: expect.any(Number),
        name,
        description: 'auto',
        template: templateId,
        template_name: `Template: ${name}`,
        strategy_code: SMA_CROSS_BOT,
        parameters: { fast: 5 },
        status: 'validating',
        version: '1.0.0',
        tags: ['auto'],
        timeframe: '1d',
        risk_level: 'low',
        expected_return: '7.5000',
        max_drawdown: '3.0000',
        file_path: null,
        bot_id: null,
        created_by: alice.id,
        created_by_username: 'alice',
        created_at: ISO,
        updated_at: ISO,
        last_validated: null,
        auto_created_template: {
          id: templateId,
          name: `Template: ${name}`,
          message: `Template "Template: ${name}" was created and linked to this strategy`,
        },
        validation_message: expect.stringContaining('background'),
      });
      const tpl = await templates().byId(templateId);
      expect(tpl).toMatchObject({
        name: `Template: ${name}`,
        category: 'custom',
        linkedStrategyId: res.body.id,
        createdBy: alice.id,
        templateCode: SMA_CROSS_BOT,
        latestStrategyCode: SMA_CROSS_BOT,
        latestParameters: { fast: 5 },
      });

      await settled();
      const after = await http().get(`${BASE}/${res.body.id}/`).set(bearer(alice.access)).expect(200);
      expect(after.body.status).toBe('valid');
      expect(after.body.last_validated).toEqual(ISO);
      const history = await http().get(`${BASE}/${res.body.id}/validation_history/`).set(bearer(alice.access)).expect(200);
      expect(history.body).toHaveLength(1);
      expect(history.body[0]).toMatchObject({ strategy: res.body.id, validation_type: 'backtest', status: 'passed', score: '100.00' });
    });

    it("uniquifies the template name among the owner's own templates", async () => {
      const name = unique('Dup');
      await templates().create({ name: `Template: ${name}`, category: 'x', createdBy: alice.id });
      const res = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name, strategy_code: SMA_CROSS_BOT })
        .expect(201);
      expect(res.body.auto_created_template.name).toBe(`Template: ${name} (2)`);
      expect(res.body.template).toBe(res.body.auto_created_template.id);
      await settled();
    });

    it('uses the given template_id (yours or a system one) and creates no other template', async () => {
      const own = await templates().create({ name: unique('Alice trend'), category: 'trend', createdBy: alice.id });
      const system = await templates().create({ name: unique('System trend'), category: 'trend', isSystemTemplate: true });
      for (const source of [own, system]) {
        const before = (await http().get('/api/strategies/templates/').set(bearer(alice.access)).expect(200)).body.count;
        const name = unique('On template');
        const res = await http()
          .post(`${API}/create_strategy/`)
          .set(bearer(alice.access))
          .send({ name, strategy_code: SMA_CROSS_BOT, template_id: source.id })
          .expect(201);
        expect(res.body).toMatchObject({ name, template: source.id, template_name: source.name, auto_created_template: null });
        expect((await http().get('/api/strategies/templates/').set(bearer(alice.access)).expect(200)).body.count).toBe(before);
        expect(await templates().byId(source.id)).toMatchObject({ name: source.name, linkedStrategyId: source.linkedStrategyId });
        await settled();
      }
    });

    it('skips the template on request', async () => {
      const res = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('No template'), strategy_code: SMA_CROSS_BOT, skip_template_creation: true })
        .expect(201);
      expect(res.body).toMatchObject({ template: null, template_name: null, auto_created_template: null, status: 'validating' });
      await settled();
    });

    it('marks a broken bot invalid with failed_checks naming the error', async () => {
      const res = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('Broken auto'), strategy_code: RUNTIME_BROKEN_BOT })
        .expect(201);
      expect(res.body.status).toBe('validating');
      await settled();
      expect((await http().get(`${BASE}/${res.body.id}/`).set(bearer(alice.access))).body.status).toBe('invalid');
      const history = await http().get(`${BASE}/${res.body.id}/validation_history/`).set(bearer(alice.access)).expect(200);
      expect(history.body[0]).toMatchObject({
        validation_type: 'backtest',
        status: 'failed',
        failed_checks: [
          { check: 'backtest_run', error_type: 'reference', message: expect.stringContaining('undefinedHelper is not defined') },
        ],
      });
    });

    it('marks canonical JSON invalid: it is not a bot yet', async () => {
      const res = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('JSON auto'), strategy_code: CANONICAL_JSON })
        .expect(201);
      await settled();
      const history = await http().get(`${BASE}/${res.body.id}/validation_history/`).set(bearer(alice.access)).expect(200);
      expect(history.body[0]).toMatchObject({ status: 'failed', failed_checks: [{ check: 'bot', message: NOT_A_BOT }] });
      expect((await http().get(`${BASE}/${res.body.id}/`).set(bearer(alice.access))).body.status).toBe('invalid');
    });

    it('records an error validation (status invalid) when market data is unavailable', async () => {
      const spy = jest
        .spyOn(s.t.app.get(MarketDataProvider), 'getBars')
        .mockRejectedValueOnce(new DomainError(ErrorCode.UpstreamUnavailable, 'Market data unavailable', 'yahoo timed out'));
      try {
        const res = await http()
          .post(`${API}/create_strategy/`)
          .set(bearer(alice.access))
          .send({ name: unique('No data'), strategy_code: SMA_CROSS_BOT })
          .expect(201);
        await settled();
        const history = await http().get(`${BASE}/${res.body.id}/validation_history/`).set(bearer(alice.access)).expect(200);
        expect(history.body[0]).toMatchObject({
          status: 'error',
          score: '0.00',
          failed_checks: [{ check: 'test_run', message: 'Market data unavailable: yahoo timed out' }],
        });
        expect((await http().get(`${BASE}/${res.body.id}/`).set(bearer(alice.access))).body.status).toBe('invalid');
      } finally {
        spy.mockRestore();
      }
    });

    it("retries a background validation that could not save: the job's next attempt saves it", async () => {
      const repo = s.t.app.get(StrategiesRepository);
      const real = repo.transaction.bind(repo);
      // The first transaction (the create) is real; the second (the background save) fails.
      const spy = jest.spyOn(repo, 'transaction').mockImplementationOnce(real).mockRejectedValueOnce(new Error('database went away'));
      let res: request.Response;
      try {
        res = await http()
          .post(`${API}/create_strategy/`)
          .set(bearer(alice.access))
          .send({ name: unique('Unsaved'), strategy_code: SMA_CROSS_BOT, skip_template_creation: true })
          .expect(201);
        // the failed attempt puts the job back in line after its backoff, on the app's (fake) clock
        const queue = s.t.app.get(JobQueue);
        while ((await queue.counts())['strategies.validate'].delayed === 0) await new Promise((resolve) => setTimeout(resolve, 25));
        s.t.clock.advance(60_000);
        await settled();
      } finally {
        spy.mockRestore();
      }
      expect(s.t.logs.text).toContain('job failed unexpectedly');
      expect(s.t.logs.text).toContain('database went away');
      expect((await http().get(`${BASE}/${res.body.id}/`).set(bearer(alice.access)).expect(200)).body.status).toBe('valid');
    });

    it('refuses a taken name, a bad body and a foreign template, saving nothing', async () => {
      const name = unique('Taken');
      await create(alice, { name });
      const before = await s.t.app.get(StrategiesRepository).countAll();
      const clash = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name, strategy_code: SMA_CROSS_BOT })
        .expect(400);
      expect(Object.keys(clash.body.details)).toEqual(['name']);
      const bad = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ strategy_code: 42, tags: 'x', skip_template_creation: 'no', template: 3 })
        .expect(400);
      expect(Object.keys(bad.body.details).sort()).toEqual(['name', 'skip_template_creation', 'strategy_code', 'tags', 'template']);
      const bobs = await templates().create({ name: unique('Bob only'), category: 'b', createdBy: bob.id });
      const foreign = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('F'), strategy_code: SMA_CROSS_BOT, template_id: bobs.id })
        .expect(404);
      expect(foreign.body).toEqual({ error: 'Template not found', details: { id: bobs.id } });
      const missing = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('F'), strategy_code: SMA_CROSS_BOT, template_id: 99_999_999 })
        .expect(404);
      expect(missing.body.error).toBe('Template not found');
      for (const template_id of ['abc', 0, 1.5, -3]) {
        const badId = await http()
          .post(`${API}/create_strategy/`)
          .set(bearer(alice.access))
          .send({ name: unique('F'), strategy_code: SMA_CROSS_BOT, template_id })
          .expect(400);
        expect(Object.keys(badId.body.details)).toEqual(['template_id']);
      }
      const big = await http()
        .post(`${API}/create_strategy/`)
        .set(bearer(alice.access))
        .send({ name: unique('Big'), strategy_code: 'x'.repeat(205_000) })
        .expect(400);
      expect(big.body.details.strategy_code[0]).toContain('200 KB');
      expect(await s.t.app.get(StrategiesRepository).countAll()).toBe(before);
    });
  });

  describe('search, categories and health', () => {
    let erin: Registered;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      erin = await register(s.t.app, 'erin');
      const tpl = await templates().create({ name: unique('Erin swing'), category: 'erin-swing', createdBy: erin.id });
      ids.a = (
        await create(erin, {
          name: 'Erin RSI dip',
          description: 'buys oversold',
          tags: ['rsi', 'daily'],
          status: 'valid',
          risk_level: 'low',
          timeframe: '1d',
          template: tpl.id,
        })
      ).id;
      ids.b = (
        await create(erin, {
          name: 'Erin breakout',
          description: 'RSI confirmation',
          tags: ['rsi'],
          status: 'draft',
          risk_level: 'high',
          timeframe: '1h',
        })
      ).id;
    });

    const search = (body: Record<string, unknown>, who: Registered = erin) =>
      http().post(`${API}/search/`).set(bearer(who.access)).send(body).expect(200);
    const idsOf = (res: request.Response) => res.body.strategies.map((r: { id: number }) => r.id);

    it('searches with every filter and answers {strategies, count}', async () => {
      const all = await search({});
      expect(all.body.count).toBe(2);
      expect(idsOf(all)).toEqual([ids.b, ids.a]);
      expect(all.body.strategies[1]).toEqual({
        id: ids.a,
        name: 'Erin RSI dip',
        description: 'buys oversold',
        template: expect.any(Number),
        template_name: expect.stringContaining('Erin swing'),
        status: 'valid',
        version: '1.0.0',
        tags: ['rsi', 'daily'],
        timeframe: '1d',
        risk_level: 'low',
        expected_return: null,
        max_drawdown: null,
        file_path: null,
        bot_id: null,
        created_by: erin.id,
        created_by_username: 'erin',
        validation_status: null,
        latest_performance: null,
        created_at: ISO,
        updated_at: ISO,
        last_validated: null,
      });
      expect(idsOf(await search({ query: 'rsi' }))).toEqual([ids.b, ids.a]);
      expect(idsOf(await search({ query: 'oversold' }))).toEqual([ids.a]);
      expect(idsOf(await search({ category: 'erin-swing' }))).toEqual([ids.a]);
      expect(idsOf(await search({ tags: ['rsi', 'daily'] }))).toEqual([ids.a]);
      expect(idsOf(await search({ status: 'draft' }))).toEqual([ids.b]);
      expect(idsOf(await search({ risk_level: 'high' }))).toEqual([ids.b]);
      expect(idsOf(await search({ timeframe: '1d' }))).toEqual([ids.a]);
      expect(idsOf(await search({ created_by: 'erin' }))).toEqual([ids.b, ids.a]);
      expect(idsOf(await search({ query: null, category: null, tags: null, status: null, page: null }))).toEqual([ids.b, ids.a]);
      expect(await search({ created_by: 'nobody' }).then((r) => r.body)).toEqual({ strategies: [], count: 0 });
    });

    it("never shows someone else's strategies", async () => {
      const res = await search({ created_by: 'erin' }, bob);
      expect(res.body).toEqual({ strategies: [], count: 0 });
    });

    it('answers 400 naming bad search fields', async () => {
      const res = await http().post(`${API}/search/`).set(bearer(erin.access)).send({ tags: 'rsi', status: 5, foo: 1 }).expect(400);
      expect(Object.keys(res.body.details).sort()).toEqual(['foo', 'status', 'tags']);
    });

    it('lists the template categories the caller can see', async () => {
      const res = await http().get(`${API}/categories/`).set(bearer(erin.access)).expect(200);
      expect(Object.keys(res.body)).toEqual(['categories']);
      expect(res.body.categories).toContain('erin-swing');
      expect(res.body.categories).not.toContain('carol-momentum');
      expect([...res.body.categories].sort()).toEqual(res.body.categories);
    });

    it('reports health with the counts', async () => {
      const res = await http().get(`${API}/health/`).set(bearer(erin.access)).expect(200);
      expect(res.body).toEqual({
        status: 'healthy',
        database: 'connected',
        strategies_count: await s.t.app.get(StrategiesRepository).countAll(),
        templates_count: await templates().countAll(),
        validator_available: true,
        generator_available: true,
        timestamp: ISO,
      });
    });

    it('answers 503 unhealthy when the database fails', async () => {
      const spy = jest.spyOn(s.t.app.get(StrategiesRepository), 'countAll').mockRejectedValueOnce(new Error('connection refused'));
      try {
        const res = await http().get(`${API}/health/`).set(bearer(erin.access)).expect(503);
        expect(res.body).toEqual({ status: 'unhealthy', error: 'Database unavailable', details: 'connection refused' });
      } finally {
        spy.mockRestore();
      }
    });
  });

  it('answered no request with an unhandled error (500)', () => {
    expect(s.t.logs.text).not.toContain('Unhandled error');
  });
});

describe('strategies with ALLOW_ANONYMOUS=true on PostgreSQL', () => {
  let s: TwoUsers;
  const http = () => request(s.t.app.getHttpServer());

  beforeAll(async () => {
    s = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1' }], {
      ALLOW_ANONYMOUS: 'true',
      BOTS_DIR: mkdtempSync(join(tmpdir(), 'strategy-crud-anon-')),
      BOT_TIMEOUT_MS: '5000',
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lets the anonymous user own the strategies created without a token, apart from signed-in users', async () => {
    const anon = await http().post(`${BASE}/`).send({ name: 'Anonymous idea', strategy_code: SMA_CROSS_BOT }).expect(201);
    expect(anon.body).toMatchObject({ created_by: null, created_by_username: null });
    const alices = await http()
      .post(`${BASE}/`)
      .set(bearer(s.alice.access))
      .send({ name: 'Alice idea', strategy_code: SMA_CROSS_BOT })
      .expect(201);

    const anonList = await http().get(`${BASE}/`).expect(200);
    expect(anonList.body.results.map((r: { id: number }) => r.id)).toEqual([anon.body.id]);
    await http().get(`${BASE}/${alices.body.id}/`).expect(404);
    await http().get(`${BASE}/${anon.body.id}/`).set(bearer(s.alice.access)).expect(404);

    const created = await http().post(`${API}/create_strategy/`).send({ name: 'Anonymous auto', strategy_code: SMA_CROSS_BOT }).expect(201);
    await s.t.app.get(BotValidationService).settled();
    expect((await http().get(`${BASE}/${created.body.id}/`).expect(200)).body.status).toBe('valid');
  });
});
