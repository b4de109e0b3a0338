/**
 * Failure classification: a pure function from an SDK-independent description of what went wrong
 * to what the rotation loop should do. Implements the table in docs/gemini-wire.md ("Errors").
 *
 * The classifier never knows configured limits: `learnedLimit` reports the quotaValue Gemini announced,
 * and the caller adopts it only when it is below the configured limit.
 */

/** What an attempt ran into, independent of the SDK that surfaced it. */
export type UpstreamFailure =
  /** Gemini answered non-2xx. `details` is `error.details[]` of the google.rpc.Status body, parsed. */
  | { kind: 'http'; status: number; message: string; details: unknown[] }
  /** Connection-level failure. `reachedUpstream` false = refused / DNS / never sent. */
  | { kind: 'network'; reachedUpstream: boolean; code?: string }
  /** Local deadline hit. `reachedUpstream` false = timed out before the request was sent. */
  | { kind: 'timeout'; reachedUpstream: boolean };

export type DisableReason = 'invalid' | 'suspended' | 'blocked' | 'leaked' | 'unauthorized' | 'permission_denied';

/** Who the effect applies to: the key's project × model, the key itself, or nobody. */
export type FailureScope = 'project_model' | 'key' | 'none';

export type FailureEffect =
  | { kind: 'cooldown'; ms: number }
  | { kind: 'exhausted_until_pacific_midnight' }
  | { kind: 'disable'; reason: DisableReason }
  /** Bump the key's consecutive-failure count and cool it for `backoffMs(n)`. */
  | { kind: 'backoff' }
  | { kind: 'none' };

export interface LearnedLimit {
  kind: 'rpm' | 'rpd' | 'tpm';
  value: number;
}

export type FailureReason =
  | 'rate_limit_minute'
  | 'rate_limit_day'
  | 'rate_limit_tokens'
  | 'rate_limit_unknown'
  | 'key_invalid'
  | 'key_suspended'
  | 'key_blocked'
  | 'key_leaked'
  | 'key_unauthorized'
  | 'key_permission_denied'
  | 'server_error'
  | 'bad_request'
  | 'model_not_found'
  | 'timeout'
  | 'network';

export interface FailureAction {
  /** Short label for logs and the `gemini_rotations_total{reason}` metric. */
  reason: FailureReason;
  scope: FailureScope;
  effect: FailureEffect;
  learnedLimit?: LearnedLimit;
  /** Try the call again at all. */
  retry: boolean;
  /** The retry must use a different key (this one is excluded for the rest of the call). */
  rotate: boolean;
  /** Wait an exponential backoff before the retry (model-side trouble). */
  backoffBeforeRetry: boolean;
  /** The request never reached Gemini: give the RPM/TPM/RPD reservation back. */
  refund: boolean;
  /** Counts toward the per-model circuit breaker. */
  countsTowardBreaker: boolean;
  /** 404: the caller may retry on a model from `model_compatibility`. */
  tryCompatibleModel: boolean;
}

/** Cooldown for a per-minute 429 that carries no RetryInfo. */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 60_000;

const RPC = 'type.googleapis.com/google.rpc.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function detailsOfType(details: unknown[], type: string): Record<string, unknown>[] {
  return details.filter((d): d is Record<string, unknown> => isRecord(d) && d['@type'] === RPC + type);
}

/**
 * Parse a google.protobuf.Duration as JSON (`"36s"`, `"0.5s"`, `"45.837906927s"`) or as an object
 * (`{ seconds: "36", nanos: 500000000 }`) into whole milliseconds, rounded up. Undefined when malformed.
 */
export function parseRetryDelay(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^\s*(\d+)(?:\.(\d{1,9}))?s\s*$/.exec(value);
    if (!match) return undefined;
    const nanos = Number((match[2] ?? '').padEnd(9, '0'));
    return Number(match[1]) * 1000 + Math.ceil(nanos / 1_000_000);
  }
  if (isRecord(value) && (value.seconds !== undefined || value.nanos !== undefined)) {
    const seconds = Number(value.seconds ?? 0);
    const nanos = Number(value.nanos ?? 0);
    if (!Number.isSafeInteger(seconds) || !Number.isSafeInteger(nanos) || seconds < 0 || nanos < 0) return undefined;
    return seconds * 1000 + Math.ceil(nanos / 1_000_000);
  }
  return undefined;
}

function retryDelayMs(details: unknown[]): number | undefined {
  for (const info of detailsOfType(details, 'RetryInfo')) {
    const ms = parseRetryDelay(info.retryDelay);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

type QuotaWindow = 'day' | 'minute' | 'tokens';
interface Violation {
  window: QuotaWindow;
  learned?: LearnedLimit;
}

function parseQuotaValue(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Classify one QuotaFailure violation by its quotaId (free-tier ids end in `-FreeTier`, paid ones don't). */
function toViolation(raw: unknown): Violation | undefined {
  if (!isRecord(raw) || typeof raw.quotaId !== 'string') return undefined;
  const id = raw.quotaId;
  const value = parseQuotaValue(raw.quotaValue);
  const tokens = /Tokens?/i.test(id);
  if (/PerDay/i.test(id)) {
    return { window: 'day', learned: value && !tokens ? { kind: 'rpd', value } : undefined };
  }
  if (/PerMinute/i.test(id)) {
    const kind = tokens ? 'tpm' : 'rpm';
    return { window: tokens ? 'tokens' : 'minute', learned: value ? { kind, value } : undefined };
  }
  return undefined;
}

function violations(details: unknown[]): Violation[] {
  return detailsOfType(details, 'QuotaFailure').flatMap((q) =>
    Array.isArray(q.violations) ? q.violations.map(toViolation).filter((v): v is Violation => !!v) : [],
  );
}

function errorInfoReasons(details: unknown[]): string[] {
  return detailsOfType(details, 'ErrorInfo')
    .map((d) => d.reason)
    .filter((r): r is string => typeof r === 'string');
}

const BASE: Omit<FailureAction, 'reason' | 'scope' | 'effect'> = {
  retry: false,
  rotate: false,
  backoffBeforeRetry: false,
  refund: false,
  countsTowardBreaker: false,
  tryCompatibleModel: false,
};

function rotateAway(reason: FailureReason, scope: FailureScope, effect: FailureEffect, learnedLimit?: LearnedLimit): FailureAction {
  const action: FailureAction = { ...BASE, reason, scope, effect, retry: true, rotate: true };
  if (learnedLimit) action.learnedLimit = learnedLimit;
  return action;
}

function classifyRateLimit(details: unknown[]): FailureAction {
  const found = violations(details);
  const delay = retryDelayMs(details);
  const pick = (w: QuotaWindow) => found.find((v) => v.window === w);

  const day = pick('day');
  if (day) {
    return rotateAway('rate_limit_day', 'project_model', { kind: 'exhausted_until_pacific_midnight' }, day.learned);
  }
  const minute = pick('minute') ?? pick('tokens');
  if (minute) {
    const reason = minute.window === 'minute' ? 'rate_limit_minute' : 'rate_limit_tokens';
    const ms = delay ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS;
    return rotateAway(reason, 'project_model', { kind: 'cooldown', ms }, minute.learned);
  }
  if (delay !== undefined) {
    // Gemini said how long, but not which quota: quotas are per project, so cool the project × model.
    return rotateAway('rate_limit_unknown', 'project_model', { kind: 'cooldown', ms: delay });
  }
  return rotateAway('rate_limit_unknown', 'key', { kind: 'backoff' });
}

const DISABLE_REASON_LABEL: Record<DisableReason, FailureReason> = {
  invalid: 'key_invalid',
  suspended: 'key_suspended',
  blocked: 'key_blocked',
  leaked: 'key_leaked',
  unauthorized: 'key_unauthorized',
  permission_denied: 'key_permission_denied',
};

/** A key-level verdict from ErrorInfo reasons or well-known messages, whatever the status. */
function keyVerdict(message: string, details: unknown[]): DisableReason | undefined {
  if (/reported as leaked/i.test(message)) return 'leaked';
  for (const reason of errorInfoReasons(details)) {
    if (reason === 'API_KEY_INVALID' || reason === 'API_KEY_EXPIRED') return 'invalid';
    if (reason === 'CONSUMER_SUSPENDED') return 'suspended';
    if (/^API_KEY_.*BLOCKED$/.test(reason)) return 'blocked';
  }
  if (/API key not valid/i.test(message)) return 'invalid';
  return undefined;
}

function disable(reason: DisableReason): FailureAction {
  return rotateAway(DISABLE_REASON_LABEL[reason], 'key', { kind: 'disable', reason });
}

function classifyHttp(status: number, message: string, details: unknown[]): FailureAction {
  if (status === 429) return classifyRateLimit(details);
  if (status === 400 || status === 401 || status === 403) {
    const verdict = keyVerdict(message, details);
    if (verdict) return disable(verdict);
    if (status === 401) return disable('unauthorized');
    if (status === 403) {
      return disable(/unregistered callers/i.test(message) ? 'unauthorized' : 'permission_denied');
    }
  }
  if (status === 404) {
    return { ...BASE, reason: 'model_not_found', scope: 'none', effect: { kind: 'none' }, tryCompatibleModel: true };
  }
  if (status === 408) return { ...rotateAway('timeout', 'key', { kind: 'backoff' }), countsTowardBreaker: true };
  if (status >= 500) {
    return {
      ...BASE,
      reason: 'server_error',
      scope: 'none',
      effect: { kind: 'none' },
      retry: true,
      backoffBeforeRetry: true,
      countsTowardBreaker: true,
    };
  }
  return { ...BASE, reason: 'bad_request', scope: 'none', effect: { kind: 'none' } };
}

function classifyTransport(reason: 'timeout' | 'network', reachedUpstream: boolean): FailureAction {
  // A Gemini that hangs is as broken as one answering 5xx: timeouts count toward the model's breaker.
  if (reachedUpstream) return { ...rotateAway(reason, 'key', { kind: 'backoff' }), countsTowardBreaker: reason === 'timeout' };
  // Never reached Gemini: nothing is the key's fault, and the quota reservation goes back.
  return { ...rotateAway(reason, 'none', { kind: 'none' }), refund: true };
}

/** Decide what a failed attempt means for the key, its project × model, and the retry loop. */
export function classifyFailure(failure: UpstreamFailure): FailureAction {
  switch (failure.kind) {
    case 'http':
      return classifyHttp(failure.status, failure.message ?? '', Array.isArray(failure.details) ? failure.details : []);
    case 'timeout':
      return classifyTransport('timeout', failure.reachedUpstream);
    case 'network':
      return classifyTransport('network', failure.reachedUpstream);
  }
}

/**
 * Build an `UpstreamFailure` from an HTTP status and the parsed JSON body (`{"error":{...}}`),
 * tolerating bodies that are missing, not JSON objects, or lack `details`.
 */
export function httpFailureFromBody(status: number, body: unknown): UpstreamFailure {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  return {
    kind: 'http',
    status,
    message: typeof error.message === 'string' ? error.message : '',
    details: Array.isArray(error.details) ? error.details : [],
  };
}
