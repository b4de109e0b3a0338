import { eq } from 'drizzle-orm';
import { AuthModule } from '../../src/auth/auth.module';
import { Database } from '../../src/database/database.module';
import { keyEvents } from '../../src/database/schema';
import { GeminiModule } from '../../src/gemini/gemini.module';
import { KeyProbeService } from '../../src/gemini/key-probe.service';
import { KeyHealth, KeyHealthService } from '../../src/key-rotation/key-health.service';
import { NoUsableKeysError } from '../../src/key-rotation/key-rotation.errors';
import { Acquired, CallContext, KeyRotationService } from '../../src/key-rotation/key-rotation.service';
import type { Lease } from '../../src/key-rotation/key-state.repository';
import { UsageModule } from '../../src/usage/usage.module';
import { createMediumContext, failures, MediumContext, MediumKey, secretOf } from '../support/medium';

type LeaseGranted = Extract<Acquired, { kind: 'lease' }>;
type Busy = Extract<Acquired, { kind: 'busy' }>;

const MODEL = 'gemini-2.5-flash';
/** The fake clock starts at 2026-11-25T12:00Z, 04:00 in Los Angeles (PST, UTC-8): the Pacific day ends at 08:00Z. */
const PACIFIC_MIDNIGHT = Date.parse('2026-11-26T08:00:00Z');

describe.each(['memory', 'redis'] as const)(`${KeyRotationService.name} (medium, %s store)`, (store) => {
  let ctx: MediumContext;
  let rotation: KeyRotationService;

  async function boot(keys: MediumKey[], env: Record<string, string> = {}): Promise<void> {
    ctx = await createMediumContext({
      imports: [AuthModule, UsageModule, GeminiModule],
      keys,
      store,
      env: { AI_USER_RPM: '0', AI_USER_RPD: '0', ...env },
    });
    rotation = ctx.get(KeyRotationService);
  }
  afterEach(async () => ctx?.close());

  const call = (userId: string): CallContext => ({ userId, model: MODEL });

  async function lease(userId: string, tried: ReadonlySet<string> = new Set(), tokens = 10): Promise<LeaseGranted> {
    const got = await rotation.acquire(call(userId), tokens, tried);
    if (got.kind !== 'lease') throw new Error(`expected a lease, got busy: ${got.why}`);
    return got;
  }

  async function busy(userId: string, tried: ReadonlySet<string> = new Set()): Promise<Busy> {
    const got = await rotation.acquire(call(userId), 10, tried);
    if (got.kind !== 'busy') throw new Error(`expected busy, got a lease on ${got.lease.keyId}`);
    return got;
  }

  /** One full successful attempt: acquire, then succeed with the real prompt tokens. */
  async function served(userId: string, promptTokens = 10): Promise<Lease> {
    const got = await lease(userId);
    await rotation.succeed(got.lease, call(userId), promptTokens, got.pinned);
    return got.lease;
  }

  async function health(keyId: string): Promise<KeyHealth> {
    const report = await ctx.get(KeyHealthService).report();
    const key = report.keys.find((k) => k.key_id === keyId);
    if (!key) throw new Error(`no key ${keyId} in the health report`);
    return key;
  }

  async function events(keyId: string): Promise<Array<{ event: string; reason: string | null }>> {
    const db = ctx.module.get(Database, { strict: false }).connection.db;
    return db
      .select({ event: keyEvents.event, reason: keyEvents.reason })
      .from(keyEvents)
      .where(eq(keyEvents.keyId, keyId))
      .orderBy(keyEvents.id);
  }

  describe('acquire and succeed', () => {
    it('leases the best-priority key, reserves its quota and pins the user to it', async () => {
      await boot([
        { id: 'a', priority: 1 },
        { id: 'b', priority: 2 },
      ]);
      const got = await lease('u1', new Set(), 120);
      expect(got).toMatchObject({ kind: 'lease', secret: secretOf('a'), pinned: false });
      expect(got.lease).toMatchObject({ keyId: 'a', model: MODEL, estimatedTokens: 120, day: '2026-11-25' });
      await rotation.succeed(got.lease, call('u1'), 40, got.pinned);
      // The token estimate is replaced by the real prompt count, and the success is counted.
      const a = await health('a');
      expect(a).toMatchObject({ state: 'ok', success_count: 1, error_count: 0, pinned_users: 1 });
      expect(a.rpm.used).toBe(1);
      expect(a.tpm.used).toBe(40);
      expect(a.rpd.used).toBe(1);
      expect((await health('b')).rpm.used).toBe(0);
    });

    it('skips keys already tried in this call and says busy once every key was tried', async () => {
      await boot([
        { id: 'a', priority: 1 },
        { id: 'b', priority: 2 },
      ]);
      expect((await lease('u1', new Set(['a']))).lease.keyId).toBe('b');
      const none = await busy('u1', new Set(['a', 'b']));
      expect(none.why).toBe('every usable key was tried');
    });

    it('refuses a key whose project has used its RPM, naming when the window frees', async () => {
      await boot([{ id: 'a', rpm: 2 }]);
      await served('u1');
      ctx.clock.advance(5_000);
      await served('u1');
      const full = await busy('u1');
      expect(full.why).toBe('no key had quota left');
      // The first call leaves the sliding minute 55 s from now (to the window's 1 s resolution).
      expect(full.untilMs! - ctx.clock.now()).toBeGreaterThanOrEqual(54_000);
      expect(full.untilMs! - ctx.clock.now()).toBeLessThanOrEqual(56_000);
      ctx.clock.advance(61_000);
      expect((await lease('u1')).lease.keyId).toBe('a');
    });

    it('gives the reservation back when the request never reached Gemini', async () => {
      await boot([{ id: 'a', rpm: 1 }]);
      const got = await lease('u1', new Set(), 50);
      const action = await rotation.fail(got.lease, { kind: 'network', reachedUpstream: false, code: 'ECONNREFUSED' });
      expect(action).toMatchObject({ reason: 'network', refund: true, rotate: true });
      const a = await health('a');
      expect([a.rpm.used, a.tpm.used, a.rpd.used]).toEqual([0, 0, 0]);
      // With RPM 1 the freed slot is usable at once.
      expect((await lease('u1')).lease.keyId).toBe('a');
    });

    it('throws NoUsableKeysError when no key has a secret', async () => {
      await boot([]);
      await expect(rotation.acquire(call('u1'), 10, new Set())).rejects.toBeInstanceOf(NoUsableKeysError);
    });
  });

  describe('a per-minute 429', () => {
    it('cools the whole project × model for the retryDelay, and only that project', async () => {
      await boot([
        { id: 'a', project: 'shared', priority: 1 },
        { id: 'b', project: 'shared', priority: 2 },
        { id: 'c', project: 'other', priority: 3 },
      ]);
      const got = await lease('u1');
      expect(got.lease.keyId).toBe('a');
      const action = await rotation.fail(got.lease, failures.perMinute('30s'));
      expect(action).toMatchObject({ reason: 'rate_limit_minute', scope: 'project_model', rotate: true, refund: false });
      // b shares a's project, so it is cooled too: the next caller lands on c.
      expect((await lease('u2')).lease.keyId).toBe('c');
      for (const id of ['a', 'b']) {
        expect(await health(id)).toMatchObject({ state: 'cooling', in_cooldown: true, cooldown_until: '2026-11-25T12:00:30.000Z' });
      }
      expect((await health('a')).last_error).toBe('rate_limit_minute');
      expect(await health('c')).toMatchObject({ state: 'ok', in_cooldown: false });
    });

    it('answers busy until the cooldown ends when the only key is cooling, then leases it again', async () => {
      await boot([{ id: 'a' }]);
      await rotation.fail((await lease('u1')).lease, failures.perMinute('30s'));
      const cooling = await busy('u1');
      expect(cooling.untilMs).toBe(ctx.clock.now() + 30_000);
      expect(cooling.why).toMatch(/cooling/);
      ctx.clock.advance(29_000);
      await busy('u1');
      ctx.clock.advance(1_001);
      expect((await lease('u1')).lease.keyId).toBe('a');
    });

    it('keeps the longer cooldown when a shorter one follows', async () => {
      await boot([{ id: 'a' }]);
      const first = await lease('u1');
      const second = await lease('u2');
      await rotation.fail(first.lease, failures.perMinute('40s'));
      await rotation.fail(second.lease, failures.perMinute('5s'));
      expect((await health('a')).cooldown_until).toBe('2026-11-25T12:00:40.000Z');
      expect((await health('a')).error_count).toBe(2);
    });
  });

  describe('a per-day 429', () => {
    it('parks the project × model until the next midnight in Los Angeles', async () => {
      await boot([{ id: 'a' }]);
      const action = await rotation.fail((await lease('u1')).lease, failures.perDay());
      expect(action).toMatchObject({ reason: 'rate_limit_day', effect: { kind: 'exhausted_until_pacific_midnight' } });
      expect(await health('a')).toMatchObject({ state: 'exhausted', cooldown_until: new Date(PACIFIC_MIDNIGHT).toISOString() });
      expect((await busy('u1')).untilMs).toBe(PACIFIC_MIDNIGHT);
      ctx.clock.set(PACIFIC_MIDNIGHT - 1_000);
      expect((await busy('u1')).untilMs).toBe(PACIFIC_MIDNIGHT);
      ctx.clock.set(PACIFIC_MIDNIGHT);
      const next = await lease('u1');
      // A new Pacific day: a fresh RPD bucket.
      expect(next.lease).toMatchObject({ keyId: 'a', day: '2026-11-26' });
      expect((await health('a')).state).toBe('ok');
    });
  });

  describe('a limit Gemini announces in a 429', () => {
    it('is adopted when it is lower than the declared one, and enforced from then on', async () => {
      await boot([{ id: 'a', rpm: 15 }]);
      await rotation.fail((await lease('u1')).lease, failures.perMinute('1s', '3'));
      expect((await health('a')).rpm).toEqual({ used: 1, limit: 3, learned: true });
      ctx.clock.advance(1_001);
      await served('u1');
      await served('u1');
      // 3 calls in the minute (the 429'd one reached Gemini, so it counts): the learned limit is full.
      expect((await busy('u1')).why).toBe('no key had quota left');
    });

    it('is ignored when it is above the declared one', async () => {
      await boot([{ id: 'a', rpm: 5 }]);
      await rotation.fail((await lease('u1')).lease, failures.perMinute('1s', '10'));
      expect((await health('a')).rpm).toEqual({ used: 1, limit: 5, learned: false });
    });
  });

  describe('an invalid key', () => {
    it('is disabled with its reason and an audit row, and the next call goes to another key', async () => {
      await boot([
        { id: 'a', priority: 1 },
        { id: 'b', priority: 2 },
      ]);
      const action = await rotation.fail((await lease('u1')).lease, failures.invalidKey());
      expect(action).toMatchObject({ reason: 'key_invalid', scope: 'key', effect: { kind: 'disable', reason: 'invalid' } });
      expect(await rotation.unusableKeys()).toEqual([{ keyId: 'a', reason: 'invalid' }]);
      expect(await events('a')).toEqual([{ event: 'disabled', reason: 'invalid' }]);
      expect((await lease('u2')).lease.keyId).toBe('b');
      expect(await rotation.usableCount()).toBe(1);
    });

    it('stays disabled across a reload, and is re-enabled once the probe succeeds with it', async () => {
      await boot([
        { id: 'a', priority: 1 },
        { id: 'b', priority: 2 },
      ]);
      await rotation.fail((await lease('u1')).lease, failures.invalidKey());
      await expect(rotation.reload({ failOnBadFile: false })).resolves.toMatchObject({ keys: 2, usable: 2 });
      // The disabled flag lives in the state store under the key id: a reload does not clear it.
      expect(await rotation.unusableKeys()).toEqual([{ keyId: 'a', reason: 'invalid' }]);
      expect((await lease('u2')).lease.keyId).toBe('b');
      ctx.transport.script(secretOf('a'), { text: 'models listed' });
      await expect(ctx.get(KeyProbeService).probeDisabledKeys()).resolves.toEqual(['a']);
      expect(ctx.transport.calls.at(-1)).toMatchObject({ secret: secretOf('a'), model: 'models' });
      expect(await rotation.unusableKeys()).toEqual([]);
      expect(await events('a')).toEqual([
        { event: 'disabled', reason: 'invalid' },
        { event: 'enabled', reason: 'probe_ok (was invalid)' },
      ]);
      expect((await lease('u3')).lease.keyId).toBe('a');
    });

    it('is left disabled when the probe still fails, and an operator-disabled key is never probed', async () => {
      await boot([
        { id: 'a', priority: 1 },
        { id: 'b', priority: 2 },
      ]);
      await rotation.fail((await lease('u1')).lease, failures.invalidKey());
      await rotation.disableKey('b', 'manual');
      ctx.transport.script(secretOf('a'), { fail: failures.invalidKey() });
      await expect(ctx.get(KeyProbeService).probeDisabledKeys()).resolves.toEqual([]);
      expect(ctx.transport.keysCalled()).toEqual([secretOf('a')]);
      expect(await rotation.unusableKeys()).toEqual([
        { keyId: 'a', reason: 'invalid' },
        { keyId: 'b', reason: 'manual' },
      ]);
      // Every key disabled, none tried yet: the call cannot be served at all.
      await expect(rotation.acquire(call('u2'), 10, new Set())).rejects.toBeInstanceOf(NoUsableKeysError);
      await rotation.enableKey('b', 'operator');
      expect((await lease('u2')).lease.keyId).toBe('b');
    });
  });

  describe('the sticky pin', () => {
    it('keeps a user on their key even when another key has more headroom', async () => {
      await boot([{ id: 'a' }, { id: 'b' }]);
      const first = await served('u1');
      const other = first.keyId === 'a' ? 'b' : 'a';
      for (let i = 0; i < 3; i++) {
        const again = await lease('u1');
        expect(again).toMatchObject({ pinned: true, lease: { keyId: first.keyId } });
        await rotation.succeed(again.lease, call('u1'), 10, again.pinned);
      }
      expect((await health(first.keyId)).rpm.used).toBe(4);
      // least_loaded sends a newcomer to the idle key.
      expect((await lease('u2')).lease.keyId).toBe(other);
    });

    it('re-pins the user to the key that served them after their pinned key failed', async () => {
      await boot([{ id: 'a' }, { id: 'b' }]);
      const first = await served('u1');
      const other = first.keyId === 'a' ? 'b' : 'a';
      const pinned = await lease('u1');
      expect(pinned.pinned).toBe(true);
      await rotation.fail(pinned.lease, failures.perMinute('30s'));
      const retry = await lease('u1', new Set([first.keyId]));
      expect(retry).toMatchObject({ pinned: false, lease: { keyId: other } });
      await rotation.succeed(retry.lease, call('u1'), 10, retry.pinned);
      expect((await health(first.keyId)).pinned_users).toBe(0);
      expect((await health(other)).pinned_users).toBe(1);
      // Once the old key has cooled down, the user stays on the new one.
      ctx.clock.advance(31_000);
      expect(await lease('u1')).toMatchObject({ pinned: true, lease: { keyId: other } });
    });

    it("ends on the rotation's clock, whatever the store's own expiry clock says", async () => {
      await boot([{ id: 'a' }, { id: 'b' }], { STICKY_TTL_SECONDS: '120' });
      const first = await served('u1');
      ctx.clock.advance(119_999);
      expect(await lease('u1')).toMatchObject({ pinned: true, lease: { keyId: first.keyId } });
      expect((await health(first.keyId)).pinned_users).toBe(1);

      // Two minutes on the clock; on Redis, the key's own TTL (wall time) has not run out yet.
      ctx.clock.advance(1);
      expect((await health(first.keyId)).pinned_users).toBe(0);
      const after = await lease('u1');
      expect(after.pinned).toBe(false);
      await rotation.succeed(after.lease, call('u1'), 10, after.pinned);
      expect(await lease('u1')).toMatchObject({ pinned: true, lease: { keyId: after.lease.keyId } });
    });
  });

  describe('reload', () => {
    it('keeps counters, cooldowns, statistics and pins of the unchanged keys', async () => {
      await boot([
        { id: 'a', rpm: 3, project: 'pa' },
        { id: 'b', rpm: 3, project: 'pb' },
      ]);
      const first = await served('u1');
      await served('u1');
      const other = first.keyId === 'a' ? 'b' : 'a';
      await rotation.fail((await lease('u2', new Set([first.keyId]))).lease, failures.perMinute('45s'));
      const poolBefore = rotation.keyPool;
      await expect(rotation.reload({ failOnBadFile: false })).resolves.toEqual({ keys: 2, usable: 2, warnings: [] });
      expect(rotation.keyPool).not.toBe(poolBefore);
      const kept = await health(first.keyId);
      expect(kept).toMatchObject({ success_count: 2, pinned_users: 1 });
      expect(kept.rpm.used).toBe(2);
      expect(await health(other)).toMatchObject({ state: 'cooling', error_count: 1, last_error: 'rate_limit_minute' });
      // The RPM window survived: one call left on the pinned key, then it is full.
      expect(await lease('u1')).toMatchObject({ pinned: true, lease: { keyId: first.keyId } });
      expect((await busy('u1')).why).toBe('no key had quota left');
    });
  });
});
