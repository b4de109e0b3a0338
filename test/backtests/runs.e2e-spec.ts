/**
 * `/api/backtests/`: runs executed in the background over several symbols in the real sandbox (synthetic
 * market data), their results, trades and alerts, cancellation, and what another user sees — on PostgreSQL
 * and PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BacktestRunHandler } from '../../src/backtests/execution/backtest-run.handler';
import { backtestJobId } from '../../src/backtests/execution/backtest-run.job';
import { SandboxRunner } from '../../src/bots/sandbox/sandbox-runner.service';
import { MarketDataProvider } from '../../src/market-data/market-data.port';
import { StrategiesRepository, StrategyRow } from '../../src/strategy/strategies.repository';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer, DATABASES, Registered } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import { BASE, IDLE_BOT, PICKY_BOT, pollRun, SLOW_BOT, terminal } from './backtests-fixtures';

jest.setTimeout(180_000);

const DEC = (scale: number) => expect.stringMatching(new RegExp(`^-?\\d+\\.\\d{${scale}}$`));
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

describe.each(DATABASES)('backtest runs on %s', (_name, open) => {
  let s: TwoUsers;
  let botsDir: string;
  let alice: Registered;
  let bob: Registered;
  let sma: StrategyRow;
  const http = () => request(s.t.app.getHttpServer());
  const as = (who: Registered) => ({
    get: (path: string) => http().get(`${BASE}${path}`).set(bearer(who.access)),
    post: (path: string, body: object = {}) => http().post(`${BASE}${path}`).set(bearer(who.access)).send(body),
  });
  const strategy = (name: string, strategyCode: string, owner: Registered) =>
    s.t.app.get(StrategiesRepository).create({ name, strategyCode, createdBy: owner.id });
  const config = async (who: Registered, extra: object = {}) =>
    (
      await as(who)
        .post('/configs/', { name: 'Year 2025', start_date: '2025-01-01', end_date: '2025-12-31', ...extra })
        .expect(201)
    ).body;

  beforeAll(async () => {
    botsDir = mkdtempSync(join(tmpdir(), 'backtests-'));
    s = await appWithTwoUsers(open, [{ id: 'k1', project: 'p1' }], { BOTS_DIR: botsDir, BOT_TIMEOUT_MS: '30000', BACKTEST_WORKERS: '2' });
    ({ alice, bob } = s);
    sma = await strategy('Alice SMA', SMA_CROSS_BOT, alice);
  });
  afterAll(async () => {
    await s.close();
    rmSync(botsDir, { recursive: true, force: true });
  });

  describe('a run over three symbols', () => {
    let run: any;
    let seen: string[];
    beforeAll(async () => {
      const cfg = await config(alice, { initial_capital: '30000.00', commission: '0.001', stop_loss: '8.00', max_drawdown_limit: '0.01' });
      const res = await as(alice)
        .post('/api/run_backtest/', { strategy_id: sma.id, config_id: cfg.id, symbols: ['aapl', 'MSFT', 'goog'] })
        .expect(202);
      expect(res.body).toEqual({
        id: expect.any(Number),
        run_id: expect.stringMatching(/^bt_[0-9a-f]{8}$/),
        status: 'queued',
        message: 'Backtest queued over 3 symbol(s)',
        config_id: cfg.id,
        symbols: ['AAPL', 'MSFT', 'GOOG'],
        progress: '0.00',
        result_summary: null,
      });
      ({ body: run, seen } = await pollRun(s.t.app, alice, res.body.run_id, terminal));
    });

    it('runs as a backtests.run job that its owner can read and nobody else can', async () => {
      // The run row is completed inside the job; the job row is finished just after the handler returns.
      let job = await http()
        .get(`/api/jobs/${backtestJobId(run.id)}`)
        .set(bearer(alice.access))
        .expect(200);
      for (let i = 0; i < 200 && ['queued', 'running', 'delayed'].includes(job.body.status); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = await http()
          .get(`/api/jobs/${backtestJobId(run.id)}`)
          .set(bearer(alice.access))
          .expect(200);
      }
      expect(job.body).toMatchObject({ kind: 'backtests.run', status: 'succeeded' });
      await http()
        .get(`/api/jobs/${backtestJobId(run.id)}`)
        .set(bearer(bob.access))
        .expect(404);
    });

    it('answers queued at once and ends completed with the summary on the run', () => {
      expect(seen[seen.length - 1]).toBe('completed');
      expect(['queued', 'running', 'completed']).toEqual(expect.arrayContaining(seen));
      expect(run).toMatchObject({
        status: 'completed',
        progress: '100.00',
        symbols: ['AAPL', 'MSFT', 'GOOG'],
        strategy: sma.id,
        strategy_name: 'Alice SMA',
        config_name: 'Year 2025',
        created_by_username: 'alice',
        error_message: '',
      });
      expect(run).toMatchObject({
        started_at: ISO,
        completed_at: ISO,
        execution_time: DEC(3),
        total_return: DEC(6),
        sharpe_ratio: DEC(6),
        max_drawdown: DEC(6),
        win_rate: DEC(2),
      });
      expect(run.total_trades).toBeGreaterThan(0);
    });

    it('stores the full result with every metric and series', async () => {
      const { body } = await as(alice).get(`/runs/${run.run_id}/result/`).expect(200);
      for (const f of [
        'total_return_pct',
        'annualized_return_pct',
        'volatility',
        'sharpe_ratio',
        'max_drawdown_pct',
        'current_drawdown_pct',
        'avg_trade_return_pct',
        'largest_winning_trade_pct',
        'largest_losing_trade_pct',
      ]) {
        expect(body[f]).toEqual(DEC(6));
      }
      expect(body).toMatchObject({
        run: run.id,
        run_id: run.run_id,
        strategy_name: 'Alice SMA',
        final_portfolio_value: DEC(2),
        win_rate_pct: DEC(2),
        total_trades: run.total_trades,
      });
      expect(body.winning_trades + body.losing_trades).toBe(body.total_trades);
      expect(body.total_return_pct).toBe(run.total_return);
      // SPY bars over the same days: a benchmark figure, alpha and beta
      expect(body).toMatchObject({ benchmark_return_pct: DEC(6), alpha: DEC(6), beta: DEC(6) });
      expect(body.portfolio_values.length).toBeGreaterThan(200);
      expect(body.portfolio_values[0]).toEqual({ date: expect.stringMatching(/^2025-01-0/), value: expect.any(Number) });
      expect(body.returns).toHaveLength(body.portfolio_values.length - 1);
      expect(body.drawdowns).toHaveLength(body.portfolio_values.length);
      expect(body.positions.map((p: any) => [p.symbol, p.status])).toEqual([
        ['AAPL', 'completed'],
        ['MSFT', 'completed'],
        ['GOOG', 'completed'],
      ]);
      // 30,000 split three ways
      expect(Number(body.final_portfolio_value)).toBeCloseTo(
        body.positions.reduce((sum: number, p: any) => sum + p.final_equity, 0),
        0,
      );
    });

    it('stores every trade, inside the config dates, with the stop honoured', async () => {
      const { body: trades } = await as(alice).get(`/runs/${run.run_id}/trades/`).expect(200);
      expect(trades).toHaveLength(run.total_trades);
      expect(new Set(trades.map((t: any) => t.symbol))).toEqual(new Set(['AAPL', 'MSFT', 'GOOG']));
      for (const t of trades) {
        expect(t.entry_date >= '2025-01-01' && t.exit_date < '2026-01-01').toBe(true);
        expect(t).toMatchObject({
          trade_type: 'long',
          status: 'closed',
          entry_price: DEC(6),
          quantity: DEC(6),
          pnl: DEC(2),
          pnl_pct: DEC(6),
        });
        expect(Number(t.pnl_pct)).toBeGreaterThan(-8 - 0.5); // stop 8 % (+ commission, gaps at the open)
      }
      const sorted = [...trades].sort((a: any, b: any) => (a.entry_date < b.entry_date ? 1 : -1));
      expect(trades.map((t: any) => t.entry_date)).toEqual(sorted.map((t: any) => t.entry_date));
      const detail = await as(alice).get(`/trades/${trades[0].id}/`).expect(200);
      expect(detail.body).toMatchObject({
        id: trades[0].id,
        run: run.id,
        run_id: run.run_id,
        strategy_name: 'Alice SMA',
        entry_value: DEC(2),
        entry_commission: DEC(6),
        notes: expect.stringMatching(/^exit: /),
      });
    });

    it('raises the alerts: drawdown beyond the config limit and completion', async () => {
      const { body: alerts } = await as(alice).get(`/runs/${run.run_id}/alerts/`).expect(200);
      const titles = alerts.map((a: any) => a.title).sort();
      expect(titles).toEqual(['Backtest completed', 'Drawdown limit exceeded']);
      const dd = alerts.find((a: any) => a.title === 'Drawdown limit exceeded');
      expect(dd).toMatchObject({ alert_type: 'warning', run: run.id, run_id: run.run_id, context_data: { limit_pct: 0.01 } });
    });

    it('serves the analysis views and the CSV export', async () => {
      const curve = (await as(alice).get(`/runs/${run.id}/equity_curve/`).expect(200)).body;
      expect(curve).toMatchObject({
        run_id: run.run_id,
        symbols: ['AAPL', 'MSFT', 'GOOG'],
        initial_value: expect.any(Number),
        final_value: DEC(2),
      });
      const dd = (await as(alice).get(`/runs/${run.run_id}/drawdown_analysis/`).expect(200)).body;
      expect(dd.periods_count).toBeGreaterThan(0);
      expect(Number(dd.periods[0].depth_pct)).toBeCloseTo(Number(dd.max_drawdown_pct), 4);
      const stats = (await as(alice).get(`/runs/${run.run_id}/trade_stats/`).expect(200)).body;
      expect(stats).toMatchObject({ run_id: run.run_id, trades: run.total_trades });
      expect(stats.by_symbol.map((x: any) => x.symbol)).toEqual(['AAPL', 'GOOG', 'MSFT']);
      const csv = await as(alice).get(`/runs/${run.run_id}/export_trades/`).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="${run.run_id}_trades.csv"`);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^id,symbol,trade_type,status,entry_date,/);
      expect(lines).toHaveLength(run.total_trades + 1);
    });

    it('lists the run with its result summary and filters by status, strategy and symbols', async () => {
      const list = (await as(alice).get('/runs/?status=completed').expect(200)).body;
      expect(list).toMatchObject({ count: expect.any(Number), next: null, previous: null });
      const row = list.results.find((r: any) => r.run_id === run.run_id);
      expect(row).toMatchObject({ strategy_version: '1.0.0', result_summary: { final_value: DEC(2), total_trades: run.total_trades } });
      expect(
        (await as(alice).get(`/runs/?symbols=msft&symbols=AAPL&strategy_id=${sma.id}`).expect(200)).body.results.map((r: any) => r.run_id),
      ).toContain(run.run_id);
      expect((await as(alice).get('/runs/?symbols=TSLA').expect(200)).body.results.map((r: any) => r.run_id)).not.toContain(run.run_id);
      expect(
        (
          await as(alice)
            .get('/trades/?symbol=aapl&run_id=' + run.run_id)
            .expect(200)
        ).body.results.every((t: any) => t.symbol === 'AAPL'),
      ).toBe(true);
      const search = (
        await as(alice)
          .post('/api/search/', { status: 'completed', symbols: ['GOOG'], created_by: 'alice' })
          .expect(200)
      ).body;
      expect(search.runs.map((r: any) => r.run_id)).toContain(run.run_id);
    });

    it('keeps the run from another user: 404 everywhere, empty lists', async () => {
      for (const path of ['', 'result/', 'trades/', 'alerts/', 'equity_curve/', 'trade_stats/', 'export_trades/']) {
        await as(bob).get(`/runs/${run.run_id}/${path}`).expect(404);
      }
      await as(bob).post(`/runs/${run.run_id}/cancel/`).expect(404);
      for (const list of ['/runs/', '/results/', '/trades/', '/alerts/']) expect((await as(bob).get(list).expect(200)).body.count).toBe(0);
      await as(bob)
        .post('/api/compare_backtests/', { run_ids: [run.run_id, run.run_id + 'x'] })
        .expect(404);
      expect((await as(bob).post('/api/search/', {}).expect(200)).body.count).toBe(0);
    });

    it('cannot be cancelled once completed', async () => {
      const res = await as(alice).post(`/runs/${run.run_id}/cancel/`).expect(400);
      expect(res.body.error).toBe('Cannot cancel backtest with status: completed');
    });
  });

  it('writes progress as it goes: running with 1/3, 2/3 of the symbol share, then 100', async () => {
    const cfg = await config(alice);
    const created = (
      await as(alice)
        .post('/runs/', { config: cfg.id, strategy: sma.id, symbols: ['AAPL', 'MSFT', 'GOOG'], status: 'queued' })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ run_id: expect.stringMatching(/^bt_[0-9a-f]{8}$/), status: 'queued', progress: '0.00' });
    const reported: Array<{ pct: number; status: string; stored: string }> = [];
    const ctx = {
      jobId: 'test',
      signal: new AbortController().signal,
      progress: async (pct: number) => {
        const now = (await as(alice).get(`/runs/${created.id}/`).expect(200)).body;
        reported.push({ pct: Number(pct.toFixed(2)), status: now.status, stored: now.progress });
      },
    };
    await s.t.app.get(BacktestRunHandler).handle({ runId: created.id }, ctx);
    expect(reported).toEqual([
      { pct: 31.67, status: 'running', stored: '31.67' },
      { pct: 63.33, status: 'running', stored: '63.33' },
      { pct: 95, status: 'running', stored: '95.00' },
      { pct: 100, status: 'completed', stored: '100.00' },
    ]);
  });

  it('cancel stops a running run for real: the bot process is killed and nothing is stored', async () => {
    const slow = await strategy(`Slow ${Date.now()}`, SLOW_BOT, alice);
    const res = await as(alice)
      .post('/api/run_backtest/', {
        strategy_id: slow.id,
        symbols: ['AAPL', 'MSFT', 'GOOG', 'AMZN'],
        start_date: '2025-01-01',
        end_date: '2025-12-31',
      })
      .expect(202);
    await pollRun(s.t.app, alice, res.body.run_id, (b) => b.status === 'running');
    const sandbox = s.t.app.get(SandboxRunner);
    const cancel = await as(alice).post(`/runs/${res.body.run_id}/cancel/`).expect(200);
    expect(cancel.body).toEqual({ message: 'Backtest cancelled successfully', run_id: res.body.run_id, status: 'cancelled' });
    for (let i = 0; i < 200 && sandbox.stats.running > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(sandbox.stats.running).toBe(0);
    const after = (await as(alice).get(`/runs/${res.body.run_id}/`).expect(200)).body;
    expect(after.status).toBe('cancelled');
    expect(Number(after.progress)).toBeLessThan(100);
    await as(alice)
      .get(`/runs/${res.body.run_id}/result/`)
      .expect(404, { error: 'Results not available for this run', details: { run_id: res.body.run_id, status: 'cancelled' } });
    expect((await as(alice).get(`/runs/${res.body.run_id}/trades/`).expect(200)).body).toEqual([]);
  });

  it('reports a failed symbol and a run without trades in alerts', async () => {
    const provider = s.t.app.get(MarketDataProvider);
    const peaks = await Promise.all(
      ['AAPL', 'MSFT', 'GOOG', 'KO', 'F', 'T', 'NVDA', 'AMZN'].map(async (symbol) => ({
        symbol,
        max: Math.max(...(await provider.getBars({ symbol, period: '2y', interval: '1d' })).bars.map((b) => b.close)),
      })),
    );
    const high = peaks.find((p) => p.max > 160)!;
    const low = peaks.find((p) => p.max < 140)!;
    expect(high && low).toBeTruthy();
    const picky = await strategy(`Picky ${Date.now()}`, PICKY_BOT, alice);
    const res = await as(alice)
      .post('/api/run_backtest/', {
        strategy_id: picky.id,
        symbols: [high.symbol, low.symbol],
        start_date: '2025-01-01',
        end_date: '2025-06-30',
      })
      .expect(202);
    const { body } = await pollRun(s.t.app, alice, res.body.run_id, terminal);
    expect(body.status).toBe('completed');
    const alerts = (await as(alice).get(`/runs/${res.body.run_id}/alerts/`).expect(200)).body;
    const failed = alerts.find((a: any) => a.title === 'Symbol failed');
    expect(failed).toMatchObject({
      alert_type: 'error',
      symbol: high.symbol,
      message: expect.stringContaining('price too high for this bot'),
    });
    const result = (await as(alice).get(`/runs/${res.body.run_id}/result/`).expect(200)).body;
    expect(result.positions.find((p: any) => p.symbol === high.symbol)).toMatchObject({ status: 'failed' });

    const idle = await strategy(`Idle ${Date.now()}`, IDLE_BOT, alice);
    const quiet = await as(alice)
      .post('/api/run_backtest/', { strategy_id: idle.id, symbols: ['KO'], start_date: '2025-01-01', end_date: '2025-03-31' })
      .expect(202);
    const done = await pollRun(s.t.app, alice, quiet.body.run_id, terminal);
    expect(done.body).toMatchObject({ status: 'completed', total_trades: 0, total_return: '0.000000' });
    const quietAlerts = (await as(alice).get(`/runs/${quiet.body.run_id}/alerts/`).expect(200)).body;
    expect(quietAlerts.map((a: any) => a.title).sort()).toEqual(['Backtest completed', 'No trades']);
  });

  it('fails a run whose every symbol fails, with the reason', async () => {
    const broken = await strategy(`Broken ${Date.now()}`, 'module.exports = { onBar() { nope(); } };', alice);
    const res = await as(alice)
      .post('/api/run_backtest/', { strategy_id: broken.id, symbols: ['AAPL'], start_date: '2025-01-01', end_date: '2025-02-28' })
      .expect(202);
    const { body } = await pollRun(s.t.app, alice, res.body.run_id, terminal);
    expect(body).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/^Every symbol failed \(AAPL: reference: .*nope/),
      error_traceback: '',
    });
    await as(alice).get(`/runs/${res.body.run_id}/result/`).expect(404);
    expect((await as(alice).get(`/runs/${res.body.run_id}/alerts/`).expect(200)).body.map((a: any) => a.title)).toEqual(['Symbol failed']);
  });

  it('compares runs side by side', async () => {
    const runs = (await as(alice).get('/runs/?status=completed').expect(200)).body.results.slice(0, 2);
    const res = await as(alice)
      .post('/api/compare_backtests/', { run_ids: runs.map((r: any) => r.run_id) })
      .expect(200);
    expect(res.body.count).toBe(2);
    expect(res.body.runs.map((r: any) => r.run_id)).toEqual(runs.map((r: any) => r.run_id));
    expect(res.body.runs[0].metrics).toMatchObject({ total_return_pct: DEC(6), sharpe_ratio: DEC(6) });
    expect(runs.map((r: any) => r.run_id)).toContain(res.body.best.total_return_pct);
    await as(alice)
      .post('/api/compare_backtests/', { run_ids: [runs[0].run_id] })
      .expect(400);
  });
});
