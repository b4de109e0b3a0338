import { systemClock } from '../common/clock';
import { AppLogger } from '../logging/app-logger';
import { MemoryStateStore } from './memory-state-store';
import type { RedisStateStore } from './redis-state-store';
import { ReleaseRequest, ReserveRequest, ReserveResult, StateStore } from './state-store';
import { StateStoreUnavailableError } from './state-store.errors';

const RECHECK_MS = 1000;

/**
 * Redis with a local safety net (fail-open). When Redis stops answering, every operation moves to an
 * in-process memory store and the service keeps serving, marked degraded: quotas are then counted per
 * replica, so replicas may together admit more than a key's limit until Redis is back (Gemini's own 429s
 * still cool keys). Redis is pinged every second; once it answers, operations move back and the shared
 * counters in Redis are the truth again (the local ones are dropped).
 */
export class FallbackStateStore extends StateStore {
  readonly kind = 'redis' as const;
  private readonly logger = new AppLogger('StateStore');
  private readonly local: MemoryStateStore;
  private degradedSince: number | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly primary: RedisStateStore,
    /** The app's Clock: local expiry while degraded, and how long the outage lasted. */
    private readonly now: () => number = () => systemClock.now(),
  ) {
    super();
    this.local = new MemoryStateStore(now);
  }

  /** True while operations are served from local memory because Redis is unreachable. */
  get degraded(): boolean {
    return this.degradedSince !== null;
  }

  /** Connects to Redis; if it is not there, starts degraded (and rethrows for the boot log). */
  async connect(): Promise<void> {
    try {
      await this.primary.connect();
    } catch (e) {
      if (e instanceof StateStoreUnavailableError) this.enterDegraded(e);
      throw e;
    }
  }

  reserve(req: ReserveRequest): Promise<ReserveResult> {
    return this.use((s) => s.reserve(req));
  }
  claimHold(key: string, id: string): Promise<boolean> {
    return this.use((s) => s.claimHold(key, id));
  }
  release(req: ReleaseRequest): Promise<void> {
    return this.use((s) => s.release(req));
  }
  adjustWindow(key: string, id: string, oldCost: number, newCost: number, nowMs: number): Promise<void> {
    return this.use((s) => s.adjustWindow(key, id, oldCost, newCost, nowMs));
  }
  windowUsage(key: string, windowMs: number, nowMs: number): Promise<number> {
    return this.use((s) => s.windowUsage(key, windowMs, nowMs));
  }
  windowUsageMany(keys: string[], windowMs: number, nowMs: number): Promise<number[]> {
    return this.use((s) => s.windowUsageMany(keys, windowMs, nowMs));
  }
  increment(key: string, by: number, ttlMs: number): Promise<number> {
    return this.use((s) => s.increment(key, by, ttlMs));
  }
  get(key: string): Promise<string | null> {
    return this.use((s) => s.get(key));
  }
  getMany(keys: string[]): Promise<Array<string | null>> {
    return this.use((s) => s.getMany(keys));
  }
  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.use((s) => s.set(key, value, ttlMs));
  }
  extendUntil(key: string, expireAtMs: number, nowMs: number): Promise<number> {
    return this.use((s) => s.extendUntil(key, expireAtMs, nowMs));
  }
  ttl(key: string): Promise<number | null> {
    return this.use((s) => s.ttl(key));
  }
  delete(...keys: string[]): Promise<void> {
    return this.use((s) => s.delete(...keys));
  }
  hashSet(key: string, fields: Record<string, string>): Promise<void> {
    return this.use((s) => s.hashSet(key, fields));
  }
  hashIncrement(key: string, field: string, by: number): Promise<number> {
    return this.use((s) => s.hashIncrement(key, field, by));
  }
  hashGetAll(key: string): Promise<Record<string, string>> {
    return this.use((s) => s.hashGetAll(key));
  }
  hashDelete(key: string, ...fields: string[]): Promise<void> {
    return this.use((s) => s.hashDelete(key, ...fields));
  }

  /** Never throws for an unreachable Redis (that is the degraded state, see `degraded`). */
  async ping(): Promise<void> {
    await this.use((s) => s.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.recheck) clearInterval(this.recheck);
    this.recheck = null;
    await this.primary.close();
    await this.local.close();
  }

  private async use<T>(op: (store: StateStore) => Promise<T>): Promise<T> {
    if (this.closed) throw new StateStoreUnavailableError('state store closed');
    if (!this.degraded) {
      try {
        return await op(this.primary);
      } catch (e) {
        if (!(e instanceof StateStoreUnavailableError)) throw e;
        this.enterDegraded(e);
      }
    }
    return op(this.local);
  }

  private enterDegraded(cause: StateStoreUnavailableError): void {
    if (this.degraded) return;
    this.degradedSince = this.now();
    this.logger.error(`Redis unavailable (${String(cause.details)}); serving from local memory, degraded, until it answers again`);
    this.recheck = setInterval(() => void this.tryRecover(), RECHECK_MS);
    this.recheck.unref();
  }

  private async tryRecover(): Promise<void> {
    try {
      await this.primary.ping();
    } catch {
      return;
    }
    const now = this.now();
    const seconds = Math.round((now - (this.degradedSince ?? now)) / 1000);
    if (this.recheck) clearInterval(this.recheck);
    this.recheck = null;
    this.degradedSince = null;
    await this.local.close();
    this.logger.info(`Redis is back after ${seconds}s; shared state restored`);
  }
}
