import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { JwtService } from '@nestjs/jwt';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { TokenBlacklistRepository } from './token-blacklist.repository';
import { TokenValidity } from './token-validity';

export type TokenType = 'access' | 'refresh';

/** The claims of our JWTs, named as djangorestframework-simplejwt names them (plus `iss`). */
export interface TokenClaims {
  token_type: TokenType;
  user_id: number;
  jti: string;
  iat: number;
  /** `iat` in milliseconds, so a password change revokes exactly the tokens issued before it. */
  iat_ms?: number;
  exp: number;
  iss?: string;
}

export interface TokenPair {
  refresh: string;
  access: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

const PURGE_EVERY_MS = 60 * 60 * 1000;

function wellFormed(c: Partial<TokenClaims>, type: TokenType): c is TokenClaims {
  return (
    c.token_type === type &&
    Number.isSafeInteger(c.user_id) &&
    typeof c.jti === 'string' &&
    c.jti.length > 0 &&
    c.jti.length <= 64 &&
    typeof c.iat === 'number' &&
    typeof c.exp === 'number'
  );
}

/**
 * Issues and checks the HS256 access/refresh pair (access 1 h, refresh 7 d, issuer `algoagent-api`), and
 * revokes tokens by `jti`. Time comes from the injected clock, for issuing and for checking expiry.
 */
@Injectable()
export class TokensService {
  private readonly logger = new AppLogger('Tokens');

  constructor(
    private readonly jwt: JwtService,
    private readonly blacklist: TokenBlacklistRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly validity: TokenValidity,
  ) {}

  issuePair(userId: number): TokenPair {
    return {
      refresh: this.sign(userId, 'refresh', this.config.auth.refreshTtlSec),
      access: this.sign(userId, 'access', this.config.auth.accessTtlSec),
    };
  }

  issueAccess(userId: number): string {
    return this.sign(userId, 'access', this.config.auth.accessTtlSec);
  }

  /** Signature, issuer, expiry, type and the blacklist; the reason is safe to show the client. */
  async check(token: string, type: TokenType): Promise<TokenCheck> {
    const verified = this.verify(token, type);
    if (!verified.ok) return verified;
    const revoked = await this.revocation(verified.claims);
    if (revoked) return revoked;
    if (await this.blacklist.has(verified.claims.jti)) return { ok: false, reason: 'Token is blacklisted' };
    return verified;
  }

  /** Signature, issuer, expiry and type only: no I/O. */
  verify(token: string, type: TokenType): TokenCheck {
    let claims: Partial<TokenClaims>;
    try {
      claims = this.jwt.verify<Partial<TokenClaims>>(token, { clockTimestamp: this.nowSec() });
    } catch {
      return { ok: false, reason: 'Token is invalid or expired' };
    }
    if (!wellFormed(claims, type)) return { ok: false, reason: `Token is not a valid ${type} token` };
    return { ok: true, claims };
  }

  /** The revocations every replica sees at once (state store, one round trip); `null` when there is none. */
  async revocation(claims: TokenClaims): Promise<{ ok: false; reason: string } | null> {
    switch (await this.validity.revocationOf(claims)) {
      case 'blacklisted':
        return { ok: false, reason: 'Token is blacklisted' };
      case 'revoked':
        return { ok: false, reason: 'Token was revoked (password changed or account deactivated)' };
      default:
        return null;
    }
  }

  /** Whether the database blacklist (the record of every logout) holds this token id. */
  isBlacklisted(jti: string): Promise<boolean> {
    return this.blacklist.has(jti);
  }

  /**
   * Blacklists a token id until the token's expiry (database record + state-store marker every replica
   * checks); `false` when it was already blacklisted.
   */
  async revoke(jti: string, userId: number, expiresAt: Date): Promise<boolean> {
    const added = await this.blacklist.add(jti, userId, expiresAt);
    await this.validity.revokeToken(userId, jti, expiresAt);
    return added;
  }

  @Interval('auth-token-blacklist-purge', PURGE_EVERY_MS)
  async purgeExpired(): Promise<void> {
    try {
      const removed = await this.blacklist.purgeExpired(new Date(this.clock.now()));
      if (removed > 0) this.logger.info(`purged ${removed} expired blacklisted tokens`);
    } catch (e) {
      this.logger.warn(`could not purge expired blacklisted tokens: ${(e as Error).message}`);
    }
  }

  private sign(userId: number, type: TokenType, ttlSec: number): string {
    const nowMs = this.clock.now();
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = {
      token_type: type,
      user_id: userId,
      jti: randomUUID().replaceAll('-', ''),
      iat,
      iat_ms: nowMs,
      exp: iat + ttlSec,
    };
    return this.jwt.sign(claims);
  }

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}
