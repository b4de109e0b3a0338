/**
 * `/api/backtests/` configs and the synchronous actions (quick_run, create_config, health), what run_backtest
 * refuses before queueing anything, and `/api/strategies/validate/` + `validate-file/` — on PostgreSQL and PGlite.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer, DATABASES, Registered } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import { BASE, CANONICAL } from './backtests-fixtures';

jest.setTimeout(120_000);

describe.each(DATABASES)('backtests API on %s', (_name, open) => {
  let s: TwoUsers;
  let botsDir: string;
  let outside: string;
  let alice: Registered;
  let bob: Registered;
  const http = () => request(s.t.app.getHttpServer());
  const as = (who: Registered) => ({
    get: (path: string) => http().get(`${BASE}${path}`).set(bearer(who.access)),
    post: (path: string, body: object = {}) => http().post(`${BASE}${path}`).set(bearer(who.access)).send(body),
    patch: (path: string, body: object) => http().patch(`${BASE}${path}`).set(bearer(who.access)).send(body),
    put: (path: string, body: object) => http().put(`${BASE}${path}`).set(bearer(who.access)).send(body),
    delete: (path: string) => http().delete(`${BASE}${path}`).set(bearer(who.access)),
  });
  const YEAR = { name: 'Year 2025', start_date: '2025-01-01', end_date: '2025-12-31' };

  beforeAll(async () => {
    botsDir = mkdtempSync(join(tmpdir(), 'backtests-api-'));
    outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(botsDir, 'sma_cross.js'), SMA_CROSS_BOT);
    mkdirSync(join(botsDir, 'sub'));
    writeFileSync(join(botsDir, 'sub', 'canonical.json'), CANONICAL);
    writeFileSync(join(outside, 'secret.js'), SMA_CROSS_BOT);
    symlinkSync(join(outside, 'secret.js'), join(botsDir, 'escape.js'));
    s = await appWithTwoUsers(open, [{ id: 'k1', project: 'p1' }], { BOTS_DIR: botsDir, BOT_TIMEOUT_MS: '30000' });
    ({ alice, bob } = s);
  });
  afterAll(async () => {
    await s.close();
    rmSync(botsDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  describe('configs', () => {
    it('creates with Django defaults, decimals as strings, and shows the owner', async () => {
      const res = await as(alice).post('/configs/', YEAR).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'Year 2025',
        description: '',
        start_date: '2025-01-01',
        end_date: '2025-12-31',
        initial_capital: '10000.00',
        commission: '0.001000',
        slippage: '0.000500',
        max_position_size: '1.00',
        stop_loss: null,
        take_profit: null,
        data_source: 'yfinance',
        timeframe: '1d',
        benchmark_symbol: 'SPY',
        max_drawdown_limit: '20.00',
        created_by: alice.id,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        is_template: false,
        created_by_username: 'alice',
      });
    });

    it('pages, patches, replaces and deletes; another user gets 404', async () => {
      const { body: c } = await as(alice)
        .post('/configs/', { ...YEAR, name: 'To change', stop_loss: 5 })
        .expect(201);
      expect(c.stop_loss).toBe('5.00');
      expect((await as(alice).patch(`/configs/${c.id}/`, { commission: '0.0025', stop_loss: null }).expect(200)).body).toMatchObject({
        commission: '0.002500',
        stop_loss: null,
        name: 'To change',
      });
      expect(
        (
          await as(alice)
            .put(`/configs/${c.id}/`, { ...YEAR, name: 'Replaced' })
            .expect(200)
        ).body.name,
      ).toBe('Replaced');
      const list = (await as(alice).get('/configs/').expect(200)).body;
      expect(list).toMatchObject({ count: expect.any(Number), next: null, previous: null });
      expect(list.results.map((x: any) => x.id)).toContain(c.id);
      await as(bob).get(`/configs/${c.id}/`).expect(404);
      await as(bob).patch(`/configs/${c.id}/`, { name: 'mine' }).expect(404);
      await as(bob).delete(`/configs/${c.id}/`).expect(404);
      expect((await as(bob).get('/configs/').expect(200)).body.count).toBe(0);
      await as(alice).delete(`/configs/${c.id}/`).expect(204);
      await as(alice).get(`/configs/${c.id}/`).expect(404);
    });

    it('lists templates unpaginated: yours only', async () => {
      const { body: t } = await as(alice)
        .post('/configs/', { ...YEAR, name: 'Alice template', is_template: true })
        .expect(201);
      expect((await as(alice).get('/configs/templates/').expect(200)).body.map((x: any) => x.id)).toEqual([t.id]);
      expect((await as(bob).get('/configs/templates/').expect(200)).body).toEqual([]);
    });

    it('refuses bad fields with a 400 naming each', async () => {
      const bad = await as(alice)
        .post('/configs/', { ...YEAR, commission: 'abc', max_position_size: 2, timeframe: '7d', start_date: '2025-02-31' })
        .expect(400);
      expect(Object.keys(bad.body.details).sort()).toEqual(['commission', 'max_position_size', 'start_date', 'timeframe']);
      const reversed = await as(alice)
        .post('/configs/', { ...YEAR, start_date: '2026-01-01' })
        .expect(400);
      expect(reversed.body.details).toEqual({ non_field_errors: ['end_date must not be before start_date'] });
      await as(alice)
        .post('/configs/', { ...YEAR, initial_capital: 0 })
        .expect(400);
      await as(alice)
        .post('/configs/', { ...YEAR, surprise: 1 })
        .expect(400);
      await as(alice).get('/configs/abc/').expect(400);
      await as(alice).get('/configs/?page=0').expect(400);
      await http().get(`${BASE}/configs/`).expect(401);
    });

    it('create_config wants start before end', async () => {
      await as(alice)
        .post('/api/create_config/', { ...YEAR, end_date: '2025-01-01', start_date: '2025-01-01', initial_capital: 5000 })
        .expect(400);
      expect(
        (
          await as(alice)
            .post('/api/create_config/', { ...YEAR, initial_capital: 5000 })
            .expect(201)
        ).body.initial_capital,
      ).toBe('5000.00');
    });
  });

  describe('run_backtest refuses before queueing anything', () => {
    let mine: number;
    let bobs: number;
    let prose: number;
    beforeAll(async () => {
      const repo = s.t.app.get(StrategiesRepository);
      mine = (await repo.create({ name: 'Alice bot', strategyCode: SMA_CROSS_BOT, createdBy: alice.id })).id;
      bobs = (await repo.create({ name: 'Bob bot', strategyCode: SMA_CROSS_BOT, createdBy: bob.id })).id;
      prose = (await repo.create({ name: 'Words', strategyCode: 'buy low sell high', createdBy: alice.id })).id;
    });
    const runs = async () => (await as(alice).get('/runs/').expect(200)).body.count;

    it('answers 400/404 naming the problem and stores no run', async () => {
      const before = await runs();
      expect((await as(alice).post('/api/run_backtest/', { strategy_id: mine, symbols: [] }).expect(400)).body.details).toHaveProperty(
        'symbols',
      );
      await as(alice)
        .post('/api/run_backtest/', { strategy_id: mine, symbols: Array.from({ length: 51 }, (_, i) => `S${i}`) })
        .expect(400);
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: mine, symbols: ['$$$'] })
            .expect(400)
        ).body.details,
      ).toEqual({ symbols: ['symbols must contain at least one valid symbol'] });
      await as(alice).post('/api/run_backtest/', { strategy_id: mine, symbol: 'AAPL' }).expect(400);
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: bobs, symbols: ['AAPL'] })
            .expect(404)
        ).body.error,
      ).toBe('Strategy not found');
      const bobConfig = (await as(bob).post('/configs/', YEAR).expect(201)).body.id;
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: mine, config_id: bobConfig, symbols: ['AAPL'] })
            .expect(404)
        ).body.error,
      ).toBe('Config not found');
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: prose, symbols: ['AAPL'] })
            .expect(400)
        ).body.details,
      ).toHaveProperty('strategy_code');
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: mine, symbols: ['AAPL'], start_date: '2025-06-01', end_date: '2025-01-01' })
            .expect(400)
        ).body.details,
      ).toHaveProperty('end_date');
      const minute = (
        await as(alice)
          .post('/configs/', { ...YEAR, timeframe: '1m' })
          .expect(201)
      ).body.id;
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: mine, config_id: minute, symbols: ['AAPL'] })
            .expect(400)
        ).body.details,
      ).toHaveProperty('timeframe');
      expect(
        (
          await as(alice)
            .post('/api/run_backtest/', { strategy_id: mine, symbols: ['AAPL'], commission: 'lots' })
            .expect(400)
        ).body.details,
      ).toHaveProperty('commission');
      expect(await runs()).toBe(before);
    });

    it('makes an auto-config from the request fields when no config is given', async () => {
      const res = await as(alice)
        .post('/api/run_backtest/', {
          strategy_id: mine,
          symbols: ['aapl'],
          start_date: '2025-01-01',
          end_date: '2025-03-31',
          initial_capital: 50000,
          commission: 0.002,
        })
        .expect(202);
      const cfg = (await as(alice).get(`/configs/${res.body.config_id}/`).expect(200)).body;
      expect(cfg).toMatchObject({
        name: 'Auto-config for Alice bot',
        start_date: '2025-01-01',
        end_date: '2025-03-31',
        initial_capital: '50000.00',
        commission: '0.002000',
      });
      await as(alice).post(`/runs/${res.body.run_id}/cancel/`);
    });
  });

  describe('quick_run', () => {
    const body = { symbol: 'aapl', start_date: '2025-01-01', end_date: '2025-12-31' };

    it('runs a bot on one symbol with the given capital and stores nothing', async () => {
      const before = (await as(alice).get('/runs/').expect(200)).body.count;
      const res = await as(alice)
        .post('/api/quick_run/', { ...body, strategy_code: SMA_CROSS_BOT, initial_capital: 50000, commission: 0.001 })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'completed',
        daily_stats: [],
        symbol_stats: [{ symbol: 'AAPL', trades: res.body.summary.total_trades }],
      });
      expect(res.body.summary.total_trades).toBeGreaterThan(0);
      expect(res.body.equity_curve[0].value).toBeCloseTo(50000, -3);
      expect(res.body.metrics.equity_final).toBe(res.body.summary.final_equity);
      expect(res.body.metrics.max_drawdown).toBeLessThanOrEqual(0);
      expect(res.body.trades[0]).toEqual(
        expect.objectContaining({
          Size: expect.any(Number),
          EntryPrice: expect.any(Number),
          PnL: expect.any(Number),
          EntryTime: expect.stringMatching(/^2025-/),
        }),
      );
      expect(JSON.stringify(res.body)).not.toMatch(/NaN|Infinity/);
      expect((await as(alice).get('/runs/').expect(200)).body.count).toBe(before);
    });

    it('runs a canonical JSON strategy as its moving-average crossover', async () => {
      const res = await as(alice)
        .post('/api/quick_run/', { ...body, strategy_code: CANONICAL, initial_balance: 20000 })
        .expect(200);
      expect(res.body.summary.total_trades).toBeGreaterThan(0);
      expect(res.body.equity_curve[0].value).toBeCloseTo(20000, -3);
    });

    it('honours position size and the stop', async () => {
      const half = await as(alice)
        .post('/api/quick_run/', { ...body, strategy_code: SMA_CROSS_BOT, max_position_size: 0.5, stop_loss: 1 })
        .expect(200);
      const full = await as(alice)
        .post('/api/quick_run/', { ...body, strategy_code: SMA_CROSS_BOT })
        .expect(200);
      expect(Math.abs(half.body.trades[0].Size)).toBeLessThan(Math.abs(full.body.trades[0].Size) * 0.6);
      expect(half.body.trades.some((t: any) => t.ExitReason === 'stop_loss')).toBe(true);
    });

    it('refuses what it cannot run', async () => {
      expect(
        (
          await as(alice)
            .post('/api/quick_run/', { ...body, end_date: '2024-01-01', strategy_code: SMA_CROSS_BOT })
            .expect(400)
        ).body.details,
      ).toEqual({ non_field_errors: ['end_date must be after start_date'] });
      expect((await as(alice).post('/api/quick_run/', body).expect(400)).body.details).toEqual({
        non_field_errors: ['give exactly one of strategy_code or strategy_id'],
      });
      expect(
        (
          await as(alice)
            .post('/api/quick_run/', { ...body, strategy_code: 'class MyStrategy(Strategy):\n  def next(self): pass' })
            .expect(400)
        ).body.details,
      ).toHaveProperty('strategy_code');
      expect(
        (
          await as(alice)
            .post('/api/quick_run/', { ...body, strategy_code: JSON.stringify({ title: 'RSI only', indicators: [{ name: 'RSI' }] }) })
            .expect(400)
        ).body.details.strategy_code[0],
      ).toMatch(/two moving averages/);
      const broken = await as(alice)
        .post('/api/quick_run/', { ...body, strategy_code: 'module.exports = { onBar() { nope(); } };' })
        .expect(400);
      expect(broken.body).toMatchObject({ error: 'Backtest execution failed', details: expect.stringMatching(/nope/) });
      await as(alice)
        .post('/api/quick_run/', { ...body, symbol: '../etc', strategy_code: SMA_CROSS_BOT })
        .expect(400);
      await as(alice)
        .post('/api/quick_run/', { ...body, strategy_id: 999999 })
        .expect(404);
    });
  });

  it('health answers counts', async () => {
    expect((await http().get(`${BASE}/api/health/`).expect(200)).body).toEqual({
      status: 'healthy',
      database: 'connected',
      runs_count: expect.any(Number),
      configs_count: expect.any(Number),
      runner_available: true,
      timestamp: expect.any(String),
    });
  });

  describe('/api/strategies/validate/ and validate-file/', () => {
    const post = (path: string, who: Registered | null, body: object) => {
      const r = http().post(`/api/strategies/${path}/`);
      return (who ? r.set(bearer(who.access)) : r).send(body);
    };

    it('needs a signed-in user', async () => {
      await post('validate', null, { strategy_code: SMA_CROSS_BOT }).expect(401);
      await post('validate-file', null, { file_path: 'sma_cross.js' }).expect(401);
    });

    it('runs a bot and reports its figures', async () => {
      const res = await post('validate', alice, { strategy_code: SMA_CROSS_BOT, strategy_name: 'SMA' }).expect(200);
      expect(res.body).toMatchObject({
        strategy_name: 'SMA',
        valid: true,
        errors: [],
        indicators_initialized: true,
        test_results: { trades: expect.any(Number), return: expect.any(Number) },
      });
      expect(res.body.trades_executed).toBe(res.body.test_results.trades);
    });

    it('reports syntax errors with the line, missing parts and 0 trades as a warning, always 200', async () => {
      const syntax = await post('validate', alice, { strategy_code: 'module.exports = {\n onBar(bar, ctx) { if ( }\n};' }).expect(200);
      expect(syntax.body).toMatchObject({ valid: false, test_results: null, execution_time: null });
      expect(syntax.body.errors[0]).toMatch(/^Syntax error at line 2: /);
      const noBar = await post('validate', alice, { strategy_code: 'module.exports = { init() {} };' }).expect(200);
      expect(noBar.body).toMatchObject({ valid: false, errors: [expect.stringMatching(/onBar/)] });
      const idle = await post('validate', alice, { strategy_code: 'module.exports = { onBar() {} };' }).expect(200);
      expect(idle.body).toMatchObject({ valid: true, warnings: ['Strategy executed 0 trades'], trades_executed: 0 });
      expect(idle.body.suggestions).toHaveLength(3);
      expect((await post('validate', alice, {}).expect(400)).body.error).toBe('strategy_code is required');
      await post('validate', alice, { strategy_code: SMA_CROSS_BOT, test_period_days: 5 }).expect(400);
    });

    it('reads files only inside BOTS_DIR', async () => {
      expect((await post('validate-file', alice, { file_path: 'sma_cross.js' }).expect(200)).body).toMatchObject({
        strategy_name: 'sma_cross',
        valid: true,
      });
      expect((await post('validate-file', alice, { file_path: 'sub/canonical.json' }).expect(200)).body.valid).toBe(true);
      expect((await post('validate-file', alice, { file_path: 'nope.js' }).expect(404)).body.error).toBe('File not found: nope.js');
      expect((await post('validate-file', alice, { file_path: '../outside/secret.js' }).expect(400)).body.details).toHaveProperty(
        'file_path',
      );
      await post('validate-file', alice, { file_path: join(outside, 'secret.js') }).expect(400);
      await post('validate-file', alice, { file_path: 'escape.js' }).expect(400);
      await post('validate-file', alice, { file_path: 'sub' }).expect(404);
      expect((await post('validate-file', alice, {}).expect(400)).body.error).toBe('file_path is required');
    });
  });
});
