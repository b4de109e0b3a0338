/**
 * `/api/strategies/bot-performance/`: verifying strategies' bots in the real sandbox, over HTTP on real
 * PostgreSQL (synthetic market data), and reading the verdicts back with their owners' eyes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { DomainError, ErrorCode } from '../../src/common/domain-error';
import { SandboxRunner } from '../../src/bots/sandbox/sandbox-runner.service';
import { users } from '../../src/database/schema';
import { StrategiesRepository, StrategyRow } from '../../src/strategy/strategies.repository';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer, DATABASES, Registered } from '../support/auth';
import { waitForJob } from '../support/jobs';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';

jest.setTimeout(120_000);

const BROKEN_BOT = 'module.exports = { onBar() { nope(); } };';
const IDLE_BOT = 'module.exports = { onBar() {} };';
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const DEC6 = expect.stringMatching(/^-?\d+\.\d{6}$/);
const DEC2 = expect.stringMatching(/^-?\d+\.\d{2}$/);
const BASE = '/api/strategies/bot-performance';

describe('bot performance (/api/strategies/bot-performance/) on PostgreSQL', () => {
  let s: TwoUsers;
  let botsDir: string;
  let alice: Registered;
  let bob: Registered;
  const http = () => request(s.t.app.getHttpServer());
  const db = () => s.t.app.get(Database).connection.db;
  const create = (name: string, strategyCode: string, owner: Registered): Promise<StrategyRow> =>
    s.t.app.get(StrategiesRepository).create({ name, strategyCode, createdBy: owner.id });
  const verify = (who: Registered, body: Record<string, unknown>) => http().post(`${BASE}/verify_bot/`).set(bearer(who.access)).send(body);
  const verifyAll = (who: Registered, body: Record<string, unknown>) =>
    http().post(`${BASE}/verify_all/`).set(bearer(who.access)).send(body);
  /** verify_all/ answers 202 with a job; its summary is the job's result. */
  const verifyAllSummary = async (who: Registered, body: Record<string, unknown>) => {
    const accepted = await verifyAll(who, body).expect(202);
    expect(accepted.body).toEqual({
      status: 'queued',
      job_id: expect.stringMatching(/^job_[0-9a-f]{20}$/),
      job_url: `/api/jobs/${accepted.body.job_id}`,
      events_url: `/api/jobs/${accepted.body.job_id}/events`,
      message: expect.any(String),
    });
    const job = await waitForJob(s.t.app.getHttpServer(), who.access, accepted.body.job_id);
    expect(job).toMatchObject({ kind: 'bots.verify_all', status: 'succeeded', progress: 100 });
    return job.result;
  };
  const history = (who: Registered, id: number) => http().get(`${BASE}/${id}/test_history/`).set(bearer(who.access));
  const asStaff = async (u: Registered, work: () => Promise<void>) => {
    await db().update(users).set({ isStaff: true }).where(eq(users.id, u.id));
    try {
      await work();
    } finally {
      await db().update(users).set({ isStaff: false }).where(eq(users.id, u.id));
    }
  };

  beforeAll(async () => {
    botsDir = mkdtempSync(join(tmpdir(), 'bot-performance-'));
    s = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1' }], { BOTS_DIR: botsDir, BOT_TIMEOUT_MS: '5000' });
    ({ alice, bob } = s);
  });
  afterAll(async () => {
    await s.close();
    rmSync(botsDir, { recursive: true, force: true });
  });
  afterEach(() => jest.restoreAllMocks());

  describe('POST verify_bot/', () => {
    let sma: StrategyRow;
    beforeAll(async () => {
      sma = await create('Alice SMA', SMA_CROSS_BOT, alice);
    });

    it('runs the bot, verifies it (it trades) and answers every field', async () => {
      const res = await verify(alice, { strategy_id: sma.id }).expect(200);
      expect(res.body).toEqual({
        status: 'completed',
        performance: {
          strategy: sma.id,
          strategy_name: 'Alice SMA',
          is_verified: true,
          status: 'verified',
          total_return: DEC6,
          win_rate: DEC2,
          sharpe_ratio: DEC6,
          max_drawdown: DEC6,
          total_trades: expect.any(Number),
          symbol: 'AAPL',
          timeframe: '1d',
          initial_balance: '10000.00',
          commission: '0.002000',
          verification_notes: expect.stringMatching(/^Verified: \d+ trade\(s\) on AAPL 1d \(1y\); return -?\d+\.\d{2}%/),
          last_tested_at: ISO,
          created_at: ISO,
          updated_at: ISO,
        },
        message: res.body.performance.verification_notes,
      });
      expect(res.body.performance.total_trades).toBeGreaterThan(0);
      expect(Number(res.body.performance.win_rate)).toBeGreaterThanOrEqual(0);
      expect(Number(res.body.performance.win_rate)).toBeLessThanOrEqual(100);
    });

    it('records the run, whose metrics are the figures kept', async () => {
      const perf = (await http().get(`${BASE}/${sma.id}/`).set(bearer(alice.access)).expect(200)).body;
      const res = await history(alice, sma.id).expect(200);
      expect(res.body).toEqual({ strategy_id: sma.id, strategy_name: 'Alice SMA', is_verified: true, test_runs: [expect.any(Object)] });
      const [run] = res.body.test_runs;
      expect(run).toEqual({
        id: expect.any(Number),
        strategy: sma.id,
        symbol: 'AAPL',
        timeframe: '1d',
        period: '1y',
        initial_balance: '10000.00',
        commission: '0.002000',
        success: true,
        error_type: null,
        error_message: null,
        metrics: {
          return_pct: expect.any(Number),
          num_trades: perf.total_trades,
          win_rate: expect.any(Number),
          sharpe_ratio: expect.any(Number),
          max_drawdown: expect.any(Number),
          execution_time: expect.any(Number),
        },
        strategy_version: null,
        started_at: ISO,
        finished_at: ISO,
      });
      expect(run.metrics.return_pct.toFixed(6)).toBe(perf.total_return);
      expect(run.metrics.sharpe_ratio.toFixed(6)).toBe(perf.sharpe_ratio);
      expect(run.finished_at >= run.started_at).toBe(true);
      expect(perf.last_tested_at).toBe(run.finished_at);
    });

    it('honours commission and initial_balance', async () => {
      const returnWith = async (body: Record<string, unknown>) => {
        const res = await verify(alice, { strategy_id: sma.id, ...body }).expect(200);
        return res.body.performance;
      };
      const free = await returnWith({ commission: 0 });
      const usual = await returnWith({});
      const dear = await returnWith({ commission: 0.05 });
      expect(free.commission).toBe('0.000000');
      expect(dear.commission).toBe('0.050000');
      expect(Number(free.total_return)).toBeGreaterThan(Number(usual.total_return));
      expect(Number(usual.total_return)).toBeGreaterThan(Number(dear.total_return));

      const small = await returnWith({ initial_balance: 1000 });
      const large = await returnWith({ initial_balance: '250000' });
      expect(small.initial_balance).toBe('1000.00');
      expect(large.initial_balance).toBe('250000.00');
      expect(small.total_return).not.toBe(large.total_return);
      expect(new Set([small.total_return, usual.total_return, large.total_return]).size).toBe(3);
    });

    it('normalises the symbol and sizes the history from the dates', async () => {
      const res = await verify(alice, {
        strategy_id: sma.id,
        symbol: ' msft ',
        start_date: '2025-01-01',
        end_date: '2025-03-15',
        timeframe: '1d',
      }).expect(200);
      expect(res.body.performance.symbol).toBe('MSFT');
      expect(res.body.message).toContain('on MSFT 1d (3mo)');
      const [latest] = (await history(alice, sma.id).expect(200)).body.test_runs;
      expect(latest).toMatchObject({ symbol: 'MSFT', period: '3mo', timeframe: '1d' });
    });

    it('marks a broken bot failed and records the run with its error type', async () => {
      const broken = await create('Alice Broken', BROKEN_BOT, alice);
      const res = await verify(alice, { strategy_id: broken.id }).expect(200);
      expect(res.body.status).toBe('completed');
      expect(res.body.performance).toMatchObject({
        strategy: broken.id,
        is_verified: false,
        status: 'failed',
        total_return: null,
        win_rate: null,
        sharpe_ratio: null,
        max_drawdown: null,
        total_trades: 0,
      });
      expect(res.body.message).toMatch(/^Not verified: the bot failed on AAPL 1d \(1y\) \(reference\): .*nope/);
      const h = (await history(alice, broken.id).expect(200)).body;
      expect(h.is_verified).toBe(false);
      expect(h.test_runs).toEqual([
        expect.objectContaining({ success: false, error_type: 'reference', error_message: expect.stringContaining('nope'), metrics: null }),
      ]);
    });

    it('does not verify a bot that runs but never trades', async () => {
      const idle = await create('Alice Idle', IDLE_BOT, alice);
      const res = await verify(alice, { strategy_id: idle.id }).expect(200);
      expect(res.body.performance).toMatchObject({ is_verified: false, status: 'failed', total_trades: 0, total_return: '0.000000' });
      expect(res.body.message).toBe('Not verified: the bot ran without errors but made no trades on AAPL 1d (1y)');
      expect((await history(alice, idle.id).expect(200)).body.test_runs).toEqual([
        expect.objectContaining({ success: true, error_type: null }),
      ]);
    });

    it('answers 400 when the strategy has no bot to run, and records nothing', async () => {
      const text = await create('Alice Text', 'Buy when RSI < 30, sell when RSI > 70', alice);
      const res = await verify(alice, { strategy_id: text.id }).expect(400);
      expect(Object.keys(res.body.details)).toEqual(['strategy_code']);
      await http().get(`${BASE}/${text.id}/`).set(bearer(alice.access)).expect(404);
      expect((await history(alice, text.id).expect(200)).body).toEqual({
        strategy_id: text.id,
        strategy_name: 'Alice Text',
        is_verified: false,
        test_runs: [],
      });
    });

    it("answers 404 for someone else's strategy or a missing one, and records nothing", async () => {
      await verify(bob, { strategy_id: sma.id }).expect(404);
      await verify(alice, { strategy_id: 2_000_000_000 }).expect(404);
      await history(bob, sma.id).expect(404);
      await http().get(`${BASE}/${sma.id}/`).set(bearer(bob.access)).expect(404);
      const runs = (await history(alice, sma.id).expect(200)).body.test_runs;
      expect(runs).toHaveLength(7);
    });

    it('shows testing while the bot runs, and puts the row back when the run cannot finish (429)', async () => {
      const before = (await http().get(`${BASE}/${sma.id}/`).set(bearer(alice.access)).expect(200)).body;
      const runs = (await history(alice, sma.id).expect(200)).body.test_runs.length;
      let during: unknown;
      jest.spyOn(s.t.app.get(SandboxRunner), 'run').mockImplementationOnce(async () => {
        during = (await http().get(`${BASE}/${sma.id}/`).set(bearer(alice.access)).expect(200)).body;
        throw new DomainError(ErrorCode.RateLimited, 'Too many bot runs are waiting; try again shortly', { waiting: 9 }, 5);
      });
      await verify(alice, { strategy_id: sma.id }).expect(429);
      expect(during).toMatchObject({ status: 'testing', is_verified: before.is_verified, total_return: before.total_return });
      expect((await http().get(`${BASE}/${sma.id}/`).set(bearer(alice.access)).expect(200)).body).toEqual(before);
      expect((await history(alice, sma.id).expect(200)).body.test_runs).toHaveLength(runs);

      const fresh = await create('Alice Fresh', SMA_CROSS_BOT, alice);
      jest.spyOn(s.t.app.get(SandboxRunner), 'run').mockRejectedValueOnce(new DomainError(ErrorCode.RateLimited, 'busy', {}, 5));
      await verify(alice, { strategy_id: fresh.id }).expect(429);
      await http().get(`${BASE}/${fresh.id}/`).set(bearer(alice.access)).expect(404);
    });

    it.each([
      [{ symbol: 'A/B' }, ['symbol']],
      [{ symbol: '../etc' }, ['symbol']],
      [{ commission: -0.1 }, ['commission']],
      [{ commission: 1 }, ['commission']],
      [{ initial_balance: 0 }, ['initial_balance']],
      [{ initial_balance: 'lots' }, ['initial_balance']],
      [{ timeframe: '7d' }, ['timeframe']],
      [{ timeframe: '1m' }, ['timeframe']],
      [{ start_date: '2025-02-31' }, ['start_date']],
      [{ start_date: '2025-03-01', end_date: '2025-01-01' }, ['end_date']],
      [{ strategy_id: 'x' }, ['strategy_id']],
      [{ strategy_id: undefined }, ['strategy_id']],
      [{ colour: 'red' }, ['colour']],
      [{ symbol: 'A/B', commission: -1 }, ['symbol', 'commission']],
    ])('answers 400 naming the fields for %j', async (patch, fields) => {
      const res = await verify(alice, { strategy_id: sma.id, ...patch }).expect(400);
      expect(Object.keys(res.body.details).sort()).toEqual([...fields].sort());
      expect(res.body.error).toEqual(expect.any(String));
    });

    it('needs a login', async () => {
      await http().post(`${BASE}/verify_bot/`).send({ strategy_id: sma.id }).expect(401);
      await http().get(`${BASE}/verified_bots/`).expect(401);
    });
  });

  describe('POST verify_all/', () => {
    let ok1: StrategyRow;
    let ok2: StrategyRow;
    let broken: StrategyRow;
    beforeAll(async () => {
      ok1 = await create('Bob SMA 1', SMA_CROSS_BOT, bob);
      broken = await create('Bob Broken', BROKEN_BOT, bob);
      await create('Bob Notes', 'just an idea, no code', bob);
      ok2 = await create('Bob SMA 2', SMA_CROSS_BOT.replace('fast: 5', 'fast: 3'), bob);
    });

    it("verifies the caller's untested bots one by one and sums up", async () => {
      expect(await verifyAllSummary(bob, {})).toEqual({
        total: 3,
        verified: 2,
        failed: 1,
        testing: 0,
        errors: [{ strategy_id: broken.id, error: expect.stringContaining('(reference)') }],
      });
      for (const id of [ok1.id, ok2.id])
        expect((await history(bob, id).expect(200)).body).toMatchObject({ is_verified: true, test_runs: [expect.anything()] });
      // alice's strategies were not touched by bob's call
      const aliceList = (await http().get(`${BASE}/`).set(bearer(alice.access)).expect(200)).body;
      expect(aliceList.results.every((r: { strategy_name: string }) => r.strategy_name.startsWith('Alice'))).toBe(true);
    });

    it('skips tested bots unless force_retest', async () => {
      expect(await verifyAllSummary(bob, {})).toEqual({ total: 0, verified: 0, failed: 0, testing: 0, errors: [] });
      expect(await verifyAllSummary(bob, { force_retest: true })).toEqual({
        total: 3,
        verified: 2,
        failed: 1,
        testing: 0,
        errors: [{ strategy_id: broken.id, error: expect.any(String) }],
      });
      expect((await history(bob, ok1.id).expect(200)).body.test_runs).toHaveLength(2);
    });

    it('limits the run to strategy_ids and reports those that are not yours', async () => {
      const [aliceAny] = (await http().get(`${BASE}/`).set(bearer(alice.access)).expect(200)).body.results;
      expect(await verifyAllSummary(bob, { force_retest: true, strategy_ids: [ok1.id, aliceAny.strategy, 2_000_000_000, ok1.id] })).toEqual(
        {
          total: 1,
          verified: 1,
          failed: 0,
          testing: 0,
          errors: [
            { strategy_id: aliceAny.strategy, error: 'Strategy not found' },
            { strategy_id: 2_000_000_000, error: 'Strategy not found' },
          ],
        },
      );
      expect((await history(bob, ok1.id).expect(200)).body.test_runs).toHaveLength(3);
    });

    it.each([
      [{ strategy_ids: Array.from({ length: 101 }, (_, i) => i + 1) }, ['strategy_ids']],
      [{ strategy_ids: [] }, ['strategy_ids']],
      [{ strategy_ids: [1, 'two'] }, ['strategy_ids']],
      [{ strategy_ids: [0] }, ['strategy_ids']],
      [{ force_retest: 'yes' }, ['force_retest']],
      [{ symbol: 'AAPL' }, ['symbol']],
    ])('answers 400 naming the fields for %j', async (body, fields) => {
      const res = await verifyAll(bob, body).expect(400);
      expect(Object.keys(res.body.details)).toEqual(fields);
    });
  });

  describe('reading', () => {
    it('verified_bots: your verified bots, best total return first; staff see everyone’s', async () => {
      const mine = (await http().get(`${BASE}/verified_bots/`).set(bearer(bob.access)).expect(200)).body;
      expect(mine.count).toBe(2);
      expect(mine.verified_bots).toHaveLength(2);
      expect(mine.verified_bots.map((b: { strategy_name: string }) => b.strategy_name).sort()).toEqual(['Bob SMA 1', 'Bob SMA 2']);
      const returns = (list: Array<{ total_return: string }>) => list.map((b) => Number(b.total_return));
      const sortedDesc = (xs: number[]) => [...xs].sort((a, b) => b - a);
      expect(returns(mine.verified_bots)).toEqual(sortedDesc(returns(mine.verified_bots)));
      expect(mine.verified_bots.every((b: { is_verified: boolean; status: string }) => b.is_verified && b.status === 'verified')).toBe(
        true,
      );

      const alices = (await http().get(`${BASE}/verified_bots/`).set(bearer(alice.access)).expect(200)).body;
      expect(alices.verified_bots.map((b: { strategy_name: string }) => b.strategy_name)).toEqual(['Alice SMA']);

      await asStaff(alice, async () => {
        const all = (await http().get(`${BASE}/verified_bots/`).set(bearer(alice.access)).expect(200)).body;
        expect(all.count).toBe(3);
        expect(returns(all.verified_bots)).toEqual(sortedDesc(returns(all.verified_bots)));
      });
    });

    it('lists performance rows page by page, yours only (staff: all)', async () => {
      const res = await http().get(`${BASE}/`).set(bearer(bob.access)).expect(200);
      expect(res.body).toEqual({ count: 3, next: null, previous: null, results: expect.any(Array) });
      expect(res.body.results.map((r: { strategy_name: string }) => r.strategy_name).sort()).toEqual([
        'Bob Broken',
        'Bob SMA 1',
        'Bob SMA 2',
      ]);
      await asStaff(bob, async () => {
        const all = await http().get(`${BASE}/?page=1`).set(bearer(bob.access)).expect(200);
        expect(all.body.count).toBe(6);
      });
      expect((await http().get(BASE).set(bearer(bob.access)).expect(200)).body.count).toBe(3);
      await http().get(`${BASE}/?page=0`).set(bearer(bob.access)).expect(400);
      expect((await http().get(`${BASE}/?page=2`).set(bearer(bob.access)).expect(200)).body).toEqual({
        count: 3,
        next: null,
        previous: '?page=1',
        results: [],
      });
    });

    it('test_history: newest first, and staff may read anyone’s', async () => {
      const [aliceSma] = (await http().get(`${BASE}/verified_bots/`).set(bearer(alice.access)).expect(200)).body.verified_bots;
      await asStaff(bob, async () => {
        const h = (await history(bob, aliceSma.strategy).expect(200)).body;
        expect(h.strategy_name).toBe('Alice SMA');
        const started = h.test_runs.map((r: { started_at: string }) => r.started_at);
        expect(started).toEqual([...started].sort().reverse());
        expect(h.test_runs[0].symbol).toBe('MSFT');
      });
    });

    it.each([['abc'], ['0'], ['1e3'], ['-1']])('answers 400 naming id for %s', async (id) => {
      expect(Object.keys((await http().get(`${BASE}/${id}/`).set(bearer(alice.access)).expect(400)).body)).toEqual(['id']);
      expect(Object.keys((await history(alice, id as unknown as number).expect(400)).body.details)).toEqual(['id']);
    });
  });
  describe('POST /, PUT|PATCH|DELETE {id}/ (only the notes are writable)', () => {
    const track = (who: Registered, body: unknown) =>
      http()
        .post(`${BASE}/`)
        .set(bearer(who.access))
        .send(body as object);

    it('starts tracking your strategy untested (201), changes its notes and deletes it (204), runs kept', async () => {
      const mine = await create('Alice tracked', SMA_CROSS_BOT, alice);
      const created = await track(alice, { strategy: mine.id, verification_notes: 'Queued for review' }).expect(201);
      expect(created.body).toEqual({
        strategy: mine.id,
        strategy_name: 'Alice tracked',
        is_verified: false,
        status: 'untested',
        total_return: null,
        win_rate: null,
        sharpe_ratio: null,
        max_drawdown: null,
        total_trades: 0,
        symbol: 'AAPL',
        timeframe: '1d',
        initial_balance: '10000.00',
        commission: '0.002000',
        verification_notes: 'Queued for review',
        last_tested_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect((await http().get(`${BASE}/${mine.id}/`).set(bearer(alice.access)).expect(200)).body).toEqual(created.body);
      const again = await track(alice, { strategy: mine.id }).expect(400);
      expect(again.body).toEqual({ strategy: ['bot performance with this strategy already exists.'] });

      const patched = await http()
        .patch(`${BASE}/${mine.id}/`)
        .set(bearer(alice.access))
        .send({ verification_notes: 'Looks fine' })
        .expect(200);
      expect(patched.body).toMatchObject({ verification_notes: 'Looks fine', status: 'untested', is_verified: false });
      const put = await http().put(`${BASE}/${mine.id}/`).set(bearer(alice.access)).send({ verification_notes: '' }).expect(200);
      expect(put.body.verification_notes).toBe('');
      const same = await http().patch(`${BASE}/${mine.id}/`).set(bearer(alice.access)).send({}).expect(200);
      expect(same.body).toEqual(put.body);

      // A run afterwards fills the row in as usual; deleting the row keeps the run history.
      await verify(alice, { strategy_id: mine.id }).expect(200);
      await http().delete(`${BASE}/${mine.id}/`).set(bearer(alice.access)).expect(204);
      await http().get(`${BASE}/${mine.id}/`).set(bearer(alice.access)).expect(404);
      const runs = await history(alice, mine.id).expect(200);
      expect(runs.body).toMatchObject({ is_verified: false });
      expect(runs.body.test_runs).toHaveLength(1);
      await http().delete(`${BASE}/${mine.id}/`).set(bearer(alice.access)).expect(404);
    });

    it("refuses the verdict and figures, bad fields and other users' strategies (400 DRF field errors)", async () => {
      const mine = await create('Alice refused', SMA_CROSS_BOT, alice);
      const bobs = await create('Bob tracked', SMA_CROSS_BOT, bob);
      const cases: Array<[unknown, string]> = [
        [{}, 'strategy'],
        [{ strategy: 'abc' }, 'strategy'],
        [{ strategy: 0 }, 'strategy'],
        [{ strategy: 99_999_999 }, 'strategy'],
        [{ strategy: bobs.id }, 'strategy'],
        [{ strategy: mine.id, verification_notes: 5 }, 'verification_notes'],
        [{ strategy: mine.id, verification_notes: null }, 'verification_notes'],
        [{ strategy: mine.id, verification_notes: 'x'.repeat(10_001) }, 'verification_notes'],
        [{ strategy: mine.id, is_verified: true }, 'is_verified'],
        [{ strategy: mine.id, status: 'verified' }, 'status'],
        [{ strategy: mine.id, total_return: 99 }, 'total_return'],
      ];
      for (const [body, field] of cases) {
        const res = await track(alice, body);
        expect([field, res.status, Object.keys(res.body)]).toEqual([field, 400, [field]]);
      }
      expect((await track(alice, { strategy: bobs.id })).body).toEqual({ strategy: [`Invalid pk "${bobs.id}" - object does not exist.`] });
      await http().get(`${BASE}/${mine.id}/`).set(bearer(alice.access)).expect(404);

      await track(bob, { strategy: bobs.id }).expect(201);
      for (const req of [
        () => http().put(`${BASE}/${bobs.id}/`).send({ verification_notes: 'mine' }),
        () => http().patch(`${BASE}/${bobs.id}/`).send({ verification_notes: 'mine' }),
        () => http().delete(`${BASE}/${bobs.id}/`),
      ]) {
        expect((await req().set(bearer(alice.access)).expect(404)).body).toEqual({ detail: 'Not found.' });
      }
      const bad = await http().patch(`${BASE}/${bobs.id}/`).set(bearer(bob.access)).send({ is_verified: true }).expect(400);
      expect(bad.body).toEqual({ is_verified: [expect.any(String)] });
      for (const id of ['abc', '0', '1e3', '-1']) {
        expect(Object.keys((await http().patch(`${BASE}/${id}/`).set(bearer(bob.access)).send({}).expect(400)).body)).toEqual(['id']);
        expect(Object.keys((await http().delete(`${BASE}/${id}/`).set(bearer(bob.access)).expect(400)).body)).toEqual(['id']);
      }
      expect((await http().get(`${BASE}/${bobs.id}/`).set(bearer(bob.access)).expect(200)).body.verification_notes).toBe('');
      await http().post(`${BASE}/`).send({ strategy: mine.id }).expect(401);
    });
  });

  it('documents every route in Swagger under "strategies", with examples for bodies and answers', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith(BASE));
    expect(paths.sort()).toEqual(
      [BASE, `${BASE}/{id}`, `${BASE}/{id}/test_history`, `${BASE}/verified_bots`, `${BASE}/verify_all`, `${BASE}/verify_bot`].sort(),
    );
    const schemas = doc.components.schemas;
    /** Every property has an example, or is (an array of) another documented schema. */
    const exampled = (name: string) =>
      Object.values(
        schemas[name].properties as Record<string, { example?: unknown; $ref?: string; allOf?: unknown; items?: { $ref?: string } }>,
      ).every((p) => p.example !== undefined || p.$ref !== undefined || p.allOf !== undefined || p.items?.$ref !== undefined);
    for (const p of paths) {
      for (const op of Object.values(
        doc.paths[p] as Record<
          string,
          {
            tags: string[];
            responses: Record<string, { content?: { 'application/json': { schema: { $ref?: string } } } }>;
            requestBody?: { content: { 'application/json': { schema: { $ref: string } } } };
          }
        >,
      )) {
        expect(op.tags).toEqual(['strategies']);
        const answer = op.responses['200'] ?? op.responses['201'] ?? op.responses['202'];
        if (!answer) expect(op.responses['204']).toBeDefined();
        else expect(exampled(answer.content!['application/json'].schema.$ref!.split('/').pop()!)).toBe(true);
        if (op.requestBody) expect(exampled(op.requestBody.content['application/json'].schema.$ref.split('/').pop()!)).toBe(true);
      }
    }
    for (const name of ['BotPerformanceDto', 'BotTestRunDto', 'TestHistoryDto', 'VerifyAllSummaryDto']) expect(exampled(name)).toBe(true);
  });
});
