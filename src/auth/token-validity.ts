import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { StateStore } from '../state-store/state-store';
import type { TokenClaims } from './tokens.service';

/**
 * Per-user "tokens valid after": a password change or a deactivation sets it to now, and every token of that
 * user issued earlier — access and refresh, on every replica — stops working. Kept in the state store (Redis
 * with replicas) for as long as the longest-lived token, after which every older token has expired anyway.
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
    await this.store.set(this.key(userId), String(cutoff), this.config.auth.refreshTtlSec * 1000);
    return cutoff;
  }

  /** The cut-off in force for `userId` (epoch ms), or `null` when none was ever set. */
  async tokensValidAfter(userId: number): Promise<number | null> {
    const raw = await this.store.get(this.key(userId));
    const value = raw === null ? NaN : Number(raw);
    return Number.isFinite(value) ? value : null;
  }

  /** Whether a token with these claims was issued at or after its user's cut-off. */
  async isCurrent(claims: Pick<TokenClaims, 'user_id' | 'iat' | 'iat_ms'>): Promise<boolean> {
    const cutoff = await this.tokensValidAfter(claims.user_id);
    return cutoff === null || issuedAtMs(claims) >= cutoff;
  }

  private key(userId: number): string {
    return `auth:tokens-valid-after:${userId}`;
  }
}

/** When a token was issued, in ms: our tokens carry `iat_ms`; older ones only `iat` (seconds). */
export function issuedAtMs(claims: Pick<TokenClaims, 'iat' | 'iat_ms'>): number {
  return typeof claims.iat_ms === 'number' ? claims.iat_ms : claims.iat * 1000;
}
