import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';

/** What the database said about an access token when it was last read. */
export interface CachedAuth {
  userId: number;
  username: string;
  isStaff: boolean;
}

const MAX_ENTRIES = 10_000;

/**
 * Access token id → the active user the database found for it (and that it was not blacklisted), for
 * AUTH_CACHE_TTL_MS. Only the database reads are saved: revocations (logout, password change, deactivation)
 * are in the state store and checked on every call, so the cache can never keep a revoked token working.
 * Per process by design: it holds nothing another replica needs to know.
 */
@Injectable()
export class AuthCache {
  private readonly entries = new Map<string, { value: CachedAuth; until: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get(jti: string): CachedAuth | null {
    const entry = this.entries.get(jti);
    if (!entry) return null;
    if (entry.until <= this.clock.now()) {
      this.entries.delete(jti);
      return null;
    }
    return entry.value;
  }

  /** Keeps `value` until the cache TTL or the token's expiry, whichever comes first. */
  set(jti: string, value: CachedAuth, tokenExpiresAtMs: number): void {
    const ttl = this.config.auth.cacheTtlMs;
    if (ttl <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(jti, { value, until: Math.min(this.clock.now() + ttl, tokenExpiresAtMs) });
  }

  forget(jti: string): void {
    this.entries.delete(jti);
  }

  forgetUser(userId: number): void {
    for (const [jti, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(jti);
  }
}
