import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { nextPacificMidnight, pacificDay } from '../key-rotation/core/pacific-day';
import { ReleaseRequest, StateStore } from '../state-store/state-store';

const MINUTE_MS = 60_000;

/** What one call took from its user's allowance, so it can be given back when nothing reached Gemini. */
export type UserAiTicket = ReleaseRequest | null;

/**
 * Each caller's own share of the Gemini keys: at most `AI_USER_RPM` calls in any 60 s and `AI_USER_RPD` per
 * (Pacific) day, per user id (`user:<id>`, or `anonymous:<address hash>` in demo mode). Both limits are taken
 * in one atomic reservation in the state store, so replicas agree and parallel calls cannot slip past.
 */
@Injectable()
export class UserAiLimit {
  constructor(
    private readonly store: StateStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Takes one call from `userId`'s allowance, or throws `RateLimited` (429 + Retry-After) naming the limit. */
  async take(userId: string): Promise<UserAiTicket> {
    const { userRpm, userRpd } = this.config.gemini;
    if (userRpm === 0 && userRpd === 0) return null;
    const now = this.clock.now();
    const id = randomUUID();
    const minuteKey = `ai:user:${userId}:rpm`;
    const dayKey = `ai:user:${userId}:rpd:${pacificDay(now)}`;
    const windows = userRpm > 0 ? [{ key: minuteKey, limit: userRpm, windowMs: MINUTE_MS, cost: 1 }] : [];
    const counters = userRpd > 0 ? [{ key: dayKey, limit: userRpd, amount: 1, expireAtMs: nextPacificMidnight(now) + 3_600_000 }] : [];
    const got = await this.store.reserve({ id, nowMs: now, windows, counters });
    if (!got.ok) {
      const perMinute = got.key === minuteKey;
      const retryAfterMs = got.retryAfterMs ?? (perMinute ? MINUTE_MS : nextPacificMidnight(now) - now);
      throw new DomainError(
        ErrorCode.RateLimited,
        'You have reached your own limit of AI requests',
        {
          scope: 'user',
          limit: perMinute ? 'requests_per_minute' : 'requests_per_day',
          max: perMinute ? userRpm : userRpd,
          message: 'This limit is per account; other users are not affected. Try again after Retry-After seconds.',
        },
        Math.max(1, Math.ceil(retryAfterMs / 1000)),
      );
    }
    return { id, windows: windows.map((w) => ({ key: w.key, cost: 1 })), counters: counters.map((c) => ({ key: c.key, amount: 1 })) };
  }

  /** Gives the call back (it never reached Gemini). */
  async refund(ticket: UserAiTicket): Promise<void> {
    if (ticket) await this.store.release(ticket);
  }
}
