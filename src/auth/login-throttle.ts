import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { StateStore } from '../state-store/state-store';

/** A client address may fail this many times more often than one username from one address (NAT, offices). */
export const PER_ADDRESS_FACTOR = 4;
/** Slow-down per username once it has failed `max` times from anywhere: doubling from this… */
export const SLOWDOWN_BASE_MS = 100;
/** …up to this, never a lock-out. */
export const SLOWDOWN_CAP_MS = 1000;

function hashed(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * How long to hold a password check for a username that has failed `failures` times (from any address):
 * nothing below `max`, then doubling, capped. A slow-down, never a lock: the right password still works.
 */
export function slowdownMs(failures: number, max: number): number {
  if (failures < max) return 0;
  return Math.min(SLOWDOWN_CAP_MS, SLOWDOWN_BASE_MS * 2 ** Math.min(10, failures - max));
}

/** One password check in progress; say how it ended. */
export interface LoginAttempt {
  /** The password was wrong: the attempt stays counted (and the username gains a failure). */
  failed(): Promise<void>;
  /** The password was right: the username and this pair start over; the address gets its attempt back. */
  succeeded(): Promise<void>;
  /** The check could not be made (database down…): it never happened, as far as the limits are concerned. */
  abandoned(): Promise<void>;
}

/**
 * Brute-force protection for password checks, counted in the state store, each counter living `loginWindowMs`
 * from its first failure. Only failed password checks count:
 * - per username + client address: `max` failures, then 429 — a third party elsewhere cannot lock the user out;
 * - per client address: `max × 4` failures whatever the usernames, then 429 (password spraying);
 * - per username from anywhere: past `max` failures each check is slowed down (doubling up to 1 s), no lock.
 * The pair and address counters are taken before the check (atomic increments, so parallel guesses cannot
 * slip past) and given back when the password was right or the check failed for a server-side reason.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly store: StateStore,
    private readonly config: AppConfig,
  ) {}

  /** Starts one password check; throws `RateLimited` (with the seconds to wait) when over a hard limit. */
  async begin(username: string, address: string | undefined): Promise<LoginAttempt> {
    const { loginMaxAttempts: max, loginWindowMs: windowMs } = this.config.auth;
    const name = username.toLowerCase();
    const pairKey = `auth:login:pair:${hashed(`${name}\u0000${address ?? 'unknown'}`)}`;
    const addressKey = `auth:login:ip:${hashed(address ?? 'unknown')}`;
    const userKey = `auth:login:user:${hashed(name)}`;
    const [byPair, byAddress, byUser] = await Promise.all([
      this.store.increment(pairKey, 1, windowMs),
      this.store.increment(addressKey, 1, windowMs),
      this.store.get(userKey),
    ]);
    const giveBack = () =>
      Promise.all([this.store.increment(pairKey, -1, windowMs), this.store.increment(addressKey, -1, windowMs)]).then(() => undefined);
    const refused = byPair > max ? pairKey : byAddress > max * PER_ADDRESS_FACTOR ? addressKey : null;
    if (refused) {
      await giveBack();
      const ttlMs = await this.store.ttl(refused);
      const retryAfterSec = Math.max(1, Math.ceil(ttlMs !== null && Number.isFinite(ttlMs) ? ttlMs / 1000 : windowMs / 1000));
      const byPairLimit = refused === pairKey;
      throw new RateLimitedError(
        'login_throttle',
        'Too many failed login attempts',
        {
          reason: byPairLimit ? 'username_and_address' : 'client_address',
          limit: byPairLimit ? max : max * PER_ADDRESS_FACTOR,
          window_seconds: windowMs / 1000,
        },
        retryAfterSec,
      );
    }
    const delay = slowdownMs(Number(byUser ?? 0), max);
    if (delay > 0) await sleep(delay);
    return {
      failed: async () => {
        await this.store.increment(userKey, 1, windowMs);
      },
      succeeded: async () => {
        await Promise.all([this.store.delete(pairKey, userKey), this.store.increment(addressKey, -1, windowMs)]);
      },
      abandoned: giveBack,
    };
  }
}
