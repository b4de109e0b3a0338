import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { StateStore } from '../state-store/state-store';

/** A client address may fail this many times more often than one username (many users behind one NAT). */
export const PER_ADDRESS_FACTOR = 4;

function hashed(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Brute-force protection for password checks: counters per username and per client address in the state
 * store, each living `loginWindowMs` from its first attempt. Every attempt is counted *before* the password
 * is checked (one atomic increment, so parallel guesses cannot slip past the limit); a success takes its
 * own count back from the address and clears the username.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly store: StateStore,
    private readonly config: AppConfig,
  ) {}

  /** Counts one attempt; throws `RateLimited` (with the seconds to wait) when over either limit. */
  async attempt(username: string, address: string | undefined): Promise<void> {
    const { loginMaxAttempts: max, loginWindowMs: windowMs } = this.config.auth;
    const userKey = this.userKey(username);
    const addressKey = this.addressKey(address);
    const [byUser, byAddress] = await Promise.all([
      this.store.increment(userKey, 1, windowMs),
      this.store.increment(addressKey, 1, windowMs),
    ]);
    const refused = byUser > max ? userKey : byAddress > max * PER_ADDRESS_FACTOR ? addressKey : null;
    if (!refused) return;
    const ttlMs = await this.store.ttl(refused);
    const retryAfterSec = Math.max(1, Math.ceil(Number.isFinite(ttlMs) && ttlMs !== null ? ttlMs / 1000 : windowMs / 1000));
    throw new RateLimitedError(
      'login_throttle',
      'Too many failed login attempts',
      { reason: refused === userKey ? 'username' : 'client_address', limit: refused === userKey ? max : max * PER_ADDRESS_FACTOR, window_seconds: windowMs / 1000 },
      retryAfterSec,
    );
  }

  /** The password was right: forget the username's failures and give the address its attempt back. */
  async succeeded(username: string, address: string | undefined): Promise<void> {
    await Promise.all([
      this.store.delete(this.userKey(username)),
      this.store.increment(this.addressKey(address), -1, this.config.auth.loginWindowMs),
    ]);
  }

  private userKey(username: string): string {
    return `auth:login:user:${hashed(username.toLowerCase())}`;
  }

  private addressKey(address: string | undefined): string {
    return `auth:login:ip:${hashed(address ?? 'unknown')}`;
  }
}
