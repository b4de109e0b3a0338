/**
 * `/api/production/`: validators, real sandbox tests, the lifecycle with its audit log, deploy and rollback of
 * immutable strategy versions, sandboxed backtests — over HTTP, on PostgreSQL and on PGlite, with the real
 * bot sandbox on synthetic market data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { readFileSync } from 'node:fs';
import { BotFiles } from '../../src/bots/bot-files';
import { BotsRepository } from '../../src/bots/bots.repository';
import { SandboxRunner } from '../../src/bots/sandbox/sandbox-runner.service';
import { Database } from '../../src/database/database.module';
import { codeHash } from '../../src/production/core/content-hash';
import { SandboxRunHandler } from '../../src/production/sandbox-run.handler';
import { SandboxRunsRepository } from '../../src/production/sandbox-runs.repository';
import { syntheticBars } from '../bots/bot-fixtures';
import { strategyLifecycleEvents, strategyVersions } from '../../src/database/schema';
import { StrategiesRepository, StrategyRow } from '../../src/strategy/strategies.repository';
import { createTestApp, TestApp } from '../support/app';
import { bearer, DATABASES, JWT_SECRET, register, Registered } from '../support/auth';

jest.setTimeout(180_000);

/** A bot that trades on an SMA cross and says which version it is (ctx.log in init). */
const botSaying = (marker: string) => `
module.exports = {
  name: 'SMA cross ${marker}',
  params: { fast: 5, slow: 20 },
  init(ctx) { ctx.log('running ${marker}'); },
  onBar(bar, ctx) {
    const fast = ctx.indicators.sma({ period: ctx.params.fast });
    const slow = ctx.indicators.sma({ period: ctx.params.slow });
    if (fast === null || slow === null) return;
    if (fast > slow && ctx.position.qty === 0) ctx.buy();
    else if (fast < slow && ctx.position.qty > 0) ctx.close();
  },
};
`;
const HANGING_BOT = 'module.exports = { onBar() { while (true) {} } };';
const THROWING_BOT = "module.exports = { onBar() { throw new Error('boom'); } };";
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const HEX64 = expect.stringMatching(/^[0-9a-f]{64}$/);
const P = '/api/production';

describe.each(DATABASES)('production API on %s', (_name, open) => {
  let t: TestApp;
  let drop: () => Promise<void>;
  let botsDir: string;
  let alice: Registered;
  let bob: Registered;
  const http = () => request(t.app.getHttpServer());
  const db = () => t.app.get(Database).connection.db;
  const create = (name: string, strategyCode: string, owner: Registered): Promise<StrategyRow> =>
    t.app.get(StrategiesRepository).create({ name, strategyCode, createdBy: owner.id, parameters: { fast: 5 } });
  const setCode = (id: number, strategyCode: string) => t.app.get(StrategiesRepository).update(id, { strategyCode });
  const post = (who: Registered, path: string, body: unknown = {}) =>
    http()
      .post(`${P}${path}`)
      .set(bearer(who.access))
      .send(body as object);
  const get = (who: Registered, path: string) => http().get(`${P}${path}`).set(bearer(who.access));

  beforeAll(async () => {
    const opened = await open();
    drop = opened.drop;
    botsDir = mkdtempSync(join(tmpdir(), 'production-'));
    t = await createTestApp({ ...opened.env, JWT_SECRET, BOTS_DIR: botsDir, BOT_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn' });
    alice = await register(t.app, 'alice');
    bob = await register(t.app, 'bob');
  });
  afterAll(async () => {
    await t?.close();
    await drop?.();
    rmSync(botsDir, { recursive: true, force: true });
  });

  describe('validators', () => {
    it('validate-schema fills in the defaults of a valid definition', async () => {
      const res = await post(alice, '/strategies/validate-schema/', {
        name: 'RSI_Reversal',
        description: 'RSI reversal',
        entry_rules: ['rsi < 30'],
      }).expect(200);
      expect(res.body).toEqual({
        status: 'valid',
        message: 'Strategy schema is valid',
        schema_version: '2.0.0',
        validated_data: expect.objectContaining({
          name: 'RSI_Reversal',
          framework: 'backtesting.py',
          symbol: 'AAPL',
          entry_rules: ['rsi < 30'],
          created_at: ISO,
        }),
      });
    });

    it('validate-schema names every bad field (a bad name is a 400, not a 500)', async () => {
      const res = await post(alice, '/strategies/validate-schema/', { name: 'bad name', framework: 'zipline', exit_rules: 'x' }).expect(
        400,
      );
      expect(res.body).toMatchObject({
        status: 'invalid',
        message: 'Strategy schema validation failed',
        error: expect.stringMatching(/^Invalid strategy schema: /),
      });
      expect(Object.keys(res.body.details).sort()).toEqual(['description', 'exit_rules', 'framework', 'name']);
      expect(res.body.errors).toContainEqual({
        field: 'name',
        message: 'name must be letters, digits and underscores only',
        code: 'invalid_format',
      });
    });

    it('validate-schema refuses a body that is not an object', async () => {
      const res = await post(alice, '/strategies/validate-schema/', [1]).expect(400);
      expect(res.body.details).toEqual({ body: ['expected a JSON object'] });
    });

    it('validate-code passes a bot and answers formatted_code as a string', async () => {
      const res = await post(alice, '/strategies/validate-code/', { code: 'module.exports = { onBar() {} };  \r\n' }).expect(200);
      expect(res.body).toEqual({
        status: 'validated',
        safe: true,
        message: 'Code passed all safety checks',
        formatted_code: 'module.exports = { onBar() {} };\n',
        checks_passed: expect.arrayContaining(['Syntax valid']),
      });
      expect(res.body.checks_passed).toHaveLength(5);
    });

    it('validate-code rejects sandbox violations, each an issue, severity by strict_mode', async () => {
      const code = "const cp = require('child_process');\nmodule.exports = { onBar() { process.exit(1); } };";
      const strict = await post(alice, '/strategies/validate-code/', { code }).expect(400);
      expect(strict.body).toMatchObject({
        status: 'rejected',
        safe: false,
        message: 'Code contains dangerous patterns',
        severity: 'high',
        error_type: 'sandbox_violation',
        line: 1,
      });
      expect(strict.body.issues).toEqual([expect.stringMatching(/^line 1: .*require/), expect.stringMatching(/^line 2: .*process/)]);
      const lax = await post(alice, '/strategies/validate-code/', { code, strict_mode: false }).expect(400);
      expect(lax.body.severity).toBe('medium');
    });

    it('validate-code: no code, a non-string code, a non-boolean strict_mode → 400 naming the field', async () => {
      expect((await post(alice, '/strategies/validate-code/', {}).expect(400)).body).toEqual({
        error: 'No code provided',
        details: { code: ['code is required'] },
      });
      expect((await post(alice, '/strategies/validate-code/', { code: 5 }).expect(400)).body.details).toEqual({
        code: ['code must be a string'],
      });
      expect((await post(alice, '/strategies/validate-code/', { code: 'x', strict_mode: 'yes' }).expect(400)).body.details).toHaveProperty(
        'strict_mode',
      );
    });

    it('validate-config answers the config with defaults and warnings', async () => {
      const res = await post(alice, '/backtests/validate-config/', {
        initial_capital: 100000,
        commission: 0.02,
        position_size: 0.5,
        max_positions: 3,
      }).expect(200);
      expect(res.body).toEqual({
        status: 'valid',
        message: 'Backtest configuration is valid',
        validated_config: { initial_capital: 100000, commission: 0.02, slippage: 0, position_size: 0.5, max_positions: 3 },
        warnings: ['commission 0.02 is above 1% per trade', 'position_size × max_positions = 1.5: open positions can exceed the capital'],
        not_applied_by_engine: ['position_size', 'max_positions'],
      });
    });

    it('validate-config names each bad field', async () => {
      const res = await post(alice, '/backtests/validate-config/', { initial_capital: -1, commission: 'high' }).expect(400);
      expect(res.body).toMatchObject({ status: 'invalid', message: 'Backtest configuration validation failed' });
      expect(Object.keys(res.body.details).sort()).toEqual(['commission', 'initial_capital']);
    });
  });

  describe('sandbox tests and the lifecycle', () => {
    it('runs a passing bot for real: exit 0, its output, resource usage; generated → testing → ready, audited', async () => {
      const s = await create('Passing', botSaying('v1'), alice);
      const res = await post(alice, '/strategies/sandbox-test/', {
        strategy_id: s.id,
        timeout: 30,
        resource_limits: { cpu: '0.5', memory: '512m' },
      }).expect(200);
      expect(res.body).toMatchObject({
        status: 'completed',
        success: true,
        test_id: expect.any(Number),
        strategy_id: s.id,
        code_hash: HEX64,
        strategy_version: null,
        exit_code: 0,
        signal: null,
        timed_out: false,
        cancelled: false,
        error_type: null,
        errors: '',
        lifecycle_status: 'ready',
        limits: { timeout: 5, memory_mb: 256, cpu: expect.stringMatching(/not enforced/) },
        market: { symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: expect.any(Number) },
        started_at: ISO,
        completed_at: ISO,
      });
      expect(res.body.output).toContain('running v1');
      expect(res.body.execution_time).toBeGreaterThan(0);
      expect(res.body.metrics.total_trades).toBeGreaterThan(0);
      // Linux /proc figures of the real sandbox process.
      expect(res.body.resource_usage.max_memory_mb).toBeGreaterThan(10);
      expect(res.body.resource_usage.cpu_time_ms).toEqual(expect.any(Number));

      const life = await get(alice, `/strategies/${s.id}/lifecycle/`).expect(200);
      expect(life.body).toMatchObject({
        strategy_id: s.id,
        name: 'Passing',
        current_status: 'ready',
        current_version: null,
        lifecycle_tracking: { generation_attempts: 0, test_attempts: 1, fix_attempts: 0, error_count: 0, last_error: null },
        timestamps: { created_at: ISO, last_generation: ISO, last_test: ISO, last_success: ISO },
      });
      expect(
        life.body.audit_log.map((e: { action: string; from_status: string; to_status: string }) => [e.action, e.from_status, e.to_status]),
      ).toEqual([
        ['test_started', 'generated', 'testing'],
        ['test_passed', 'testing', 'ready'],
      ]);
      expect(life.body.audit_log[0]).toMatchObject({ actor: { id: alice.id, username: 'alice' }, created_at: ISO });
    });

    it('a hanging bot times out: killed, timed_out true, exit_code null; testing → failed with the error counted', async () => {
      const s = await create('Hanging', HANGING_BOT, alice);
      const res = await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id, timeout: 1 }).expect(200);
      expect(res.body).toMatchObject({
        status: 'failed',
        success: false,
        timed_out: true,
        exit_code: null,
        signal: 'SIGKILL',
        error_type: 'timeout',
        lifecycle_status: 'failed',
      });
      expect(res.body.limits.timeout).toBe(1);
      expect(res.body.errors).toMatch(/^timeout: /);
      expect(res.body.resource_usage.cpu_time_ms).toBeGreaterThan(0);
      const life = await get(alice, `/strategies/${s.id}/lifecycle/`).expect(200);
      expect(life.body.lifecycle_tracking).toMatchObject({
        test_attempts: 1,
        error_count: 1,
        last_error: expect.stringMatching(/timed out/),
      });
    });

    it('a throwing bot fails with exit code 1 and its error', async () => {
      const s = await create('Throwing', THROWING_BOT, alice);
      const res = await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200);
      expect(res.body).toMatchObject({ success: false, exit_code: 1, timed_out: false, error_type: 'unknown' });
      expect(res.body.errors).toContain('boom');
    });

    it("another user's strategy and unknown ids answer 404; bad fields 400 naming them; nothing recorded", async () => {
      const s = await create('Alice only', botSaying('x'), alice);
      expect((await post(bob, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(404)).body).toEqual({
        error: 'Strategy not found',
        details: { id: s.id },
      });
      await post(alice, '/strategies/sandbox-test/', { strategy_id: 999999 }).expect(404);
      expect((await post(alice, '/strategies/sandbox-test/', { strategy_id: 'abc' }).expect(400)).body.details).toHaveProperty(
        'strategy_id',
      );
      expect(
        (await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id, resource_limits: { memory: 'lots' } }).expect(400)).body
          .details,
      ).toHaveProperty(['resource_limits.memory']);
      expect((await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id, timeout: 0 }).expect(400)).body.details).toHaveProperty(
        'timeout',
      );
      expect((await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id, period: '7y' }).expect(400)).body.details).toHaveProperty(
        'period',
      );
      await get(bob, `/strategies/${s.id}/lifecycle/`).expect(404);
      await get(alice, '/strategies/999999/lifecycle/').expect(404);
      expect((await get(alice, '/strategies/abc/lifecycle/').expect(400)).body.details).toHaveProperty('id');
      const events = await db().select().from(strategyLifecycleEvents).where(eq(strategyLifecycleEvents.strategyId, s.id));
      expect(events).toEqual([]);
    });

    it('a strategy without a bot answers 400 and records nothing', async () => {
      const s = await create('No bot', 'def strategy(): pass', alice);
      expect((await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(400)).body.details).toEqual({
        strategy_code: ['not a bot module'],
      });
      expect((await get(alice, `/strategies/${s.id}/lifecycle/`).expect(200)).body).toMatchObject({
        current_status: 'generated',
        audit_log: [],
      });
    });
  });

  describe('deploy and rollback', () => {
    it('refuses a deploy before a passing sandbox test and writes nothing', async () => {
      const s = await create('Untested', botSaying('u'), alice);
      const res = await post(alice, `/strategies/${s.id}/deploy/`).expect(400);
      expect(res.body).toEqual({
        error: 'Strategy must pass tests before deployment',
        current_status: 'generated',
        required_status: 'ready',
        details: { reason: 'this exact code has no sandbox test' },
      });
      const failing = await create('Fails', THROWING_BOT, alice);
      await post(alice, '/strategies/sandbox-test/', { strategy_id: failing.id }).expect(200);
      const refused = await post(alice, `/strategies/${failing.id}/deploy/`).expect(400);
      expect(refused.body).toMatchObject({ current_status: 'failed', details: { reason: 'the last sandbox test of this code failed' } });
      expect(await db().select().from(strategyVersions).where(eq(strategyVersions.strategyId, s.id))).toEqual([]);
      expect((await get(alice, `/strategies/${s.id}/versions/`).expect(200)).body).toEqual({
        strategy_id: s.id,
        current_version: null,
        count: 0,
        results: [],
      });
    });

    it('deploy → change the code → rollback → the old code runs again; runs record the version they ran', async () => {
      const s = await create('Flow', botSaying('v1'), alice);
      await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200);
      const d1 = await post(alice, `/strategies/${s.id}/deploy/`, {
        commit_message: 'first release',
        create_tag: true,
        tag_version: 'v1.0.0',
      }).expect(200);
      expect(d1.body).toEqual({
        status: 'deployed',
        strategy_id: s.id,
        commit: HEX64,
        branch: null,
        tag: 'v1.0.0',
        message: 'Strategy Flow deployed as version 1',
        version: {
          number: 1,
          content_hash: d1.body.commit,
          code_hash: HEX64,
          message: 'first release',
          tag: 'v1.0.0',
          is_current: true,
          test_run_id: expect.any(Number),
          created_by: { id: alice.id, username: 'alice' },
          created_at: ISO,
        },
      });
      // The same tested code cannot be deployed twice in a row (deployed is not ready).
      expect((await post(alice, `/strategies/${s.id}/deploy/`).expect(400)).body.current_status).toBe('deployed');

      await setCode(s.id, botSaying('v2'));
      const refused = await post(alice, `/strategies/${s.id}/deploy/`).expect(400);
      expect(refused.body.details).toEqual({ reason: 'this exact code has no sandbox test' });
      const t2 = await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200);
      expect(t2.body).toMatchObject({ success: true, strategy_version: null });
      expect(t2.body.output).toContain('running v2');
      expect(
        (await post(alice, `/strategies/${s.id}/deploy/`, { create_tag: true, tag_version: 'v1.0.0' }).expect(409)).body.details,
      ).toHaveProperty('tag_version');
      const d2 = await post(alice, `/strategies/${s.id}/deploy/`, { create_tag: true, tag_version: 'v2.0.0' }).expect(200);
      expect(d2.body.version).toMatchObject({ number: 2, message: 'Deploy Flow', tag: 'v2.0.0' });
      expect(d2.body.commit).not.toBe(d1.body.commit);

      await http().post(`/api/strategies/strategies/${s.id}/execute/`).set(bearer(alice.access)).send({}).expect(200);

      const rb = await post(alice, `/strategies/${s.id}/rollback/`, { reason: 'v2 misbehaves' }).expect(200);
      expect(rb.body).toEqual({
        status: 'rolled_back',
        strategy_id: s.id,
        reverted_to: 1,
        previous_version: 2,
        version: expect.objectContaining({ number: 1, is_current: true, content_hash: d1.body.commit }),
        commit: d1.body.commit,
        branch: null,
        reason: 'v2 misbehaves',
        message: 'Strategy Flow rolled back to version 1',
      });
      const strategy = await http().get(`/api/strategies/strategies/${s.id}/`).set(bearer(alice.access)).expect(200);
      expect(strategy.body.strategy_code).toBe(botSaying('v1'));
      const t3 = await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200);
      expect(t3.body).toMatchObject({ success: true, strategy_version: 1, code_hash: d1.body.version.code_hash });
      expect(t3.body.output).toContain('running v1');
      expect(t3.body.output).not.toContain('running v2');

      await http().post(`/api/strategies/strategies/${s.id}/execute/`).set(bearer(alice.access)).send({}).expect(200);
      const history = await http().get(`/api/strategies/strategies/${s.id}/execution_history/`).set(bearer(alice.access)).expect(200);
      expect(history.body.executions.map((e: { strategy_version: number | null }) => e.strategy_version)).toEqual([1, 2]);

      const list = await get(alice, `/strategies/${s.id}/versions/`).expect(200);
      expect(list.body).toMatchObject({ strategy_id: s.id, current_version: 1, count: 2 });
      expect(list.body.results.map((v: { number: number; is_current: boolean }) => [v.number, v.is_current])).toEqual([
        [2, false],
        [1, true],
      ]);
      expect(list.body.results[0]).not.toHaveProperty('code');
      const v2 = await get(alice, `/strategies/${s.id}/versions/2/`).expect(200);
      expect(v2.body).toMatchObject({
        number: 2,
        code: botSaying('v2'),
        parameters: { fast: 5 },
        test_result: expect.objectContaining({ success: true }),
      });

      // Rolling forward by tag or by content hash prefix works too.
      const fwd = await post(alice, `/strategies/${s.id}/rollback/`, { commit_hash: d2.body.commit.slice(0, 12) }).expect(200);
      expect(fwd.body).toMatchObject({ reverted_to: 2, previous_version: 1 });
      expect((await post(alice, `/strategies/${s.id}/rollback/`, { tag: 'v1.0.0' }).expect(200)).body.reverted_to).toBe(1);

      const life = await get(alice, `/strategies/${s.id}/lifecycle/`).expect(200);
      expect(life.body).toMatchObject({ current_status: 'deployed', current_version: 1 });
      expect(life.body.audit_log.map((e: { action: string }) => e.action)).toEqual([
        'test_started',
        'test_passed',
        'deployed',
        'test_started',
        'test_passed',
        'deployed',
        'rolled_back',
        'test_started',
        'test_passed',
        'rolled_back',
        'rolled_back',
      ]);
      expect(life.body.audit_log[6].detail).toMatchObject({ from_version: 2, to_version: 1, reason: 'v2 misbehaves' });

      // Another user sees none of it; unknown versions are 404.
      await get(bob, `/strategies/${s.id}/versions/`).expect(404);
      await get(bob, `/strategies/${s.id}/versions/1/`).expect(404);
      await post(bob, `/strategies/${s.id}/deploy/`).expect(404);
      await post(bob, `/strategies/${s.id}/rollback/`).expect(404);
      expect((await get(alice, `/strategies/${s.id}/versions/9/`).expect(404)).body).toEqual({
        error: 'Version not found',
        details: { strategy_id: s.id, version: 9 },
      });
      await post(alice, `/strategies/${s.id}/rollback/`, { version: 9 }).expect(404);
      await post(alice, `/strategies/${s.id}/rollback/`, { commit_hash: 'fffffff' }).expect(404);
      expect((await post(alice, `/strategies/${s.id}/rollback/`, { version: 1, tag: 'v1.0.0' }).expect(400)).body.details).toHaveProperty(
        'version',
      );
    });

    it('rollback with nothing to go back to is a 409; bad bodies 400; unknown ids 404', async () => {
      const s = await create('Never deployed', botSaying('n'), alice);
      expect((await post(alice, `/strategies/${s.id}/rollback/`).expect(409)).body).toEqual({
        error: 'Nothing to roll back to',
        details: { current_version: null, reason: 'the strategy has never been deployed' },
      });
      expect((await post(alice, `/strategies/${s.id}/rollback/`, { commit_hash: 'XYZ' }).expect(400)).body.details).toHaveProperty(
        'commit_hash',
      );
      expect((await post(alice, `/strategies/${s.id}/deploy/`, { create_tag: 'yes' }).expect(400)).body.details).toHaveProperty(
        'create_tag',
      );
      expect((await post(alice, `/strategies/${s.id}/deploy/`, { tag_version: '../x' }).expect(400)).body.details).toHaveProperty(
        'tag_version',
      );
      await post(alice, '/strategies/999999/deploy/').expect(404);
      await post(alice, '/strategies/999999/rollback/').expect(404);
      await get(alice, '/strategies/999999/versions/').expect(404);
      expect((await get(alice, `/strategies/${s.id}/versions/0/`).expect(400)).body.details).toHaveProperty('number');
    });
  });

  describe('strategies with a linked bot, and the run handler', () => {
    it("rollback writes the version's code back to the linked bot and its file", async () => {
      const botFiles = t.app.get(BotFiles);
      const bots = t.app.get(BotsRepository);
      const bot = await bots.create({ userId: alice.id, name: 'linked', description: '', code: botSaying('b1') }, 'linked_bot', (f) =>
        botFiles.exists(f),
      );
      botFiles.write(bot.fileName, bot.code);
      const s = await t.app.get(StrategiesRepository).create({ name: 'Linked', strategyCode: '', createdBy: alice.id, botId: bot.id });
      await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200);
      await post(alice, `/strategies/${s.id}/deploy/`).expect(200);
      await bots.update(bot.id, { code: botSaying('b2') });
      expect((await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200)).body.output).toContain('running b2');
      await post(alice, `/strategies/${s.id}/deploy/`).expect(200);
      await post(alice, `/strategies/${s.id}/rollback/`).expect(200);
      expect((await bots.byId(bot.id))?.code).toBe(botSaying('b1'));
      expect(readFileSync(botFiles.pathOf(bot.fileName), 'utf8')).toBe(botSaying('b1'));
      expect((await post(alice, '/strategies/sandbox-test/', { strategy_id: s.id }).expect(200)).body).toMatchObject({
        strategy_version: 1,
        output: expect.stringContaining('running b1'),
      });
    });

    it('the handler reports progress and records a run cancelled through its signal as failed', async () => {
      const s = await create('Cancelled', HANGING_BOT, alice);
      const run = await t.app
        .get(SandboxRunsRepository)
        .create({ kind: 'strategy_test', strategyId: s.id, userId: alice.id, codeHash: codeHash(HANGING_BOT) });
      const controller = new AbortController();
      const seen: number[] = [];
      const answer = await t.app.get(SandboxRunHandler).handle(
        {
          kind: 'strategy_test',
          runId: run.id,
          strategyId: s.id,
          actor: { id: alice.id, username: 'alice' },
          code: HANGING_BOT,
          codeHash: codeHash(HANGING_BOT),
          strategyVersion: null,
          markets: [{ symbol: 'AAPL', period: '1y', interval: '1d' }],
          limits: { timeoutMs: 5000, memoryMb: 128 },
        },
        {
          jobId: 'job-1',
          signal: controller.signal,
          progress: async (pct) => {
            seen.push(pct);
            if (pct === 5) controller.abort();
          },
        },
      );
      expect(answer).toMatchObject({ success: false, cancelled: true, timed_out: false, test_id: run.id });
      expect(seen[0]).toBe(5);
      expect(seen[seen.length - 1]).toBe(100);
      expect(await t.app.get(SandboxRunsRepository).byId(run.id)).toMatchObject({
        status: 'failed',
        success: false,
        completedAt: expect.any(Date),
      });
    });

    it('the runner stops a running bot when its signal aborts, and applies a tighter memory limit', async () => {
      const runner = t.app.get(SandboxRunner);
      const controller = new AbortController();
      const outcome = await runner.run(
        { code: HANGING_BOT, bars: syntheticBars(50) },
        { signal: controller.signal, onStarted: () => setImmediate(() => controller.abort()) },
      );
      expect(outcome).toMatchObject({ ok: false, process: { cancelled: true, timedOut: false, exitCode: null, signal: 'SIGKILL' } });
      const hog =
        'module.exports = { init() { const hold = []; for (let i = 0; i < 4096; i++) hold.push(new Array(1 << 17).fill(i)); }, onBar() {} };';
      const small = await runner.run({ code: hog, bars: syntheticBars(50), limits: { memoryMb: 64 } });
      expect(small).toMatchObject({ ok: false, errorType: 'memory', process: { limits: { memoryMb: 64 } } });
    });
  });

  describe('sandboxed backtests', () => {
    it('backtests over two symbols for real and serves the status afterwards', async () => {
      const s = await create('Backtested', botSaying('b'), alice);
      const res = await post(alice, '/backtests/run-sandbox/', {
        strategy_id: s.id,
        symbols: ['AAPL', 'msft'],
        config: { initial_capital: 50000, commission: 0.001 },
        resource_limits: { cpu: '1.0', memory: '1g', timeout: 30 },
      }).expect(200);
      expect(res.body).toMatchObject({
        status: 'completed',
        success: true,
        backtest_id: expect.any(Number),
        exit_code: 0,
        timed_out: false,
        lifecycle_status: 'generated',
      });
      expect(Object.keys(res.body.results.per_symbol)).toEqual(['AAPL', 'MSFT']);
      const { AAPL, MSFT } = res.body.results.per_symbol;
      expect(res.body.results.total_trades).toBe(AAPL.total_trades + MSFT.total_trades);
      expect(AAPL.total_return).not.toBe(MSFT.total_return);
      expect(res.body.markets.map((m: { symbol: string }) => m.symbol)).toEqual(['AAPL', 'MSFT']);

      const status = await get(alice, `/backtests/${res.body.backtest_id}/status/`).expect(200);
      expect(status.body).toMatchObject({
        backtest_id: res.body.backtest_id,
        strategy_id: s.id,
        status: 'completed',
        success: true,
        started_at: ISO,
        completed_at: ISO,
        error_message: null,
        results: res.body.results,
        request: {
          symbols: ['AAPL', 'MSFT'],
          period: '1y',
          interval: '1d',
          config: { initial_capital: 50000, commission: 0.001, slippage: 0 },
        },
        state_tracking: { current_status: 'generated' },
      });
      expect(status.body.audit_log.map((e: { action: string }) => e.action)).toEqual(['backtest_completed']);
      await get(bob, `/backtests/${res.body.backtest_id}/status/`).expect(404);
      expect((await get(alice, '/backtests/999999/status/').expect(404)).body).toEqual({
        error: 'Backtest not found',
        details: { id: 999999 },
      });
      expect((await get(alice, '/backtests/abc/status/').expect(400)).body.details).toHaveProperty('id');
    });

    it('keeps only the requested date range and reports a failing bot as status failed', async () => {
      const s = await create('Backtest fails', THROWING_BOT, alice);
      const res = await post(alice, '/backtests/run-sandbox/', {
        strategy_id: s.id,
        start_date: '2026-06-01',
        end_date: '2026-09-30',
      }).expect(200);
      expect(res.body).toMatchObject({ status: 'failed', success: false, results: null, exit_code: 1 });
      expect(res.body.errors).toContain('boom');
      expect((await get(alice, `/backtests/${res.body.backtest_id}/status/`).expect(200)).body).toMatchObject({
        status: 'failed',
        results: null,
        error_message: expect.stringContaining('boom'),
      });
    });

    it('refuses bad requests by field and other users’ strategies', async () => {
      const s = await create('Backtest refusals', botSaying('r'), alice);
      const bad = async (body: Record<string, unknown>, field: string) =>
        expect((await post(alice, '/backtests/run-sandbox/', { strategy_id: s.id, ...body }).expect(400)).body.details).toHaveProperty([
          field,
        ]);
      await bad({ config: { commission: 2 } }, 'config.commission');
      await bad({ config_id: 3 }, 'config_id');
      await bad({ start_date: '2026-09-01', end_date: '2026-01-01' }, 'end_date');
      await bad({ start_date: '2026-02-30' }, 'start_date');
      await bad({ symbols: ['../etc'] }, 'symbols');
      await bad({ symbols: [] }, 'symbols');
      await bad({ resource_limits: { timeout: 0 } }, 'resource_limits.timeout');
      await post(bob, '/backtests/run-sandbox/', { strategy_id: s.id }).expect(404);
    });
  });

  describe('health, root and auth', () => {
    it('strategies/health and backtests/health report every component available', async () => {
      const st = await get(alice, '/strategies/health/').expect(200);
      expect(st.body).toMatchObject({
        overall: 'healthy',
        components: {
          state_manager: { available: true, strategies_tracked: expect.any(Number) },
          safe_tools: { available: true, workspace: botsDir },
          output_validator: { available: true, strict_mode: true },
          sandbox_runner: { available: true, docker_available: false, running: expect.any(Number), waiting: expect.any(Number) },
          version_store: { available: true, versions: expect.any(Number) },
        },
      });
      const bt = await get(alice, '/backtests/health/').expect(200);
      expect(Object.keys(bt.body.components)).toEqual(['state_manager', 'output_validator', 'sandbox_runner']);
    });

    it('GET /api/production/ lists the groups', async () => {
      expect((await get(alice, '/').expect(200)).body).toEqual({
        strategies: '/api/production/strategies/',
        backtests: '/api/production/backtests/',
      });
    });

    it('documents every production route in Swagger', async () => {
      const doc = (await http().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
      expect(
        Object.keys(doc.paths)
          .filter((p) => p.startsWith(P))
          .sort(),
      ).toEqual(
        [
          P,
          `${P}/backtests/health`,
          `${P}/backtests/run-sandbox`,
          `${P}/backtests/validate-config`,
          `${P}/backtests/{id}/status`,
          `${P}/strategies/health`,
          `${P}/strategies/sandbox-test`,
          `${P}/strategies/validate-code`,
          `${P}/strategies/validate-schema`,
          `${P}/strategies/{id}/deploy`,
          `${P}/strategies/{id}/lifecycle`,
          `${P}/strategies/{id}/rollback`,
          `${P}/strategies/{id}/versions`,
          `${P}/strategies/{id}/versions/{number}`,
        ].sort(),
      );
    });

    it('needs a token', async () => {
      await http().get(`${P}/strategies/health/`).expect(401);
      await http().post(`${P}/strategies/validate-code/`).send({ code: 'x' }).expect(401);
    });
  });
});
