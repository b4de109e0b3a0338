import { eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { strategies, strategyValidations, users } from '../../src/database/schema';
import { StrategiesRepository, StrategyRow } from '../../src/strategy/strategies.repository';
import { TemplatesRepository } from '../../src/strategy/templates.repository';
import { bearer, DATABASES, Registered } from '../support/auth';
import type { GeminiTestApp } from '../support/gemini-app';
import { appWithTwoUsers } from '../support/two-users';

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** The plain CRUD around strategies: templates, validations, performance, comments, tags, backtest results. */
describe('strategy records (/api/strategies/{templates,validations,performance,comments,tags,backtest-results}) on PostgreSQL', () => {
  let t: GeminiTestApp;
  let alice: Registered;
  let bob: Registered;
  let close: () => Promise<void> = async () => undefined;
  let aliceS1: StrategyRow;
  let aliceS2: StrategyRow;
  let bobS1: StrategyRow;
  const http = () => request(t.app.getHttpServer());
  const db = () => t.app.get(Database).connection.db;
  const setStaff = (u: Registered, isStaff: boolean) => db().update(users).set({ isStaff }).where(eq(users.id, u.id));
  const asStaff = async (u: Registered, work: () => Promise<void>) => {
    await setStaff(u, true);
    try {
      await work();
    } finally {
      await setStaff(u, false);
    }
  };

  beforeAll(async () => {
    ({ t, alice, bob, close } = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1' }]));
    const repo = t.app.get(StrategiesRepository);
    aliceS1 = await repo.create({ name: 'Alice RSI', description: 'RSI bot', strategyCode: 'code-a1', createdBy: alice.id });
    aliceS2 = await repo.create({ name: 'Alice MACD', createdBy: alice.id });
    bobS1 = await repo.create({ name: 'Bob SMA', createdBy: bob.id });
  });
  afterAll(() => close());

  describe('ids in paths and queries', () => {
    it.each([
      ['/api/strategies/templates/abc/'],
      ['/api/strategies/templates/0/'],
      ['/api/strategies/templates/99999999999/'],
      ['/api/strategies/validations/1.5/'],
      ['/api/strategies/performance/-1/'],
      ['/api/strategies/comments/x/'],
      ['/api/strategies/tags/1e3/'],
      ['/api/strategies/performance/0x10/'],
      ['/api/strategies/backtest-results/abc/'],
      ['/api/strategies/backtest-results/1e1/'],
      ['/api/strategies/templates/abc/get_context/'],
    ])('answers 400 naming the id for GET %s', async (path) => {
      const res = await http().get(path).set(bearer(alice.access)).expect(400);
      expect(Object.keys(res.body)).toEqual([path.includes('backtest-results') ? 'strategy_id' : 'id']);
    });

    it('answers 400 naming strategy for a non-numeric ?strategy= filter, and page for a bad page', async () => {
      const a = await http().get('/api/strategies/validations/?strategy=abc').set(bearer(alice.access)).expect(400);
      expect(a.body).toEqual({ strategy: ['strategy must be a positive integer'] });
      const b = await http().get('/api/strategies/comments/?page=0').set(bearer(alice.access)).expect(400);
      expect(Object.keys(b.body)).toEqual(['page']);
    });

    it('documents every endpoint under the strategies tag in Swagger', async () => {
      const doc = (await http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { tags?: string[] }>> };
      const paths = Object.keys(doc.paths).filter((p) =>
        /^\/api\/strategies\/(templates|validations|performance|comments|tags|backtest-results)/.test(p),
      );
      expect(paths.sort()).toEqual(
        [
          '/api/strategies/backtest-results',
          '/api/strategies/backtest-results/by_strategy',
          '/api/strategies/backtest-results/save_result',
          '/api/strategies/backtest-results/{strategy_id}',
          '/api/strategies/comments',
          '/api/strategies/comments/{id}',
          '/api/strategies/performance',
          '/api/strategies/performance/{id}',
          '/api/strategies/tags',
          '/api/strategies/tags/{id}',
          '/api/strategies/templates',
          '/api/strategies/templates/{id}',
          '/api/strategies/templates/{id}/get_context',
          '/api/strategies/templates/{id}/sync_from_strategy',
          '/api/strategies/validations',
          '/api/strategies/validations/{id}',
        ].sort(),
      );
      for (const p of paths) for (const op of Object.values(doc.paths[p])) expect(op.tags).toEqual(['strategies']);
    });

    it('requires a token', async () => {
      for (const path of ['templates', 'validations', 'performance', 'comments', 'tags', 'backtest-results']) {
        await http().get(`/api/strategies/${path}/`).expect(401);
      }
    });
  });

  describe('templates', () => {
    let templateId = 0;

    it('creates, retrieves, updates (PUT and PATCH) and deletes a template, field by field', async () => {
      const created = await http()
        .post('/api/strategies/templates/')
        .set(bearer(alice.access))
        .send({
          name: 'Alice tpl',
          description: 'd',
          category: 'momentum',
          template_code: 'tc',
          parameters_schema: { p: { type: 'int' } },
          linked_strategy: aliceS1.id,
        })
        .expect(201);
      templateId = created.body.id;
      expect(created.body).toEqual({
        id: templateId,
        name: 'Alice tpl',
        description: 'd',
        category: 'momentum',
        template_code: 'tc',
        parameters_schema: { p: { type: 'int' } },
        is_active: true,
        linked_strategy: aliceS1.id,
        is_system_template: false,
        latest_strategy_code: '',
        latest_parameters: {},
        chat_history: [],
        created_by: alice.id,
        created_at: ISO,
        updated_at: ISO,
      });
      const got = await http().get(`/api/strategies/templates/${templateId}/`).set(bearer(alice.access)).expect(200);
      expect(got.body).toEqual(created.body);

      const patched = await http()
        .patch(`/api/strategies/templates/${templateId}`)
        .set(bearer(alice.access))
        .send({ is_active: false })
        .expect(200);
      expect(patched.body).toEqual({ ...created.body, is_active: false, updated_at: ISO });
      const put = await http()
        .put(`/api/strategies/templates/${templateId}/`)
        .set(bearer(alice.access))
        .send({ name: 'Alice tpl 2', is_active: true })
        .expect(200);
      expect(put.body).toMatchObject({ name: 'Alice tpl 2', is_active: true, description: 'd', category: 'momentum' });
      const noName = await http()
        .put(`/api/strategies/templates/${templateId}/`)
        .set(bearer(alice.access))
        .send({ is_active: true })
        .expect(400);
      expect(Object.keys(noName.body)).toEqual(['name']);

      const temp = await http().post('/api/strategies/templates/').set(bearer(alice.access)).send({ name: 'to delete' }).expect(201);
      const used = await t.app.get(StrategiesRepository).create({ name: 'uses tpl', templateId: temp.body.id, createdBy: alice.id });
      await http().delete(`/api/strategies/templates/${temp.body.id}/`).set(bearer(alice.access)).expect(204);
      await http().get(`/api/strategies/templates/${temp.body.id}/`).set(bearer(alice.access)).expect(404);
      expect((await t.app.get(StrategiesRepository).byId(used.id))!.templateId).toBeNull();
      await db().delete(strategies).where(eq(strategies.id, used.id));
    });

    it('rejects bad bodies with 400 naming each field', async () => {
      const taken = await http().post('/api/strategies/templates/').set(bearer(alice.access)).send({ name: 'Alice tpl 2' }).expect(400);
      expect(taken.body).toEqual({ name: ['strategy template with this name already exists.'] });
      const clash = await http().post('/api/strategies/templates/').set(bearer(alice.access)).send({ name: 'other' }).expect(201);
      const rename = await http()
        .patch(`/api/strategies/templates/${clash.body.id}/`)
        .set(bearer(alice.access))
        .send({ name: 'Alice tpl 2' })
        .expect(400);
      expect(Object.keys(rename.body)).toEqual(['name']);
      await http().delete(`/api/strategies/templates/${clash.body.id}/`).set(bearer(alice.access)).expect(204);
      // Names are unique per owner: Bob may call his own template the same, and learns nothing of Alice's.
      const bobs = await http().post('/api/strategies/templates/').set(bearer(bob.access)).send({ name: 'Alice tpl 2' }).expect(201);
      await http().delete(`/api/strategies/templates/${bobs.body.id}/`).set(bearer(bob.access)).expect(204);

      const bad = await http()
        .post('/api/strategies/templates/')
        .set(bearer(alice.access))
        .send({ name: '', parameters_schema: 'x', is_active: 'yes', linked_strategy: 'abc', bogus: 1 })
        .expect(400);
      expect(Object.keys(bad.body).sort()).toEqual(['bogus', 'is_active', 'linked_strategy', 'name', 'parameters_schema']);
      const foreign = await http()
        .post('/api/strategies/templates/')
        .set(bearer(alice.access))
        .send({ name: 'x', linked_strategy: bobS1.id })
        .expect(400);
      expect(foreign.body).toEqual({ linked_strategy: [`Invalid pk "${bobS1.id}" - object does not exist.`] });
    });

    it("lists your own and the system templates by category then name, filtered; others' are 404; staff see all", async () => {
      const repo = t.app.get(TemplatesRepository);
      await repo.create({ name: 'System B', category: 'alpha', isSystemTemplate: true });
      await repo.create({ name: 'System A', category: 'alpha', isSystemTemplate: true, isActive: false });
      const bobs = await repo.create({ name: 'Bob tpl', category: 'aaa', createdBy: bob.id });

      const list = await http().get('/api/strategies/templates/').set(bearer(alice.access)).expect(200);
      expect(list.body).toMatchObject({ count: 3, next: null, previous: null });
      expect(list.body.results.map((r: { name: string }) => r.name)).toEqual(['System A', 'System B', 'Alice tpl 2']);
      const alpha = await http().get('/api/strategies/templates/?category=alpha&is_active=true').set(bearer(alice.access)).expect(200);
      expect(alpha.body.results.map((r: { name: string }) => r.name)).toEqual(['System B']);
      await http().get('/api/strategies/templates/?is_active=maybe').set(bearer(alice.access)).expect(400);

      await http().get(`/api/strategies/templates/${bobs.id}/`).set(bearer(alice.access)).expect(404);
      await http().patch(`/api/strategies/templates/${templateId}/`).set(bearer(bob.access)).send({ description: 'x' }).expect(404);
      await http().delete(`/api/strategies/templates/${templateId}/`).set(bearer(bob.access)).expect(404);
      await http().post(`/api/strategies/templates/${templateId}/sync_from_strategy/`).set(bearer(bob.access)).send({}).expect(404);
      await asStaff(bob, async () => {
        const all = await http().get('/api/strategies/templates/').set(bearer(bob.access)).expect(200);
        expect(all.body.count).toBe(4);
        await http().get(`/api/strategies/templates/${templateId}/`).set(bearer(bob.access)).expect(200);
      });
    });

    it('keeps system templates for staff: 403 to change, delete or sync them otherwise', async () => {
      const sys = await t.app.get(TemplatesRepository).create({ name: 'System C', isSystemTemplate: true });
      await http().get(`/api/strategies/templates/${sys.id}/`).set(bearer(alice.access)).expect(200);
      const patch = await http()
        .patch(`/api/strategies/templates/${sys.id}/`)
        .set(bearer(alice.access))
        .send({ description: 'x' })
        .expect(403);
      expect(patch.body).toEqual({ detail: 'Cannot modify system templates' });
      await http().delete(`/api/strategies/templates/${sys.id}/`).set(bearer(alice.access)).expect(403);
      await http()
        .post(`/api/strategies/templates/${sys.id}/sync_from_strategy/`)
        .set(bearer(alice.access))
        .send({ description: 'x' })
        .expect(403);
      await http()
        .post(`/api/strategies/templates/${sys.id}/sync_from_strategy/`)
        .set(bearer(alice.access))
        .send({ description: 'x', force_update: true })
        .expect(403);
      const own = await http()
        .post('/api/strategies/templates/')
        .set(bearer(alice.access))
        .send({ name: 'sneaky', is_system_template: true })
        .expect(403);
      expect(own.body).toEqual({ detail: 'Only staff may create system templates' });

      await asStaff(bob, async () => {
        await http()
          .post(`/api/strategies/templates/${sys.id}/sync_from_strategy/`)
          .set(bearer(bob.access))
          .send({ description: 'x' })
          .expect(403);
        const synced = await http()
          .post(`/api/strategies/templates/${sys.id}/sync_from_strategy/`)
          .set(bearer(bob.access))
          .send({ description: 'forced', force_update: true })
          .expect(200);
        expect(synced.body.template.description).toBe('forced');
        await http().patch(`/api/strategies/templates/${sys.id}/`).set(bearer(bob.access)).send({ category: 'core' }).expect(200);
        await http().delete(`/api/strategies/templates/${sys.id}/`).set(bearer(bob.access)).expect(204);
      });
    });

    it('syncs from the strategy: template and linked strategy updated, chat history kept to the last 50', async () => {
      const res = await http()
        .post(`/api/strategies/templates/${templateId}/sync_from_strategy/`)
        .set(bearer(alice.access))
        .send({ strategy_code: 'new code', parameters: { n: 3 }, chat_message: 'message 1', description: 'synced' })
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['message', 'success', 'template']);
      expect(res.body).toMatchObject({ success: true, message: 'Template synced successfully' });
      expect(res.body.template).toMatchObject({
        id: templateId,
        latest_strategy_code: 'new code',
        latest_parameters: { n: 3 },
        description: 'synced',
      });
      expect(res.body.template.chat_history).toEqual([{ timestamp: ISO, message: 'message 1', user: 'alice' }]);
      const s = (await t.app.get(StrategiesRepository).byId(aliceS1.id))!;
      expect({ code: s.strategyCode, params: s.parameters }).toEqual({ code: 'new code', params: { n: 3 } });

      for (let i = 2; i <= 53; i++) {
        await http()
          .post(`/api/strategies/templates/${templateId}/sync_from_strategy/`)
          .set(bearer(alice.access))
          .send({ chat_message: `message ${i}` })
          .expect(200);
      }
      const after = await http().get(`/api/strategies/templates/${templateId}/`).set(bearer(alice.access)).expect(200);
      expect(after.body.chat_history).toHaveLength(50);
      expect(after.body.chat_history[0].message).toBe('message 4');
      expect(after.body.chat_history[49].message).toBe('message 53');
      await http()
        .post(`/api/strategies/templates/${templateId}/sync_from_strategy/`)
        .set(bearer(alice.access))
        .send({ force_update: 'yes' })
        .expect(400);
    });

    it('loses no chat message when syncs run at the same time', async () => {
      const tpl = await http().post('/api/strategies/templates/').set(bearer(alice.access)).send({ name: 'concurrent' }).expect(201);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          http()
            .post(`/api/strategies/templates/${tpl.body.id}/sync_from_strategy/`)
            .set(bearer(alice.access))
            .send({ chat_message: `m${i}` })
            .expect(200),
        ),
      );
      const after = await http().get(`/api/strategies/templates/${tpl.body.id}/`).set(bearer(alice.access)).expect(200);
      expect(after.body.chat_history.map((m: { message: string }) => m.message).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `m${i}`).sort(),
      );
      await http().delete(`/api/strategies/templates/${tpl.body.id}/`).set(bearer(alice.access)).expect(204);
    });

    it("does not touch a linked strategy that is not the caller's", async () => {
      const tpl = await t.app.get(TemplatesRepository).create({ name: 'linked to bob', createdBy: alice.id, linkedStrategyId: bobS1.id });
      await http()
        .post(`/api/strategies/templates/${tpl.id}/sync_from_strategy/`)
        .set(bearer(alice.access))
        .send({ strategy_code: 'hijack' })
        .expect(200);
      expect((await t.app.get(StrategiesRepository).byId(bobS1.id))!.strategyCode).toBe('');
      const ctx = await http().get(`/api/strategies/templates/${tpl.id}/get_context/`).set(bearer(alice.access)).expect(200);
      expect(ctx.body.linked_strategy).toBeNull();
    });

    it('gives the context: template, linked strategy summary and context summary', async () => {
      const res = await http().get(`/api/strategies/templates/${templateId}/get_context/`).set(bearer(alice.access)).expect(200);
      const template = (await http().get(`/api/strategies/templates/${templateId}/`).set(bearer(alice.access)).expect(200)).body;
      expect(res.body).toEqual({
        ...template,
        linked_strategy: { id: aliceS1.id, name: 'Alice RSI', description: 'RSI bot', status: 'draft', version: '1.0.0', updated_at: ISO },
        context_summary: { chat_messages_count: 50, last_update: template.updated_at, is_active: true, template_type: 'user-generated' },
      });
      const sys = await t.app.get(TemplatesRepository).create({ name: 'System D', isSystemTemplate: true });
      const sysCtx = await http().get(`/api/strategies/templates/${sys.id}/get_context/`).set(bearer(alice.access)).expect(200);
      expect(sysCtx.body).toMatchObject({
        linked_strategy: null,
        context_summary: { chat_messages_count: 0, template_type: 'system', is_active: true },
      });
    });
  });

  describe('validations (read-only)', () => {
    let aliceValidation = 0;

    beforeAll(async () => {
      const rows = await db()
        .insert(strategyValidations)
        .values([
          {
            strategyId: aliceS1.id,
            validationType: 'syntax',
            status: 'passed',
            score: '92.5',
            passedChecks: ['compiles'],
            executionTime: '0.4125',
            completedAt: new Date('2026-11-25T10:00:00Z'),
          },
          { strategyId: aliceS2.id, validationType: 'backtest', status: 'failed' },
          { strategyId: bobS1.id, validationType: 'syntax', status: 'pending' },
        ])
        .returning();
      aliceValidation = rows[0].id;
    });

    it('lists the validations of your strategies, filtered by strategy, field by field', async () => {
      const list = await http().get('/api/strategies/validations/').set(bearer(alice.access)).expect(200);
      expect(list.body.count).toBe(2);
      const one = await http().get(`/api/strategies/validations/?strategy=${aliceS1.id}`).set(bearer(alice.access)).expect(200);
      expect(one.body).toEqual({
        count: 1,
        next: null,
        previous: null,
        results: [
          {
            id: aliceValidation,
            strategy: aliceS1.id,
            strategy_name: 'Alice RSI',
            validation_type: 'syntax',
            status: 'passed',
            score: '92.50',
            passed_checks: ['compiles'],
            failed_checks: [],
            warnings: [],
            recommendations: [],
            validator_version: '',
            validation_config: {},
            execution_time: '0.413',
            created_at: ISO,
            completed_at: '2026-11-25T10:00:00.000Z',
          },
        ],
      });
      const got = await http().get(`/api/strategies/validations/${aliceValidation}/`).set(bearer(alice.access)).expect(200);
      expect(got.body).toEqual(one.body.results[0]);
    });

    it("hides others' validations (404) and shows staff everything; no writes", async () => {
      await http().get(`/api/strategies/validations/${aliceValidation}/`).set(bearer(bob.access)).expect(404);
      expect((await http().get(`/api/strategies/validations/?strategy=${aliceS1.id}`).set(bearer(bob.access)).expect(200)).body.count).toBe(
        0,
      );
      await asStaff(bob, async () => {
        expect((await http().get('/api/strategies/validations/').set(bearer(bob.access)).expect(200)).body.count).toBe(3);
        await http().get(`/api/strategies/validations/${aliceValidation}/`).set(bearer(bob.access)).expect(200);
      });
      await http().post('/api/strategies/validations/').set(bearer(alice.access)).send({}).expect(405);
      await http().delete(`/api/strategies/validations/${aliceValidation}/`).set(bearer(alice.access)).expect(405);
    });
  });

  describe('performance', () => {
    let perfId = 0;

    it('creates, lists, retrieves, updates and deletes a performance record, decimals as strings', async () => {
      const created = await http()
        .post('/api/strategies/performance/')
        .set(bearer(alice.access))
        .send({
          strategy: aliceS1.id,
          backtest_id: 'bt-1',
          total_return: 12.5,
          annualized_return: '10.25',
          volatility: 0.18,
          sharpe_ratio: 1.35,
          max_drawdown: -8.2,
          profit_factor: 1.8,
          avg_trade_return: 0.42,
          win_rate: 55,
          total_trades: 40,
          winning_trades: 22,
          losing_trades: 18,
          start_date: '2025-01-01',
          end_date: '2025-12-31',
          initial_capital: 10000,
          final_capital: '11250.5',
        })
        .expect(201);
      perfId = created.body.id;
      expect(created.body).toEqual({
        id: perfId,
        strategy: aliceS1.id,
        strategy_name: 'Alice RSI',
        backtest_id: 'bt-1',
        total_return: '12.500000',
        annualized_return: '10.250000',
        volatility: '0.180000',
        sharpe_ratio: '1.350000',
        max_drawdown: '-8.200000',
        profit_factor: '1.800000',
        avg_trade_return: '0.420000',
        win_rate: '55.00',
        total_trades: 40,
        winning_trades: 22,
        losing_trades: 18,
        start_date: '2025-01-01',
        end_date: '2025-12-31',
        initial_capital: '10000.00',
        final_capital: '11250.50',
        created_at: ISO,
      });
      const minimal = await http()
        .post('/api/strategies/performance/')
        .set(bearer(alice.access))
        .send({ strategy: aliceS2.id })
        .expect(201);
      expect(minimal.body).toMatchObject({
        backtest_id: '',
        total_return: null,
        win_rate: null,
        total_trades: 0,
        start_date: null,
        final_capital: null,
      });

      const list = await http().get('/api/strategies/performance/').set(bearer(alice.access)).expect(200);
      expect(list.body.count).toBe(2);
      const filtered = await http().get(`/api/strategies/performance/?strategy=${aliceS1.id}`).set(bearer(alice.access)).expect(200);
      expect(filtered.body.results).toEqual([created.body]);
      expect((await http().get(`/api/strategies/performance/${perfId}/`).set(bearer(alice.access)).expect(200)).body).toEqual(created.body);

      const patched = await http()
        .patch(`/api/strategies/performance/${perfId}/`)
        .set(bearer(alice.access))
        .send({ win_rate: '60.5', final_capital: null })
        .expect(200);
      expect(patched.body).toEqual({ ...created.body, win_rate: '60.50', final_capital: null });
      const put = await http()
        .put(`/api/strategies/performance/${perfId}/`)
        .set(bearer(alice.access))
        .send({ strategy: aliceS2.id, backtest_id: 'bt-2' })
        .expect(200);
      expect(put.body).toMatchObject({ strategy: aliceS2.id, strategy_name: 'Alice MACD', backtest_id: 'bt-2', win_rate: '60.50' });
      await http().put(`/api/strategies/performance/${perfId}/`).set(bearer(alice.access)).send({ backtest_id: 'bt-3' }).expect(400);

      await http().delete(`/api/strategies/performance/${minimal.body.id}/`).set(bearer(alice.access)).expect(204);
      await http().get(`/api/strategies/performance/${minimal.body.id}/`).set(bearer(alice.access)).expect(404);
    });

    it("keeps records to the strategy's owner: 404 for others, 400 on someone else's strategy; staff see all", async () => {
      await http().get(`/api/strategies/performance/${perfId}/`).set(bearer(bob.access)).expect(404);
      await http().patch(`/api/strategies/performance/${perfId}/`).set(bearer(bob.access)).send({ backtest_id: 'x' }).expect(404);
      await http().delete(`/api/strategies/performance/${perfId}/`).set(bearer(bob.access)).expect(404);
      expect((await http().get('/api/strategies/performance/').set(bearer(bob.access)).expect(200)).body.count).toBe(0);
      const foreign = await http().post('/api/strategies/performance/').set(bearer(bob.access)).send({ strategy: aliceS1.id }).expect(400);
      expect(foreign.body).toEqual({ strategy: [`Invalid pk "${aliceS1.id}" - object does not exist.`] });
      const move = await http()
        .patch(`/api/strategies/performance/${perfId}/`)
        .set(bearer(alice.access))
        .send({ strategy: bobS1.id })
        .expect(400);
      expect(Object.keys(move.body)).toEqual(['strategy']);
      await asStaff(bob, async () => {
        expect((await http().get('/api/strategies/performance/').set(bearer(bob.access)).expect(200)).body.count).toBe(1);
        await http().get(`/api/strategies/performance/${perfId}/`).set(bearer(bob.access)).expect(200);
      });
    });

    it('rejects bad values with 400 naming each field (never a database error)', async () => {
      const res = await http()
        .post('/api/strategies/performance/')
        .set(bearer(alice.access))
        .send({
          strategy: aliceS1.id,
          win_rate: 999.999,
          total_return: 'NaN',
          sharpe_ratio: '1e400',
          initial_capital: 1e19,
          total_trades: -1,
          winning_trades: 1.5,
          start_date: '2025-02-31',
          end_date: 'tomorrow',
        })
        .expect(400);
      expect(Object.keys(res.body).sort()).toEqual([
        'end_date',
        'initial_capital',
        'sharpe_ratio',
        'start_date',
        'total_return',
        'total_trades',
        'win_rate',
        'winning_trades',
      ]);
      const noStrategy = await http().post('/api/strategies/performance/').set(bearer(alice.access)).send({}).expect(400);
      expect(Object.keys(noStrategy.body)).toEqual(['strategy']);
      const raw = await http()
        .post('/api/strategies/performance/')
        .set(bearer(alice.access))
        .set('Content-Type', 'application/json')
        .send(`{"strategy": ${aliceS1.id}, "volatility": 1e400}`)
        .expect(400);
      expect(Object.keys(raw.body)).toEqual(['volatility']);
    });
  });

  describe('comments', () => {
    let commentId = 0;

    it('comments as the signed-in user on a strategy you can see, field by field', async () => {
      const created = await http()
        .post('/api/strategies/comments/')
        .set(bearer(alice.access))
        .send({ strategy: aliceS1.id, content: 'Nice', rating: 4, is_review: true })
        .expect(201);
      commentId = created.body.id;
      expect(created.body).toEqual({
        id: commentId,
        strategy: aliceS1.id,
        strategy_name: 'Alice RSI',
        author: alice.id,
        author_username: 'alice',
        content: 'Nice',
        rating: 4,
        is_review: true,
        parent: null,
        created_at: ISO,
        updated_at: ISO,
      });
      expect((await http().get(`/api/strategies/comments/${commentId}/`).set(bearer(alice.access)).expect(200)).body).toEqual(created.body);
      const patched = await http()
        .patch(`/api/strategies/comments/${commentId}/`)
        .set(bearer(alice.access))
        .send({ content: 'Very nice', rating: null })
        .expect(200);
      expect(patched.body).toEqual({ ...created.body, content: 'Very nice', rating: null, updated_at: ISO });
      const put = await http()
        .put(`/api/strategies/comments/${commentId}/`)
        .set(bearer(alice.access))
        .send({ strategy: aliceS1.id, content: 'Put', rating: 5 })
        .expect(200);
      expect(put.body).toMatchObject({ content: 'Put', rating: 5, is_review: true });
    });

    it('rejects an author field, a bad rating, a foreign strategy, a parent on another strategy, and moving strategies', async () => {
      const author = await http()
        .post('/api/strategies/comments/')
        .set(bearer(alice.access))
        .send({ strategy: aliceS1.id, content: 'x', author: bob.id })
        .expect(400);
      expect(Object.keys(author.body)).toEqual(['author']);
      const rating = await http()
        .post('/api/strategies/comments/')
        .set(bearer(alice.access))
        .send({ strategy: aliceS1.id, content: '', rating: 6 })
        .expect(400);
      expect(Object.keys(rating.body).sort()).toEqual(['content', 'rating']);
      const foreign = await http()
        .post('/api/strategies/comments/')
        .set(bearer(bob.access))
        .send({ strategy: aliceS1.id, content: 'x' })
        .expect(400);
      expect(foreign.body).toEqual({ strategy: [`Invalid pk "${aliceS1.id}" - object does not exist.`] });
      const parent = await http()
        .post('/api/strategies/comments/')
        .set(bearer(alice.access))
        .send({ strategy: aliceS2.id, content: 'x', parent: commentId })
        .expect(400);
      expect(parent.body).toEqual({ parent: ['The parent must be a comment on the same strategy.'] });
      const self = await http()
        .patch(`/api/strategies/comments/${commentId}/`)
        .set(bearer(alice.access))
        .send({ parent: commentId })
        .expect(400);
      expect(Object.keys(self.body)).toEqual(['parent']);
      const move = await http()
        .patch(`/api/strategies/comments/${commentId}/`)
        .set(bearer(alice.access))
        .send({ strategy: aliceS2.id })
        .expect(400);
      expect(Object.keys(move.body)).toEqual(['strategy']);
    });

    it("lets only the author (or staff) change a comment; others' strategies stay hidden; replies go with their parent", async () => {
      await http().get(`/api/strategies/comments/${commentId}/`).set(bearer(bob.access)).expect(404);
      await http().patch(`/api/strategies/comments/${commentId}/`).set(bearer(bob.access)).send({ content: 'x' }).expect(404);
      expect((await http().get('/api/strategies/comments/').set(bearer(bob.access)).expect(200)).body.count).toBe(0);

      let staffComment = 0;
      await asStaff(bob, async () => {
        const res = await http()
          .post('/api/strategies/comments/')
          .set(bearer(bob.access))
          .send({ strategy: aliceS1.id, content: 'Staff reply', parent: commentId })
          .expect(201);
        expect(res.body).toMatchObject({ author: bob.id, author_username: 'bob', parent: commentId });
        staffComment = res.body.id;
        await http().patch(`/api/strategies/comments/${commentId}/`).set(bearer(bob.access)).send({ is_review: false }).expect(200);
      });
      const list = await http().get(`/api/strategies/comments/?strategy=${aliceS1.id}`).set(bearer(alice.access)).expect(200);
      expect(list.body.results.map((c: { id: number }) => c.id)).toEqual([staffComment, commentId]);
      expect((await http().get(`/api/strategies/comments/?strategy=${aliceS2.id}`).set(bearer(alice.access)).expect(200)).body.count).toBe(
        0,
      );
      const forbidden = await http()
        .patch(`/api/strategies/comments/${staffComment}/`)
        .set(bearer(alice.access))
        .send({ content: 'edited' })
        .expect(403);
      expect(forbidden.body).toEqual({ detail: 'Only the author may change this comment' });
      await http().delete(`/api/strategies/comments/${staffComment}/`).set(bearer(alice.access)).expect(403);

      await http().delete(`/api/strategies/comments/${commentId}/`).set(bearer(alice.access)).expect(204);
      await http().get(`/api/strategies/comments/${commentId}/`).set(bearer(alice.access)).expect(404);
      await http().get(`/api/strategies/comments/${staffComment}/`).set(bearer(alice.access)).expect(404);
    });

    it('needs a signed-in user to comment', async () => {
      await http().post('/api/strategies/comments/').send({ strategy: aliceS1.id, content: 'anon' }).expect(401);
    });
  });

  describe('tags', () => {
    let tagId = 0;

    it('creates a tag linked to your strategies; everyone sees it with the links they can see', async () => {
      const created = await http()
        .post('/api/strategies/tags/')
        .set(bearer(alice.access))
        .send({ name: 'momentum', description: 'trend', color: '#1f77b4', strategies: [aliceS2.id, aliceS1.id, aliceS1.id] })
        .expect(201);
      tagId = created.body.id;
      expect(created.body).toEqual({
        id: tagId,
        name: 'momentum',
        description: 'trend',
        color: '#1f77b4',
        strategies: [aliceS1.id, aliceS2.id].sort((a, b) => a - b),
        created_at: ISO,
      });
      const plain = await http().post('/api/strategies/tags/').set(bearer(bob.access)).send({ name: 'alpha' }).expect(201);
      expect(plain.body).toEqual({ id: plain.body.id, name: 'alpha', description: '', color: '#000000', strategies: [], created_at: ISO });

      const bobView = await http().get(`/api/strategies/tags/${tagId}/`).set(bearer(bob.access)).expect(200);
      expect(bobView.body).toEqual({ ...created.body, strategies: [] });
      const list = await http().get('/api/strategies/tags/').set(bearer(bob.access)).expect(200);
      expect(list.body).toMatchObject({ count: 2, next: null, previous: null });
      expect(list.body.results.map((r: { name: string }) => r.name)).toEqual(['alpha', 'momentum']);
    });

    it('rejects a taken name, a long name, a bad colour and strategies that are not yours (400 naming the field)', async () => {
      const taken = await http().post('/api/strategies/tags/').set(bearer(bob.access)).send({ name: 'momentum' }).expect(400);
      expect(taken.body).toEqual({ name: ['strategy tag with this name already exists.'] });
      const bad = await http()
        .post('/api/strategies/tags/')
        .set(bearer(bob.access))
        .send({ name: 'x'.repeat(51), color: 'red', strategies: ['a'] })
        .expect(400);
      expect(Object.keys(bad.body).sort()).toEqual(['color', 'name', 'strategies']);
      const foreign = await http()
        .post('/api/strategies/tags/')
        .set(bearer(bob.access))
        .send({ name: 'mine', strategies: [bobS1.id, aliceS1.id] })
        .expect(400);
      expect(foreign.body).toEqual({ strategies: [`Invalid pk "${aliceS1.id}" - object does not exist.`] });
      await http().post('/api/strategies/tags/').send({ name: 'anon' }).expect(401);
    });

    it('lets anyone signed in link their own strategies; renaming and deleting are for staff', async () => {
      const bobLinks = await http()
        .patch(`/api/strategies/tags/${tagId}/`)
        .set(bearer(bob.access))
        .send({ strategies: [bobS1.id] })
        .expect(200);
      expect(bobLinks.body.strategies).toEqual([bobS1.id]);
      expect((await http().get(`/api/strategies/tags/${tagId}/`).set(bearer(alice.access)).expect(200)).body.strategies).toEqual([
        aliceS1.id,
        aliceS2.id,
      ]);
      const aliceLinks = await http()
        .patch(`/api/strategies/tags/${tagId}/`)
        .set(bearer(alice.access))
        .send({ strategies: [aliceS2.id] })
        .expect(200);
      expect(aliceLinks.body.strategies).toEqual([aliceS2.id]);
      await http()
        .patch(`/api/strategies/tags/${tagId}/`)
        .set(bearer(alice.access))
        .send({ strategies: [bobS1.id] })
        .expect(400);

      const rename = await http().patch(`/api/strategies/tags/${tagId}/`).set(bearer(alice.access)).send({ name: 'trend' }).expect(403);
      expect(rename.body).toEqual({ detail: 'Only staff may change a tag' });
      await http().put(`/api/strategies/tags/${tagId}/`).set(bearer(alice.access)).send({ name: 'trend' }).expect(403);
      await http().delete(`/api/strategies/tags/${tagId}/`).set(bearer(alice.access)).expect(403);

      await asStaff(bob, async () => {
        const staffView = await http().get(`/api/strategies/tags/${tagId}/`).set(bearer(bob.access)).expect(200);
        expect(staffView.body.strategies).toEqual([aliceS2.id, bobS1.id].sort((a, b) => a - b));
        const renamed = await http()
          .put(`/api/strategies/tags/${tagId}/`)
          .set(bearer(bob.access))
          .send({ name: 'trend', color: '#ABCDEF' })
          .expect(200);
        expect(renamed.body).toMatchObject({ name: 'trend', color: '#ABCDEF', description: 'trend' });
        await http().patch(`/api/strategies/tags/${tagId}/`).set(bearer(bob.access)).send({ name: 'alpha' }).expect(400);
        await http().delete(`/api/strategies/tags/${tagId}/`).set(bearer(bob.access)).expect(204);
      });
      await http().get(`/api/strategies/tags/${tagId}/`).set(bearer(alice.access)).expect(404);
    });
  });

  describe('backtest results', () => {
    const full = {
      symbol: 'MSFT',
      timeframe: '1h',
      period: '6mo',
      initial_balance: 5000,
      commission: 0.002,
      total_trades: 10,
      winning_trades: 6,
      losing_trades: 4,
      win_rate: 60,
      net_profit: 321.456,
      total_return_pct: 6.42912,
      final_equity: 5321.46,
      max_drawdown: 3.5,
      sharpe_ratio: 1.2,
      trades: [{ entry: '2025-03-01', pnl: 12.5 }],
      equity_curve: [{ date: '2025-03-01', equity: 5000 }],
    };

    it('answers 400 for a missing or invalid strategy_id, 404 { error, details: { strategy_id } } when there is none', async () => {
      const missing = await http().get('/api/strategies/backtest-results/by_strategy/').set(bearer(alice.access)).expect(400);
      expect(Object.keys(missing.body.details)).toEqual(['strategy_id']);
      await http().get('/api/strategies/backtest-results/by_strategy/?strategy_id=abc').set(bearer(alice.access)).expect(400);
      const none = await http()
        .get(`/api/strategies/backtest-results/by_strategy/?strategy_id=${aliceS1.id}`)
        .set(bearer(alice.access))
        .expect(404);
      expect(none.body).toEqual({ error: 'No backtest results found for this strategy', details: { strategy_id: aliceS1.id } });
    });

    it('saves a result (201), replaces it (200, omitted fields back to their defaults) and reads it back', async () => {
      const first = await http()
        .post('/api/strategies/backtest-results/save_result/')
        .set(bearer(alice.access))
        .send({ strategy_id: aliceS1.id, ...full })
        .expect(201);
      expect(first.body).toEqual({
        strategy: aliceS1.id,
        symbol: 'MSFT',
        timeframe: '1h',
        period: '6mo',
        initial_balance: '5000.00',
        commission: '0.002000',
        total_trades: 10,
        winning_trades: 6,
        losing_trades: 4,
        win_rate: '60.00',
        net_profit: '321.46',
        total_return_pct: '6.429120',
        final_equity: '5321.46',
        max_drawdown: '3.500000',
        sharpe_ratio: '1.200000',
        trades: [{ entry: '2025-03-01', pnl: 12.5 }],
        equity_curve: [{ date: '2025-03-01', equity: 5000 }],
        created_at: ISO,
        updated_at: ISO,
      });
      const second = await http()
        .post('/api/strategies/backtest-results/save_result')
        .set(bearer(alice.access))
        .send({ strategy_id: String(aliceS1.id), total_trades: 3 })
        .expect(200);
      expect(second.body).toEqual({
        strategy: aliceS1.id,
        symbol: 'AAPL',
        timeframe: '1d',
        period: '1y',
        initial_balance: '10000.00',
        commission: '0.001000',
        total_trades: 3,
        winning_trades: 0,
        losing_trades: 0,
        win_rate: '0.00',
        net_profit: '0.00',
        total_return_pct: '0.000000',
        final_equity: null,
        max_drawdown: '0.000000',
        sharpe_ratio: null,
        trades: [],
        equity_curve: [],
        created_at: first.body.created_at,
        updated_at: ISO,
      });
      const byQuery = await http()
        .get(`/api/strategies/backtest-results/by_strategy/?strategy_id=${aliceS1.id}`)
        .set(bearer(alice.access))
        .expect(200);
      expect(byQuery.body).toEqual(second.body);
      const byPath = await http().get(`/api/strategies/backtest-results/${aliceS1.id}/`).set(bearer(alice.access)).expect(200);
      expect(byPath.body).toEqual(second.body);
      const list = await http().get('/api/strategies/backtest-results/').set(bearer(alice.access)).expect(200);
      expect(list.body).toEqual({ count: 1, next: null, previous: null, results: [second.body] });
      await http().get(`/api/strategies/backtest-results/${aliceS2.id}/`).set(bearer(alice.access)).expect(404);
    });

    it("keeps results to the strategy's owner (404 for others, also on save); staff see all", async () => {
      const read = await http()
        .get(`/api/strategies/backtest-results/by_strategy/?strategy_id=${aliceS1.id}`)
        .set(bearer(bob.access))
        .expect(404);
      expect(read.body.details).toEqual({ strategy_id: aliceS1.id });
      await http().get(`/api/strategies/backtest-results/${aliceS1.id}/`).set(bearer(bob.access)).expect(404);
      const save = await http()
        .post('/api/strategies/backtest-results/save_result/')
        .set(bearer(bob.access))
        .send({ strategy_id: aliceS1.id })
        .expect(404);
      expect(save.body).toEqual({ error: 'Strategy not found', details: { strategy_id: aliceS1.id } });
      expect((await http().get('/api/strategies/backtest-results/').set(bearer(bob.access)).expect(200)).body.count).toBe(0);
      await asStaff(bob, async () => {
        expect((await http().get('/api/strategies/backtest-results/').set(bearer(bob.access)).expect(200)).body.count).toBe(1);
        await http().get(`/api/strategies/backtest-results/by_strategy/?strategy_id=${aliceS1.id}`).set(bearer(bob.access)).expect(200);
      });
    });

    it('rejects non-finite numbers, overflowing figures, oversized series and a missing strategy_id, naming each field', async () => {
      const send = (body: string) =>
        http()
          .post('/api/strategies/backtest-results/save_result/')
          .set(bearer(alice.access))
          .set('Content-Type', 'application/json')
          .send(body)
          .expect(400);
      const nonFinite = await send(
        `{"strategy_id": ${aliceS2.id}, "net_profit": 1e400, "sharpe_ratio": -1e400, "trades": [{"pnl": 1e400}], "equity_curve": [1, 2e999]}`,
      );
      expect(Object.keys(nonFinite.body.details).sort()).toEqual(['equity_curve', 'net_profit', 'sharpe_ratio', 'trades']);
      const strings = await send(
        `{"strategy_id": ${aliceS2.id}, "win_rate": "Infinity", "initial_balance": "NaN", "commission": 10000, "total_trades": 1.5, "symbol": null}`,
      );
      expect(Object.keys(strings.body.details).sort()).toEqual(['commission', 'initial_balance', 'symbol', 'total_trades', 'win_rate']);
      const big = await send(JSON.stringify({ strategy_id: aliceS2.id, trades: new Array(20_001).fill(0), equity_curve: 'x' }));
      expect(Object.keys(big.body.details).sort()).toEqual(['equity_curve', 'trades']);
      const none = await send('{"symbol": "AAPL"}');
      expect(Object.keys(none.body.details)).toEqual(['strategy_id']);
      const zero = await send('{"strategy_id": 0}');
      expect(Object.keys(zero.body.details)).toEqual(['strategy_id']);
      await http().get(`/api/strategies/backtest-results/${aliceS2.id}/`).set(bearer(alice.access)).expect(404);
    });

    it('accepts exactly 20,000 trades', async () => {
      const res = await http()
        .post('/api/strategies/backtest-results/save_result/')
        .set(bearer(alice.access))
        .send({ strategy_id: aliceS2.id, trades: new Array(20_000).fill(1) })
        .expect(201);
      expect(res.body.trades).toHaveLength(20_000);
    });
  });
});
