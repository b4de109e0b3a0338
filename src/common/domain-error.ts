/**
 * Every expected failure in the service is a `DomainError` with one of these codes. Services throw them
 * without knowing about HTTP; `HttpErrorFilter` maps each code to a status with an exhaustive switch.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedJson = 'malformed_json',
  PayloadTooLarge = 'payload_too_large',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  Unprocessable = 'unprocessable',
  RateLimited = 'rate_limited',
  KeysExhausted = 'keys_exhausted',
  NoUsableKeys = 'no_usable_keys',
  UpstreamFailed = 'upstream_failed',
  UpstreamUnavailable = 'upstream_unavailable',
  UpstreamTimeout = 'upstream_timeout',
  StateStoreUnavailable = 'state_store_unavailable',
  DatabaseUnavailable = 'database_unavailable',
  NotReady = 'not_ready',
  /** The client went away before the answer (nobody reads the response; logged as 499). */
  ClientClosed = 'client_closed',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Safe to show to the client: never a secret, never a stack. */
    readonly details?: unknown,
    /** Seconds the client should wait before retrying (sent as `Retry-After`). */
    readonly retryAfterSec?: number,
    /** More top-level keys for the error body, where the Django view sent them (never `error`/`details`). */
    readonly extraBody?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Why a client was answered 429 (the `reason` label of `http_rate_limited_total`). */
export type RateLimitReason = 'keys_busy' | 'user_limit' | 'login_throttle' | 'bot_queue';

/** A 429 that names its reason for the metrics; a plain `RateLimited` DomainError counts as `user_limit`. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly reason: RateLimitReason,
    message: string,
    details?: unknown,
    retryAfterSec?: number,
  ) {
    super(ErrorCode.RateLimited, message, details, retryAfterSec);
  }
}

/** `res.locals` key where the exception filter leaves a 429's reason for the HTTP metrics. */
export const RATE_LIMIT_REASON = 'rateLimitReason';

/** The reason label of a 429 answer. */
export function rateLimitReason(error: DomainError): RateLimitReason {
  if (error instanceof RateLimitedError) return error.reason;
  return error.code === ErrorCode.KeysExhausted ? 'keys_busy' : 'user_limit';
}
