/**
 * The state store: the small, shared, fast memory the key rotation keeps its counters, cooldowns and
 * sticky pins in. Redis when several replicas must agree, memory for one process. Both implementations
 * pass one contract suite (`test/state-store.contract.ts`).
 *
 * Time comes from the caller's clock (`nowMs`) so that every replica and every test computes windows the
 * same way. All keys are plain strings; implementations add their own prefix.
 */

/** A sliding window: at most `limit` units of cost inside any `windowMs` span. */
export interface WindowSpec {
  key: string;
  limit: number;
  windowMs: number;
  /** Whole units this reservation takes (1 for a request, N for tokens). Default 1. */
  cost?: number;
}

/** A fixed bucket that expires at an absolute time (e.g. requests per day until Pacific midnight). */
export interface CounterSpec {
  key: string;
  limit: number;
  amount: number;
  expireAtMs: number;
}

export interface ReserveRequest {
  /** Unique per reservation; names its window entries so they can be refunded or adjusted. */
  id: string;
  nowMs: number;
  /**
   * Cooldown flags. A numeric value is an end time (epoch ms) and blocks while it is after `nowMs`; any
   * other value (a disable reason) blocks while the key exists.
   */
  blockers?: string[];
  windows?: WindowSpec[];
  counters?: CounterSpec[];
  /**
   * Reserve for a later moment (a slot handed to a caller told to come back): blockers, windows and
   * counters are checked as they will be at `atMs` (≥ `nowMs`), counting every reservation already taken
   * (earlier held slots included), and window entries are dated `atMs`. Nothing is evicted beyond `nowMs`.
   */
  atMs?: number;
  /**
   * The hold set of the reservation's project. Held reservations in it whose `untilMs` has passed are
   * released first (their caller never came back). With `untilMs`, this reservation is held there too,
   * until `claimHold` or `untilMs`. Held and claimed reservations use the same windows and counters, in
   * the same order, as this request.
   */
  holds?: { key: string; untilMs?: number };
}

export type ReserveResult =
  | { ok: true }
  | {
      ok: false;
      reason: 'blocked' | 'window' | 'counter';
      /** The key that refused. */
      key: string;
      /** When a retry could succeed, counted from `atMs` (or `nowMs`); `null` when the cost can never fit the limit. */
      retryAfterMs: number | null;
    };

export interface ReleaseRequest {
  id: string;
  /** Each window the reservation took, with the cost it took there. */
  windows?: Array<{ key: string; cost: number }>;
  counters?: Array<{ key: string; amount: number }>;
}

export abstract class StateStore {
  /** `memory` or `redis`, for readiness and logs. */
  abstract readonly kind: 'memory' | 'redis';

  /**
   * All-or-nothing: if no blocker exists and every window and counter has room, take them all;
   * otherwise take nothing and say which refused. Atomic across replicas.
   */
  abstract reserve(req: ReserveRequest): Promise<ReserveResult>;
  /**
   * Takes a held reservation out of its hold set, so it is never released as unclaimed: true when it was
   * still held (the caller now owns it), false when it was already released or claimed.
   */
  abstract claimHold(key: string, id: string): Promise<boolean>;
  /** Gives a reservation back (the request never reached upstream). Unknown ids are ignored. */
  abstract release(req: ReleaseRequest): Promise<void>;
  /**
   * Changes the cost of one window entry from `oldCost` to `newCost`, keeping its time (reconcile estimated
   * tokens with real usage). Unknown entries are ignored.
   */
  abstract adjustWindow(key: string, id: string, oldCost: number, newCost: number, nowMs: number): Promise<void>;
  /** Units used in a window right now. */
  abstract windowUsage(key: string, windowMs: number, nowMs: number): Promise<number>;
  /** `windowUsage` for many windows of one length, in one round trip. */
  abstract windowUsageMany(keys: string[], windowMs: number, nowMs: number): Promise<number[]>;

  /** Adds to a counter and returns the new value; the TTL is set when the counter is created. */
  abstract increment(key: string, by: number, ttlMs: number): Promise<number>;
  abstract get(key: string): Promise<string | null>;
  /** `get` for many keys in one round trip, in order. */
  abstract getMany(keys: string[]): Promise<Array<string | null>>;
  /** Sets a value, optionally expiring after `ttlMs`. */
  abstract set(key: string, value: string, ttlMs?: number): Promise<void>;
  /**
   * Extend-only end time (a cooldown): stores `expireAtMs` as the key's value, expiring then, unless the
   * key already holds a later end time. Returns the end time in force afterwards.
   */
  abstract extendUntil(key: string, expireAtMs: number, nowMs: number): Promise<number>;
  /** Milliseconds to live; `null` when the key is missing, `Infinity` when it has no expiry. */
  abstract ttl(key: string): Promise<number | null>;
  abstract delete(...keys: string[]): Promise<void>;

  /** Small maps (per-key stats, pins). */
  abstract hashSet(key: string, fields: Record<string, string>): Promise<void>;
  abstract hashIncrement(key: string, field: string, by: number): Promise<number>;
  abstract hashGetAll(key: string): Promise<Record<string, string>>;
  abstract hashDelete(key: string, ...fields: string[]): Promise<void>;

  /** Throws `StateStoreUnavailableError` when the store cannot answer. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
