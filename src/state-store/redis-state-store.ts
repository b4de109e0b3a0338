import { hashSlot } from './hash-slot';
import Redis, { Cluster, ReplyError } from 'ioredis';
import { StateStoreUnavailableError } from './state-store.errors';
import { ReleaseRequest, ReserveRequest, ReserveResult, StateStore } from './state-store';
import * as scripts from './redis-scripts';

export interface RedisStateStoreOptions {
  /** A single Redis (ignored when `clusterNodes` is given). */
  url?: string;
  /** Seed nodes of a Redis Cluster. */
  clusterNodes?: Array<{ host: string; port: number }>;
  keyPrefix: string;
  /** Every command fails after this long instead of hanging. */
  commandTimeoutMs: number;
}

type ScriptCommands = {
  ssReserve(...args: Array<string | number>): Promise<[number, string?, number?, number?]>;
  ssRelease(...args: Array<string | number>): Promise<number>;
  ssClaimHold(key: string, id: string): Promise<number>;
  ssAdjustWindow(key: string, id: string, oldCost: number, newCost: number): Promise<number>;
  ssWindowUsage(...args: Array<string | number>): Promise<string[]>;
  ssIncrement(key: string, by: number, ttlMs: number): Promise<number>;
  ssExtendUntil(key: string, expireAtMs: number, nowMs: number): Promise<string>;
};

/**
 * The shared state store. Multi-key operations are Lua scripts (atomic, one round trip). The client never
 * queues commands while disconnected and every command has a timeout, so an unreachable Redis surfaces as
 * `StateStoreUnavailableError` within `commandTimeoutMs` instead of a hang; it keeps reconnecting behind.
 */
export class RedisStateStore extends StateStore {
  readonly kind = 'redis' as const;
  private readonly redis: (Redis | Cluster) & ScriptCommands;
  private readonly prefix: string;
  private readonly cluster: boolean;

  constructor(options: RedisStateStoreOptions) {
    super();
    this.prefix = options.keyPrefix;
    const nodeOptions = {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, options.commandTimeoutMs * 2),
      maxRetriesPerRequest: 1,
    };
    this.cluster = Boolean(options.clusterNodes?.length);
    const redis = this.cluster
      ? new Cluster(options.clusterNodes!, {
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
          redisOptions: nodeOptions,
        })
      : new Redis(options.url ?? 'redis://127.0.0.1:6379', {
          ...nodeOptions,
          lazyConnect: true,
          enableOfflineQueue: false,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        });
    // Connection errors are reported by the commands that fail and by readiness; no unhandled 'error' events.
    redis.on('error', () => undefined);
    redis.defineCommand('ssReserve', { lua: scripts.RESERVE });
    redis.defineCommand('ssRelease', { lua: scripts.RELEASE });
    redis.defineCommand('ssClaimHold', { lua: scripts.CLAIM_HOLD, numberOfKeys: 1 });
    redis.defineCommand('ssAdjustWindow', { lua: scripts.ADJUST_WINDOW, numberOfKeys: 1 });
    redis.defineCommand('ssWindowUsage', { lua: scripts.WINDOW_USAGE });
    redis.defineCommand('ssIncrement', { lua: scripts.INCREMENT, numberOfKeys: 1 });
    redis.defineCommand('ssExtendUntil', { lua: scripts.EXTEND_UNTIL, numberOfKeys: 1 });
    this.redis = redis as (Redis | Cluster) & ScriptCommands;
  }

  /** Opens the connection; a failure is reported (the store keeps retrying in the background). */
  async connect(): Promise<void> {
    await this.run(() => this.redis.connect());
  }

  get status(): string {
    return this.redis.status;
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const blockers = req.blockers ?? [];
    const windows = req.windows ?? [];
    const counters = req.counters ?? [];
    const keys = [...blockers, ...windows.map((w) => w.key), ...counters.map((c) => c.key), ...(req.holds ? [req.holds.key] : [])];
    const at = Math.max(req.nowMs, req.atMs ?? req.nowMs);
    const holdUntil = req.holds?.untilMs ?? -1;
    const args: Array<string | number> = [
      req.nowMs,
      req.id,
      blockers.length,
      windows.length,
      counters.length,
      at,
      req.holds ? 1 : 0,
      holdUntil,
    ];
    for (const w of windows) args.push(w.limit, w.windowMs, Math.ceil(w.cost ?? 1));
    for (const c of counters) args.push(c.limit, c.amount, c.expireAtMs);
    const reply = await this.run(() => this.redis.ssReserve(keys.length, ...keys.map((k) => this.k(k)), ...args));
    if (reply[0] === 1) return { ok: true };
    const [, reason, index, wait] = reply;
    return {
      ok: false,
      reason: reason as 'blocked' | 'window' | 'counter',
      key: keys[(index as number) - 1],
      retryAfterMs: wait === undefined || wait < 0 ? null : wait,
    };
  }

  async claimHold(key: string, id: string): Promise<boolean> {
    return (await this.run(() => this.redis.ssClaimHold(this.k(key), id))) === 1;
  }

  async release(req: ReleaseRequest): Promise<void> {
    const windows = req.windows ?? [];
    const counters = req.counters ?? [];
    const keys = [...windows.map((w) => this.k(w.key)), ...counters.map((c) => this.k(c.key))];
    if (keys.length === 0) return;
    await this.run(() =>
      this.redis.ssRelease(
        keys.length,
        ...keys,
        req.id,
        windows.length,
        ...windows.map((w) => Math.ceil(w.cost)),
        ...counters.map((c) => c.amount),
      ),
    );
  }

  async adjustWindow(key: string, id: string, oldCost: number, newCost: number): Promise<void> {
    await this.run(() => this.redis.ssAdjustWindow(this.k(key), id, Math.ceil(oldCost), Math.ceil(newCost)));
  }

  async windowUsage(key: string, windowMs: number, nowMs: number): Promise<number> {
    const [total] = await this.windowUsageMany([key], windowMs, nowMs);
    return total;
  }

  async windowUsageMany(keys: string[], windowMs: number, nowMs: number): Promise<number[]> {
    const totals = await this.bySlot(keys, (group) => this.redis.ssWindowUsage(group.length, ...group, windowMs, nowMs));
    return totals.map(Number);
  }

  async getMany(keys: string[]): Promise<Array<string | null>> {
    return this.bySlot(keys, (group) => this.redis.mget(...group));
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    return Number(await this.run(() => this.redis.ssIncrement(this.k(key), by, ttlMs)));
  }

  async get(key: string): Promise<string | null> {
    return this.run(() => this.redis.get(this.k(key)));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.run(() =>
      ttlMs === undefined ? this.redis.set(this.k(key), value) : this.redis.set(this.k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs))),
    );
  }

  async extendUntil(key: string, expireAtMs: number, nowMs: number): Promise<number> {
    return Number(await this.run(() => this.redis.ssExtendUntil(this.k(key), expireAtMs, nowMs)));
  }

  async ttl(key: string): Promise<number | null> {
    const ms = await this.run(() => this.redis.pttl(this.k(key)));
    if (ms === -2) return null;
    return ms === -1 ? Number.POSITIVE_INFINITY : ms;
  }

  async delete(...keys: string[]): Promise<void> {
    await this.bySlot(keys, async (group) => {
      await this.redis.del(...group);
      return group.map(() => null);
    });
  }

  async hashSet(key: string, fields: Record<string, string>): Promise<void> {
    if (Object.keys(fields).length) await this.run(() => this.redis.hset(this.k(key), fields));
  }

  async hashIncrement(key: string, field: string, by: number): Promise<number> {
    return Number(await this.run(() => this.redis.hincrbyfloat(this.k(key), field, by)));
  }

  async hashGetAll(key: string): Promise<Record<string, string>> {
    return this.run(() => this.redis.hgetall(this.k(key)));
  }

  async hashDelete(key: string, ...fields: string[]): Promise<void> {
    if (fields.length) await this.run(() => this.redis.hdel(this.k(key), ...fields));
  }

  async ping(): Promise<void> {
    await this.run(() => this.redis.ping());
  }

  async close(): Promise<void> {
    try {
      if (this.redis.status === 'ready') await this.redis.quit();
    } finally {
      this.redis.disconnect();
    }
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  /**
   * Runs a multi-key read once per hash slot on a cluster (a command's keys must share one), once in all
   * on a single Redis, and puts the answers back in the order of `keys`.
   */
  private async bySlot<T>(keys: string[], op: (prefixed: string[]) => Promise<T[]>): Promise<T[]> {
    if (keys.length === 0) return [];
    const prefixed = keys.map((k) => this.k(k));
    if (!this.cluster) return this.run(() => op(prefixed));
    const groups = new Map<number, number[]>();
    prefixed.forEach((k, i) => {
      const slot = hashSlot(k);
      const group = groups.get(slot) ?? [];
      group.push(i);
      groups.set(slot, group);
    });
    const out: T[] = new Array<T>(keys.length);
    await Promise.all(
      [...groups.values()].map(async (idx) => {
        const answers = await this.run(() => op(idx.map((i) => prefixed[i])));
        idx.forEach((i, j) => (out[i] = answers[j]));
      }),
    );
    return out;
  }

  /** Script bugs (ReplyError) stay errors; anything about reaching Redis becomes `StateStoreUnavailableError`. */
  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof ReplyError) throw e;
      throw new StateStoreUnavailableError(`redis: ${(e as Error).message}`);
    }
  }
}
