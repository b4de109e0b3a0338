import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { StateStore } from '../state-store/state-store';
import type { TokenClaims } from './tokens.service';

/** Why a token that verifies is no longer valid, or `null` when it still is. */
export type Revocation = 'blacklisted' | 'revoked' | null;

/**
 * The revocations every replica must see at once, kept in the state store (Redis with replicas):
 * - per user, "tokens valid after": a password change or a deactivation sets it to now, and every token of
 *   that user issued earlier — access and refresh — stops working (kept as long as the longest-lived token);
 * - per token, a logout marker, kept until the token expires (the database blacklist stays the record).
 * Checking a token reads both in one round trip (two on a Redis Cluster, where they live in different slots; the
 * per-user key keeps the name it had before the logout marker existed, so cut-offs set before an upgrade still hold).
 */
@Injectable()
export class TokenValidity {
  constructor(
    private readonly store: StateStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Revokes every token of `userId` issued before now; returns the cut-off (epoch ms). */
  async revokeAllBefore(userId: number): Promise<number> {
    const cutoff = this.clock.now();
    await this.store.set(this.validAfterKey(userId), String(cutoff), this.config.auth.refreshTtlSec * 1000);
    return cutoff;
  }

  /** Marks one token revoked (logout) until it expires. */
  async revokeToken(userId: number, jti: string, expiresAt: Date): Promise<void> {
    const ttlMs = expiresAt.getTime() - this.clock.now();
    if (ttlMs > 0) await this.store.set(this.revokedKey(userId, jti), '1', ttlMs);
  }

  /** The cut-off in force for `userId` (epoch ms), or `null` when none was ever set. */
  async tokensValidAfter(userId: number): Promise<number | null> {
    return cutoffOf(await this.store.get(this.validAfterKey(userId)));
  }

  /** Whether a token with these claims was logged out or issued before its user's cut-off. */
  async revocationOf(claims: Pick<TokenClaims, 'user_id' | 'jti' | 'iat' | 'iat_ms'>): Promise<Revocation> {
    const [cutoff, revoked] = await this.store.getMany([this.validAfterKey(claims.user_id), this.revokedKey(claims.user_id, claims.jti)]);
    if (revoked !== null) return 'blacklisted';
    const after = cutoffOf(cutoff);
    return after !== null && issuedAtMs(claims) < after ? 'revoked' : null;
  }

  private validAfterKey(userId: number): string {
    return `auth:tokens-valid-after:${userId}`;
  }

  private revokedKey(userId: number, jti: string): string {
    return `auth:token-revoked:${userId}:${jti}`;
  }
}

function cutoffOf(raw: string | null): number | null {
  const value = raw === null ? NaN : Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** When a token was issued, in ms: our tokens carry `iat_ms`; older ones only `iat` (seconds). */
export function issuedAtMs(claims: Pick<TokenClaims, 'iat' | 'iat_ms'>): number {
  return typeof claims.iat_ms === 'number' ? claims.iat_ms : claims.iat * 1000;
}
