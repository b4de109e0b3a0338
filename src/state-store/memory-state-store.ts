import { systemClock } from '../common/clock';
import { ReleaseRequest, ReserveRequest, ReserveResult, StateStore } from './state-store';
import { SlidingWindow } from './window-math';

type Entry =
  | { type: 'string'; value: string; expireAt: number }
  | { type: 'hash'; fields: Map<string, string>; expireAt: number }
  | { type: 'window'; window: SlidingWindow; expireAt: number }
  | { type: 'holds'; holds: Map<string, Hold>; expireAt: number };

/** A reservation held for a caller told to come back: released at `until` unless claimed. */
interface Hold {
  until: number;
  windows: Array<{ key: string; cost: number }>;
  counters: Array<{ key: string; amount: number }>;
}

const NEVER = Number.POSITIVE_INFINITY;
const SWEEP_EVERY_WRITES = 1000;

/**
 * The single-process state store. Every operation runs synchronously inside one event-loop turn, so a
 * reservation is atomic without locks. Expired keys vanish on access and in a periodic sweep.
 */
export class MemoryStateStore extends StateStore {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, Entry>();
  private writes = 0;

  /** `now` drives TTL expiry: the module passes the app's Clock (scripts get the wall clock). */
  constructor(private readonly now: () => number = () => systemClock.now()) {
    super();
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const now = req.nowMs;
    const at = Math.max(now, req.atMs ?? now);
    if (req.holds) this.releaseExpiredHolds(req.holds.key, now);
    for (const key of req.blockers ?? []) {
      const e = this.read(key);
      if (e?.type !== 'string') continue;
      const until = Number(e.value);
      if (Number.isNaN(until) || e.value.trim() === '') {
        return { ok: false, reason: 'blocked', key, retryAfterMs: e.expireAt === NEVER ? null : e.expireAt - this.now() };
      }
      if (until > at) return { ok: false, reason: 'blocked', key, retryAfterMs: until - at };
    }
    const windows = (req.windows ?? []).map((w) => ({ spec: w, window: this.windowOf(w.key, true)!, cost: w.cost ?? 1 }));
    for (const w of windows) {
      const wait = w.window.retryAfter(w.spec.limit, w.spec.windowMs, w.cost, now, at);
      if (wait !== 0) return { ok: false, reason: 'window', key: w.spec.key, retryAfterMs: wait };
    }
    for (const c of req.counters ?? []) {
      const e = this.read(c.key);
      const current = e?.type === 'string' ? Number(e.value) : 0;
      if (current + c.amount > c.limit) {
        const retryAfterMs = c.amount > c.limit ? null : e ? e.expireAt - this.now() : null;
        return { ok: false, reason: 'counter', key: c.key, retryAfterMs };
      }
    }
    for (const w of windows) {
      w.window.add({ id: req.id, ts: at, cost: w.cost });
      const previous = this.read(w.spec.key)?.expireAt ?? 0;
      this.write(w.spec.key, { type: 'window', window: w.window, expireAt: Math.max(previous, this.now() + (at - now) + w.spec.windowMs) });
    }
    for (const c of req.counters ?? []) {
      const e = this.read(c.key);
      const current = e?.type === 'string' ? Number(e.value) : 0;
      const expireAt = e ? e.expireAt : this.now() + (c.expireAtMs - now);
      this.write(c.key, { type: 'string', value: String(current + c.amount), expireAt });
    }
    if (req.holds?.untilMs !== undefined) {
      this.holdsOf(req.holds.key).set(req.id, {
        until: req.holds.untilMs,
        windows: windows.map((w) => ({ key: w.spec.key, cost: w.cost })),
        counters: (req.counters ?? []).map((c) => ({ key: c.key, amount: c.amount })),
      });
    }
    return { ok: true };
  }

  async claimHold(key: string, id: string): Promise<boolean> {
    const e = this.read(key);
    return e?.type === 'holds' ? e.holds.delete(id) : false;
  }

  async release(req: ReleaseRequest): Promise<void> {
    for (const w of req.windows ?? []) this.windowOf(w.key)?.remove(req.id);
    for (const c of req.counters ?? []) {
      const e = this.read(c.key);
      if (e?.type === 'string') e.value = String(Math.max(0, Number(e.value) - c.amount));
    }
  }

  async adjustWindow(key: string, id: string, _oldCost: number, newCost: number): Promise<void> {
    this.windowOf(key)?.adjust(id, newCost);
  }

  async windowUsage(key: string, windowMs: number, nowMs: number): Promise<number> {
    const window = this.windowOf(key);
    if (!window) return 0;
    window.evict(windowMs, nowMs);
    return window.total;
  }

  async windowUsageMany(keys: string[], windowMs: number, nowMs: number): Promise<number[]> {
    return Promise.all(keys.map((k) => this.windowUsage(k, windowMs, nowMs)));
  }

  async getMany(keys: string[]): Promise<Array<string | null>> {
    return Promise.all(keys.map((k) => this.get(k)));
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const e = this.read(key);
    const value = (e?.type === 'string' ? Number(e.value) : 0) + by;
    this.write(key, { type: 'string', value: String(value), expireAt: e ? e.expireAt : this.now() + ttlMs });
    return value;
  }

  async get(key: string): Promise<string | null> {
    const e = this.read(key);
    return e?.type === 'string' ? e.value : null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.write(key, { type: 'string', value, expireAt: ttlMs === undefined ? NEVER : this.now() + ttlMs });
  }

  async extendUntil(key: string, expireAtMs: number, nowMs: number): Promise<number> {
    const e = this.read(key);
    const current = e?.type === 'string' ? Number(e.value) : NaN;
    if (!Number.isNaN(current) && current >= expireAtMs) return current;
    if (expireAtMs <= nowMs) return Number.isNaN(current) ? nowMs : current;
    this.write(key, { type: 'string', value: String(expireAtMs), expireAt: this.now() + (expireAtMs - nowMs) });
    return expireAtMs;
  }

  async ttl(key: string): Promise<number | null> {
    const e = this.read(key);
    if (!e) return null;
    return e.expireAt === NEVER ? NEVER : e.expireAt - this.now();
  }

  async delete(...keys: string[]): Promise<void> {
    for (const k of keys) this.data.delete(k);
  }

  async hashSet(key: string, fields: Record<string, string>): Promise<void> {
    const map = this.hashOf(key);
    for (const [f, v] of Object.entries(fields)) map.set(f, v);
  }

  async hashIncrement(key: string, field: string, by: number): Promise<number> {
    const map = this.hashOf(key);
    const value = Number(map.get(field) ?? 0) + by;
    map.set(field, String(value));
    return value;
  }

  async hashGetAll(key: string): Promise<Record<string, string>> {
    const e = this.read(key);
    return e?.type === 'hash' ? Object.fromEntries(e.fields) : {};
  }

  async hashDelete(key: string, ...fields: string[]): Promise<void> {
    const e = this.read(key);
    if (e?.type === 'hash') for (const f of fields) e.fields.delete(f);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.data.clear();
  }

  private read(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (e && e.expireAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private write(key: string, entry: Entry): void {
    this.data.set(key, entry);
    if (++this.writes % SWEEP_EVERY_WRITES === 0) this.sweep();
  }

  private windowOf(key: string, create = false): SlidingWindow | undefined {
    const e = this.read(key);
    if (e?.type === 'window') return e.window;
    return create ? new SlidingWindow() : undefined;
  }

  private holdsOf(key: string): Map<string, Hold> {
    const e = this.read(key);
    if (e?.type === 'holds') return e.holds;
    const holds = new Map<string, Hold>();
    this.write(key, { type: 'holds', holds, expireAt: NEVER });
    return holds;
  }

  /** Gives back every held reservation whose caller did not come back in time. */
  private releaseExpiredHolds(key: string, now: number): void {
    const e = this.read(key);
    if (e?.type !== 'holds') return;
    for (const [id, hold] of e.holds) {
      if (hold.until > now) continue;
      e.holds.delete(id);
      void this.release({ id, windows: hold.windows, counters: hold.counters });
    }
  }

  private hashOf(key: string): Map<string, string> {
    const e = this.read(key);
    if (e?.type === 'hash') return e.fields;
    const fields = new Map<string, string>();
    this.write(key, { type: 'hash', fields, expireAt: NEVER });
    return fields;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.data) if (e.expireAt <= now) this.data.delete(k);
  }
}
