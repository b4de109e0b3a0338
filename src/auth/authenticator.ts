import { Injectable } from '@nestjs/common';
import { AuthCache } from './auth-cache';
import type { AuthUser } from './current-user.decorator';
import { TokensService } from './tokens.service';
import { UsersRepository } from './users.repository';

export type Authentication = { ok: true; user: AuthUser } | { ok: false; reason: string };

/**
 * Access token → the active user it stands for. Every call: signature and expiry (no I/O), then the
 * revocations in the state store (logout, password change, deactivation: one round trip, seen by every
 * replica at once). The database (blacklist record, user row) is read on a token's first call and then
 * trusted for AUTH_CACHE_TTL_MS; the user's fields that matter here change only with a deactivation,
 * which is itself a revocation.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersRepository,
    private readonly cache: AuthCache,
  ) {}

  async authenticate(accessToken: string): Promise<Authentication> {
    const verified = this.tokens.verify(accessToken, 'access');
    if (!verified.ok) return verified;
    const { claims } = verified;
    const revoked = await this.tokens.revocation(claims);
    if (revoked) return revoked;
    const token = { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) };
    const cached = this.cache.get(claims.jti);
    if (cached && cached.userId === claims.user_id) {
      return { ok: true, user: { id: cached.userId, username: cached.username, isStaff: cached.isStaff, token } };
    }
    const [blacklisted, user] = await Promise.all([this.tokens.isBlacklisted(claims.jti), this.users.findById(claims.user_id)]);
    if (blacklisted) return { ok: false, reason: 'Token is blacklisted' };
    if (!user || !user.isActive) return { ok: false, reason: 'User not found or inactive' };
    this.cache.set(claims.jti, { userId: user.id, username: user.username, isStaff: user.isStaff }, token.expiresAt.getTime());
    return { ok: true, user: { id: user.id, username: user.username, isStaff: user.isStaff, token } };
  }
}
