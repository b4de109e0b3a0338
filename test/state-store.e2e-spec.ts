import { createServer, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FallbackStateStore } from '../src/state-store/fallback-state-store';
import { MemoryStateStore } from '../src/state-store/memory-state-store';
import { RedisStateStore } from '../src/state-store/redis-state-store';
import { StateStore } from '../src/state-store/state-store';
import { StateStoreUnavailableError } from '../src/state-store/state-store.errors';
import { startRedisCluster } from './support/redis-cluster';
import { freshRedisPrefix } from './support/services';

/**
 * One contract, two stores: every behaviour below must hold for the in-memory store and for real Redis.
 * Expiry uses real time with short TTLs, since Redis expires keys on its own clock.
 */
type Subject = { store: StateStore; second: () => Promise<StateStore>; cleanup: () => Promise<void> };
type Factory = { name: string; make: () => Promise<Subject> };

/** A store from `open`; `second` opens another client on the same Redis (another replica); cleanup closes those, then `stop`. */
async function withReplicas(open: () => Promise<StateStore>, stop: () => Promise<void>): Promise<Subject> {
  const store = await open();
  const others: StateStore[] = [];
  return {
    store,
    second: async () => {
      const s = await open();
      others.push(s);
      return s;
    },
    cleanup: async () => {
      await Promise.all(others.map((o) => o.close()));
      await stop();
    },
  };
}

const stores: Factory[] = [
  {
    name: 'memory',
    make: async () => {
      const store = new MemoryStateStore();
      return { store, second: async () => store, cleanup: async () => undefined };
    },
  },
  {
    name: 'redis',
    make: async () => {
      const { url, prefix, cleanup } = await freshRedisPrefix();
      const open = async () => {
        const s = new RedisStateStore({ url, keyPrefix: prefix, commandTimeoutMs: 2000 });
        await s.connect();
        return s;
      };
      return withReplicas(open, cleanup);
    },
  },
  {
    name: 'redis cluster (3 local nodes)',
    make: async () => {
      const cluster = await startRedisCluster();
      const open = async () => {
        const s = new RedisStateStore({ clusterNodes: cluster.nodes, keyPrefix: 'contract:', commandTimeoutMs: 2000 });
        await s.connect();
        return s;
      };
      return withReplicas(open, () => cluster.stop());
    },
  },
];

describe.each(stores)('StateStore contract: $name', ({ make }) => {
  let store: StateStore;
  let second: () => Promise<StateStore>;
  let cleanup: () => Promise<void>;
  let n = 0;
  // A hash tag per test key: on a Redis Cluster a script's keys must share a slot, as the app's keys do.
  const key = (name: string) => `{${name}:${++n}}`;

  beforeAll(async () => {
    ({ store, second, cleanup } = await make());
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  describe('keys with expiry', () => {
    it('sets and gets a value, and deletes it', async () => {
      const k = key('plain');
      await store.set(k, 'v1');
      expect(await store.get(k)).toBe('v1');
      expect(await store.ttl(k)).toBe(Number.POSITIVE_INFINITY);
      await store.delete(k);
      expect(await store.get(k)).toBeNull();
      expect(await store.ttl(k)).toBeNull();
    });

    it('reads many keys at once, in order, with null for missing ones', async () => {
      const [a, b] = [key('many'), key('many')];
      await store.set(a, '1');
      await store.set(b, '2');
      expect(await store.getMany([b, key('absent'), a])).toEqual(['2', null, '1']);
      expect(await store.getMany([])).toEqual([]);
    });

    it('forgets a value after its TTL', async () => {
      const k = key('ttl');
      await store.set(k, 'soon-gone', 80);
      expect(await store.get(k)).toBe('soon-gone');
      const ttl = await store.ttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(80);
      await sleep(150);
      expect(await store.get(k)).toBeNull();
    });

    it('extends a cooldown to a later time but never shortens it', async () => {
      const k = key('cool');
      const now = Date.now();
      expect(await store.extendUntil(k, now + 5000, now)).toBe(now + 5000);
      expect(await store.extendUntil(k, now + 1000, now)).toBe(now + 5000);
      expect(await store.get(k)).toBe(String(now + 5000));
      expect(await store.extendUntil(k, now + 9000, now)).toBe(now + 9000);
      expect(await store.get(k)).toBe(String(now + 9000));
      expect(await store.ttl(k)).toBeGreaterThan(8000);
    });

    it('compares end times on the caller’s clock, so a fake clock far ahead still extends', async () => {
      const k = key('cool-fake');
      const now = Date.now();
      await store.extendUntil(k, now + 60_000, now);
      const later = now + 3_600_000;
      expect(await store.extendUntil(k, later + 1000, later)).toBe(later + 1000);
    });
  });

  describe('counters with TTL', () => {
    it('adds atomically and sets the TTL once, on creation', async () => {
      const k = key('count');
      expect(await store.increment(k, 1, 5000)).toBe(1);
      expect(await store.increment(k, 4, 100)).toBe(5);
      expect(await store.ttl(k)).toBeGreaterThan(1000);
    });

    it('restarts from zero after the TTL', async () => {
      const k = key('count-ttl');
      await store.increment(k, 3, 60);
      await sleep(120);
      expect(await store.increment(k, 1, 60)).toBe(1);
    });

    it('never loses an increment under parallel writers', async () => {
      const k = key('count-par');
      const other = await second();
      await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? store : other).increment(k, 1, 10000)));
      expect(await store.get(k)).toBe('100');
    });
  });

  describe('small maps', () => {
    it('sets, increments, reads and deletes fields', async () => {
      const k = key('map');
      await store.hashSet(k, { a: '1', b: 'x' });
      expect(await store.hashIncrement(k, 'a', 2)).toBe(3);
      expect(await store.hashIncrement(k, 'new', 1)).toBe(1);
      await store.hashDelete(k, 'b');
      expect(await store.hashGetAll(k)).toEqual({ a: '3', new: '1' });
      expect(await store.hashGetAll(key('missing'))).toEqual({});
    });
  });

  describe('sliding-window reservation', () => {
    it('admits up to the limit inside the window and names the window that refused', async () => {
      const w = key('rpm');
      const now = Date.now();
      for (let i = 0; i < 3; i++) {
        expect(await store.reserve({ id: `r${i}`, nowMs: now + i, windows: [{ key: w, limit: 3, windowMs: 60000 }] })).toEqual({
          ok: true,
        });
      }
      const refused = await store.reserve({ id: 'r3', nowMs: now + 10, windows: [{ key: w, limit: 3, windowMs: 60000 }] });
      expect(refused).toEqual({ ok: false, reason: 'window', key: w, retryAfterMs: 60000 - 10 });
      expect(await store.windowUsage(w, 60000, now + 10)).toBe(3);
    });

    it('slides: an entry stops counting exactly windowMs after it was taken', async () => {
      const w = key('slide');
      const t0 = Date.now();
      await store.reserve({ id: 'a', nowMs: t0, windows: [{ key: w, limit: 1, windowMs: 1000 }] });
      const early = await store.reserve({ id: 'b', nowMs: t0 + 999, windows: [{ key: w, limit: 1, windowMs: 1000 }] });
      expect(early).toMatchObject({ ok: false, retryAfterMs: 1 });
      expect(await store.reserve({ id: 'c', nowMs: t0 + 1000, windows: [{ key: w, limit: 1, windowMs: 1000 }] })).toEqual({ ok: true });
    });

    it('weighs entries by cost (tokens) and says when enough frees up', async () => {
      const w = key('tpm');
      const t0 = Date.now();
      await store.reserve({ id: 'a', nowMs: t0, windows: [{ key: w, limit: 100, windowMs: 60000, cost: 60 }] });
      await store.reserve({ id: 'b', nowMs: t0 + 1000, windows: [{ key: w, limit: 100, windowMs: 60000, cost: 30 }] });
      const r = await store.reserve({ id: 'c', nowMs: t0 + 2000, windows: [{ key: w, limit: 100, windowMs: 60000, cost: 20 }] });
      expect(r).toEqual({ ok: false, reason: 'window', key: w, retryAfterMs: 58000 });
      expect(await store.windowUsage(w, 60000, t0 + 2000)).toBe(90);
    });

    it('keeps an exact running total while entries expire one by one', async () => {
      const w = key('total');
      const t0 = Date.now();
      for (let i = 1; i <= 50; i++) {
        expect(
          await store.reserve({ id: `e${i}`, nowMs: t0 + i, windows: [{ key: w, limit: 1_000_000, windowMs: 100, cost: i }] }),
        ).toEqual({ ok: true });
      }
      // At t0+120 entries taken at t0+1..t0+20 have left (ts <= now - 100): 21+…+50 remain.
      expect(await store.windowUsage(w, 100, t0 + 120)).toBe(((21 + 50) * 30) / 2);
      await store.adjustWindow(w, 'e50', 50, 5, t0 + 120);
      await store.release({ id: 'e49', windows: [{ key: w, cost: 49 }] });
      expect(await store.windowUsage(w, 100, t0 + 120)).toBe(((21 + 50) * 30) / 2 - 45 - 49);
      expect(await store.windowUsage(w, 100, t0 + 151)).toBe(0);
      // Refused when the total would pass the limit, and told when the oldest entry leaves.
      await store.reserve({ id: 'n1', nowMs: t0 + 200, windows: [{ key: w, limit: 10, windowMs: 100, cost: 6 }] });
      expect(await store.reserve({ id: 'n2', nowMs: t0 + 210, windows: [{ key: w, limit: 10, windowMs: 100, cost: 6 }] })).toEqual({
        ok: false,
        reason: 'window',
        key: w,
        retryAfterMs: 90,
      });
    });

    it('reports the usage of many windows in one call', async () => {
      const base = key('u');
      const [w1, w2] = [`${base}:1`, `${base}:2`];
      const now = Date.now();
      await store.reserve({
        id: 'a',
        nowMs: now,
        windows: [
          { key: w1, limit: 100, windowMs: 60000, cost: 7 },
          { key: w2, limit: 100, windowMs: 60000, cost: 2 },
        ],
      });
      expect(await store.windowUsageMany([w1, w2, key('u3')], 60000, now)).toEqual([7, 2, 0]);
    });

    it('reports a cost larger than the limit as never fitting', async () => {
      const w = key('huge');
      const r = await store.reserve({ id: 'x', nowMs: Date.now(), windows: [{ key: w, limit: 10, windowMs: 60000, cost: 11 }] });
      expect(r).toEqual({ ok: false, reason: 'window', key: w, retryAfterMs: null });
    });

    it('reconciles an entry’s cost in place, keeping its time', async () => {
      const w = key('adjust');
      const t0 = Date.now();
      await store.reserve({ id: 'a', nowMs: t0, windows: [{ key: w, limit: 100, windowMs: 60000, cost: 50 }] });
      await store.adjustWindow(w, 'a', 50, 20, t0 + 5);
      expect(await store.windowUsage(w, 60000, t0 + 5)).toBe(20);
      expect(await store.windowUsage(w, 60000, t0 + 60000)).toBe(0);
    });
  });

  describe('multi-part reservation', () => {
    const parts = (p: string, now: number) => ({
      windows: [
        { key: `${p}:rpm`, limit: 5, windowMs: 60000 },
        { key: `${p}:tpm`, limit: 1000, windowMs: 60000, cost: 400 },
      ],
      counters: [{ key: `${p}:rpd`, limit: 10, amount: 1, expireAtMs: now + 3_600_000 }],
    });

    it('takes every part or none', async () => {
      const p = key('multi');
      const now = Date.now();
      expect(await store.reserve({ id: '1', nowMs: now, ...parts(p, now) })).toEqual({ ok: true });
      expect(await store.reserve({ id: '2', nowMs: now, ...parts(p, now) })).toEqual({ ok: true });
      const third = await store.reserve({ id: '3', nowMs: now, ...parts(p, now) });
      expect(third).toMatchObject({ ok: false, reason: 'window', key: `${p}:tpm` });
      // The refused reservation took nothing: RPM and RPD still show two.
      expect(await store.windowUsage(`${p}:rpm`, 60000, now)).toBe(2);
      expect(await store.get(`${p}:rpd`)).toBe('2');
    });

    it('is refused while a blocker (cooldown flag) exists, with its remaining time', async () => {
      const p = key('blocked');
      const now = Date.now();
      await store.set(`${p}:cool`, 'rate_limit_minute', 30000);
      const r = await store.reserve({ id: '1', nowMs: now, blockers: [`${p}:cool`], ...parts(p, now) });
      expect(r).toMatchObject({ ok: false, reason: 'blocked', key: `${p}:cool` });
      expect((r as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(29000);
      expect(await store.windowUsage(`${p}:rpm`, 60000, now)).toBe(0);
    });

    it('treats a numeric blocker as an end time on the caller’s clock', async () => {
      const p = key('until');
      const now = Date.now();
      await store.set(`${p}:cool`, String(now + 5000), 600000);
      expect(await store.reserve({ id: '1', nowMs: now, blockers: [`${p}:cool`] })).toEqual({
        ok: false,
        reason: 'blocked',
        key: `${p}:cool`,
        retryAfterMs: 5000,
      });
      // Past the end time the flag no longer blocks, although the key still exists.
      expect(await store.reserve({ id: '2', nowMs: now + 5000, blockers: [`${p}:cool`] })).toEqual({ ok: true });
    });

    it('stops at a fixed counter limit and says when the bucket ends', async () => {
      const c = key('rpd');
      const now = Date.now();
      const counters = [{ key: c, limit: 2, amount: 1, expireAtMs: now + 50000 }];
      await store.reserve({ id: '1', nowMs: now, counters });
      await store.reserve({ id: '2', nowMs: now, counters });
      const r = await store.reserve({ id: '3', nowMs: now, counters });
      expect(r).toMatchObject({ ok: false, reason: 'counter', key: c });
      expect((r as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(49000);
    });

    it('refunds a reservation that never reached upstream', async () => {
      const p = key('refund');
      const now = Date.now();
      await store.reserve({ id: 'keep', nowMs: now, ...parts(p, now) });
      await store.reserve({ id: 'undo', nowMs: now, ...parts(p, now) });
      await store.release({
        id: 'undo',
        windows: [
          { key: `${p}:rpm`, cost: 1 },
          { key: `${p}:tpm`, cost: 400 },
        ],
        counters: [{ key: `${p}:rpd`, amount: 1 }],
      });
      expect(await store.windowUsage(`${p}:rpm`, 60000, now)).toBe(1);
      expect(await store.windowUsage(`${p}:tpm`, 60000, now)).toBe(400);
      expect(await store.get(`${p}:rpd`)).toBe('1');
    });
  });

  describe('slots held for later (an honest Retry-After)', () => {
    const rpm = (w: string, limit: number) => [{ key: w, limit, windowMs: 60000 }];

    it('hands out future slots in order: each caller told to come back gets the next slot that frees', async () => {
      const w = key('slots');
      const holds = { key: `${w}:holds` };
      const base = Date.now();
      for (let i = 0; i < 3; i++)
        expect(await store.reserve({ id: `now${i}`, nowMs: base + i * 1000, windows: rpm(w, 3), holds })).toEqual({ ok: true });
      const now = base + 2000;
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) {
        const refused = await store.reserve({ id: `ask${i}`, nowMs: now, windows: rpm(w, 3), holds });
        expect(refused).toMatchObject({ ok: false, reason: 'window' });
        const at = now + (refused as { retryAfterMs: number }).retryAfterMs;
        waits.push(at - base);
        expect(
          await store.reserve({ id: `held${i}`, nowMs: now, atMs: at, windows: rpm(w, 3), holds: { ...holds, untilMs: at + 2000 } }),
        ).toEqual({ ok: true });
      }
      // The three callers come back at the three moments the three entries leave the window, not all at the first.
      expect(waits).toEqual([60000, 61000, 62000]);
      // A replica aiming at a slot already handed out is refused and told the next free one.
      const other = await second();
      const late = await other.reserve({ id: 'late', nowMs: now, atMs: base + 60000, windows: rpm(w, 3), holds });
      expect(late).toMatchObject({ ok: false, reason: 'window' });
      expect(base + 60000 + (late as { retryAfterMs: number }).retryAfterMs).toBe(base + 120000);
    });

    it('keeps a slot for its caller: a reservation made when it frees is refused, the claim succeeds once', async () => {
      const w = key('keep');
      const holds = { key: `${w}:holds` };
      const base = Date.now();
      await store.reserve({ id: 'first', nowMs: base, windows: rpm(w, 1), holds });
      expect(
        await store.reserve({
          id: 'held',
          nowMs: base,
          atMs: base + 60000,
          windows: rpm(w, 1),
          holds: { ...holds, untilMs: base + 62000 },
        }),
      ).toEqual({
        ok: true,
      });
      const atFree = await store.reserve({ id: 'stranger', nowMs: base + 60000, windows: rpm(w, 1), holds });
      expect(atFree).toMatchObject({ ok: false, reason: 'window' });
      const other = await second();
      expect(await other.claimHold(holds.key, 'held')).toBe(true);
      expect(await store.claimHold(holds.key, 'held')).toBe(false);
      // Claimed: it is an ordinary reservation now and is not released when the hold time passes.
      await store.reserve({ id: 'probe', nowMs: base + 62001, windows: rpm(w, 5), holds });
      expect(await store.windowUsage(w, 60000, base + 62001)).toBe(2);
    });

    it('releases a slot whose caller did not come back in time, windows and counters both', async () => {
      const w = key('lapse');
      const c = `${w}:day`;
      const holds = { key: `${w}:holds` };
      const base = Date.now();
      const counters = [{ key: c, limit: 100, amount: 1, expireAtMs: base + 3_600_000 }];
      await store.reserve({ id: 'first', nowMs: base, windows: rpm(w, 1), counters, holds });
      await store.reserve({
        id: 'held',
        nowMs: base,
        atMs: base + 60000,
        windows: rpm(w, 1),
        counters,
        holds: { ...holds, untilMs: base + 62000 },
      });
      expect(await store.get(c)).toBe('2');
      expect(await store.reserve({ id: 'early', nowMs: base + 61000, windows: rpm(w, 1), counters, holds })).toMatchObject({ ok: false });
      expect(await store.reserve({ id: 'after', nowMs: base + 62000, windows: rpm(w, 1), counters, holds })).toEqual({ ok: true });
      expect(await store.claimHold(holds.key, 'held')).toBe(false);
      expect(await store.windowUsage(w, 60000, base + 62000)).toBe(1);
      expect(await store.get(c)).toBe('2');
    });

    it('checks blockers as they will be at the slot’s time', async () => {
      const w = key('cool-slot');
      const now = Date.now();
      await store.set(`${w}:cool`, String(now + 10000), 600000);
      const blockers = [`${w}:cool`];
      expect(await store.reserve({ id: 'soon', nowMs: now, atMs: now + 5000, blockers, windows: rpm(w, 5) })).toEqual({
        ok: false,
        reason: 'blocked',
        key: `${w}:cool`,
        retryAfterMs: 5000,
      });
      expect(await store.reserve({ id: 'later', nowMs: now, atMs: now + 10000, blockers, windows: rpm(w, 5) })).toEqual({ ok: true });
    });
  });

  describe('concurrency', () => {
    it('never admits more than the limit when 200 reservations race from two clients', async () => {
      const w = key('race');
      const c = `${w}:day`;
      const other = await second();
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (i % 2 ? store : other).reserve({
            id: `r${i}`,
            nowMs: now,
            windows: [{ key: w, limit: 17, windowMs: 60000 }],
            counters: [{ key: c, limit: 1000, amount: 1, expireAtMs: now + 60000 }],
          }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(17);
      expect(await store.windowUsage(w, 60000, now)).toBe(17);
      expect(await store.get(c)).toBe('17');
    });
  });
});

describe('RedisStateStore when Redis is unavailable', () => {
  it('fails fast with a clear error when nothing listens', async () => {
    const store = new RedisStateStore({ url: 'redis://127.0.0.1:1', keyPrefix: 't:', commandTimeoutMs: 300 });
    const started = Date.now();
    await expect(store.connect()).rejects.toBeInstanceOf(StateStoreUnavailableError);
    await expect(store.get('x')).rejects.toThrow(/State store unavailable/);
    await expect(store.ping()).rejects.toBeInstanceOf(StateStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(3000);
    await store.close();
  });

  describe('when the server accepts but never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    let port: number;
    beforeAll(async () => {
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    });

    it('does not hang: connect and commands give up within the timeouts', async () => {
      const store = new RedisStateStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 't:', commandTimeoutMs: 300 });
      const started = Date.now();
      await expect(store.connect()).rejects.toBeInstanceOf(StateStoreUnavailableError);
      await expect(store.reserve({ id: 'a', nowMs: Date.now(), windows: [{ key: 'w', limit: 1, windowMs: 1000 }] })).rejects.toBeInstanceOf(
        StateStoreUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      await store.close();
    });
  });

  it('recovers by itself when Redis comes back (reconnects in the background); failing open it never stops serving', async () => {
    const { url, prefix, cleanup } = await freshRedisPrefix();
    // A TCP relay in front of the real Redis that we can cut and restore.
    const target = new URL(url);
    const live = new Set<Socket>();
    let relay = createRelay();
    function createRelay(): Server {
      return createServer((client) => {
        const upstream = new Socket();
        upstream.connect(Number(target.port || 6379), target.hostname);
        client.pipe(upstream).pipe(client);
        live.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
    }
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as { port: number }).port;
    const store = new RedisStateStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix, commandTimeoutMs: 500 });
    const failOpen = new FallbackStateStore(
      new RedisStateStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix, commandTimeoutMs: 500 }),
    );
    await store.connect();
    await failOpen.connect();
    await store.set('k', 'v');
    expect(await failOpen.get('k')).toBe('v');

    const closed = new Promise((r) => relay.close(r));
    live.forEach((s) => s.destroy());
    await closed;
    await expect(store.get('k')).rejects.toBeInstanceOf(StateStoreUnavailableError);
    // Fail-open: the same calls succeed from local memory, marked degraded.
    await failOpen.set('local', 'only');
    expect(failOpen.degraded).toBe(true);
    expect(await failOpen.get('local')).toBe('only');
    expect(await failOpen.reserve({ id: 'x', nowMs: Date.now(), windows: [{ key: 'w', limit: 1, windowMs: 1000 }] })).toEqual({ ok: true });
    await expect(failOpen.ping()).resolves.toBeUndefined();

    relay = createRelay();
    await new Promise<void>((r) => relay.listen(port, '127.0.0.1', r));
    let value: string | null = null;
    for (let i = 0; i < 40 && value === null; i++) {
      await sleep(100);
      value = await store.get('k').catch(() => null);
    }
    expect(value).toBe('v');
    // The fail-open store moves back to Redis by itself: the shared value is visible again.
    for (let i = 0; i < 40 && failOpen.degraded; i++) await sleep(100);
    expect(failOpen.degraded).toBe(false);
    expect(await failOpen.get('k')).toBe('v');
    expect(await failOpen.get('local')).toBeNull();
    await failOpen.close();
    await store.close();
    const closedAgain = new Promise((r) => relay.close(r));
    live.forEach((s) => s.destroy());
    await closedAgain;
    await cleanup();
  });
});
