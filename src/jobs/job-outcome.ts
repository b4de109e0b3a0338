/**
 * What happens to a job after its handler returned or threw: pure, so the rules are tested once for both
 * queues. Failures the job cannot fix by trying again (bad input, not found, cancelled) end it; busy Gemini
 * keys and full sandboxes delay it by their Retry-After (not counted as an attempt); anything else (worker
 * crash, database hiccup) is retried with exponential backoff until the attempts run out.
 */
import { DomainError, ErrorCode } from '../common/domain-error';

export type JobDecision =
  | { type: 'succeeded'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'failed'; error: JobErrorBody }
  | { type: 'retry'; delayMs: number; error: JobErrorBody }
  | { type: 'delay'; delayMs: number; error: JobErrorBody };

export interface JobErrorBody {
  error: string;
  details?: unknown;
  code?: string;
}

const FINAL_CODES = new Set<ErrorCode>([
  ErrorCode.ValidationFailed,
  ErrorCode.MalformedJson,
  ErrorCode.PayloadTooLarge,
  ErrorCode.Unauthorized,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.NoUsableKeys,
  ErrorCode.UpstreamFailed,
]);

const WAIT_CODES = new Set<ErrorCode>([ErrorCode.KeysExhausted, ErrorCode.RateLimited]);

export function errorBody(error: unknown): JobErrorBody {
  if (error instanceof DomainError)
    return { error: error.message, code: error.code, ...(error.details !== undefined ? { details: error.details } : {}) };
  return { error: 'Internal error' };
}

export function decide(
  outcome: { ok: true; result: unknown } | { ok: false; error: unknown },
  at: { attempt: number; maxAttempts: number; backoffMs: number; aborted: boolean },
): JobDecision {
  if (at.aborted) return { type: 'cancelled' };
  if (outcome.ok) return { type: 'succeeded', result: outcome.result ?? null };
  const { error } = outcome;
  const body = errorBody(error);
  if (error instanceof DomainError && WAIT_CODES.has(error.code)) {
    return { type: 'delay', delayMs: Math.max(1, error.retryAfterSec ?? 1) * 1000, error: body };
  }
  if (error instanceof DomainError && FINAL_CODES.has(error.code)) return { type: 'failed', error: body };
  if (at.attempt >= at.maxAttempts) return { type: 'failed', error: body };
  return { type: 'retry', delayMs: at.backoffMs * 2 ** (at.attempt - 1), error: body };
}
