/**
 * Quota ledger of the fake Gemini server: RPM and input-TPM as sliding 60 s windows, RPD as a counter that
 * resets at midnight America/Los_Angeles (DST-aware via luxon). Counters are per project × model, and every
 * calculation uses the injected clock.
 */
import { DateTime } from 'luxon';
import type { QuotaKind, QuotaViolation } from './fake-gemini-bodies';

export interface QuotaLimits {
  rpm?: number;
  tpm?: number;
  rpd?: number;
}

export interface QuotaUsage {
  /** Requests admitted in the last 60 s. */
  rpm: number;
  /** Input tokens admitted in the last 60 s. */
  tpm: number;
  /** Requests admitted since the last Pacific midnight. */
  rpd: number;
}

const WINDOW_MS = 60_000;
export const QUOTA_TIME_ZONE = 'America/Los_Angeles';

interface Bucket {
  requests: number[];
  tokens: Array<{ at: number; n: number }>;
  day: string;
  dayCount: number;
}

/** Milliseconds from `now` until the next midnight in America/Los_Angeles. */
export function msUntilPacificMidnight(now: number): number {
  const local = DateTime.fromMillis(now, { zone: QUOTA_TIME_ZONE });
  return local.plus({ days: 1 }).startOf('day').toMillis() - now;
}

export function pacificDay(now: number): string {
  return DateTime.fromMillis(now, { zone: QUOTA_TIME_ZONE }).toISODate() ?? '';
}

export class QuotaLedger {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /**
   * Checks every limit for one request of `tokens` input tokens. When all fit, the request is recorded and
   * `[]` is returned; otherwise nothing is recorded and the violated limits are returned.
   */
  admit(project: string, model: string, tokens: number, limits: QuotaLimits): QuotaViolation[] {
    const now = this.now();
    const b = this.bucket(project, model, now);
    const violations: QuotaViolation[] = [];

    if (limits.rpm !== undefined && b.requests.length >= limits.rpm) {
      const freeing = b.requests[b.requests.length - limits.rpm];
      violations.push(this.violation('rpm', limits.rpm, freeing === undefined ? WINDOW_MS : freeing + WINDOW_MS - now));
    }

    if (limits.tpm !== undefined) {
      const used = b.tokens.reduce((s, e) => s + e.n, 0);
      if (used + tokens > limits.tpm) {
        violations.push(this.violation('tpm', limits.tpm, this.tokenWait(b, used + tokens - limits.tpm, tokens, limits.tpm, now)));
      }
    }

    if (limits.rpd !== undefined && b.dayCount >= limits.rpd) {
      violations.push(this.violation('rpd', limits.rpd, msUntilPacificMidnight(now)));
    }

    if (violations.length === 0) {
      b.requests.push(now);
      b.tokens.push({ at: now, n: tokens });
      b.dayCount += 1;
    }
    return violations;
  }

  usage(project: string, model: string): QuotaUsage {
    const b = this.bucket(project, model, this.now());
    return { rpm: b.requests.length, tpm: b.tokens.reduce((s, e) => s + e.n, 0), rpd: b.dayCount };
  }

  reset(): void {
    this.buckets.clear();
  }

  private violation(kind: QuotaKind, limit: number, retryMs: number): QuotaViolation {
    return { kind, limit, retryMs: Math.max(0, retryMs) };
  }

  /** Time until enough old entries leave the window to free `needed` tokens. */
  private tokenWait(b: Bucket, needed: number, tokens: number, limit: number, now: number): number {
    if (tokens > limit) return WINDOW_MS; // can never fit; answer like a full window
    let freed = 0;
    for (const e of b.tokens) {
      freed += e.n;
      if (freed >= needed) return e.at + WINDOW_MS - now;
    }
    return WINDOW_MS;
  }

  /** Returns the bucket for project × model with expired window entries dropped and the day rolled over. */
  private bucket(project: string, model: string, now: number): Bucket {
    const id = `${project}\u0000${model}`;
    const day = pacificDay(now);
    let b = this.buckets.get(id);
    if (!b) {
      b = { requests: [], tokens: [], day, dayCount: 0 };
      this.buckets.set(id, b);
    }
    const cutoff = now - WINDOW_MS;
    while (b.requests.length && b.requests[0] <= cutoff) b.requests.shift();
    while (b.tokens.length && b.tokens[0].at <= cutoff) b.tokens.shift();
    if (b.day !== day) {
      b.day = day;
      b.dayCount = 0;
    }
    return b;
  }
}
