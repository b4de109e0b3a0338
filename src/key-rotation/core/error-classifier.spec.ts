import { classifyFailure, DEFAULT_RATE_LIMIT_COOLDOWN_MS, FailureAction, httpFailureFromBody, parseRetryDelay } from './error-classifier';
import {
  API_KEY_INVALID_400,
  BAD_REQUEST_400,
  BARE_429,
  DEADLINE_504,
  FAILED_PRECONDITION_400,
  HELP_DETAIL,
  httpFailure,
  INTERNAL_500,
  LEAKED_403,
  MODEL_NOT_FOUND_404,
  MODEL_RETIRED_404,
  OVERLOADED_503,
  PERMISSION_DENIED_403,
  quota429,
  QUOTA_IDS,
  retryInfoDetail,
  RPD_429,
  RPM_429,
  SERVICE_BLOCKED_403,
  SUSPENDED_403,
  TPM_429,
  UNAUTHENTICATED_401,
  UNREGISTERED_CALLER_403,
} from './fixtures';

const classifyBody = (envelope: Parameters<typeof httpFailure>[0]): FailureAction => classifyFailure(httpFailure(envelope));

const ROTATE_NO_REFUND = {
  retry: true,
  rotate: true,
  backoffBeforeRetry: false,
  refund: false,
  countsTowardBreaker: false,
  tryCompatibleModel: false,
};
const NO_RETRY = {
  retry: false,
  rotate: false,
  backoffBeforeRetry: false,
  refund: false,
  countsTowardBreaker: false,
  tryCompatibleModel: false,
};

describe(classifyFailure.name, () => {
  describe('429 per-minute request quota', () => {
    it('cools the project × model for the RetryInfo delay and rotates', () => {
      expect(classifyBody(RPM_429)).toEqual({
        reason: 'rate_limit_minute',
        scope: 'project_model',
        effect: { kind: 'cooldown', ms: 36_000 },
        learnedLimit: { kind: 'rpm', value: 10 },
        ...ROTATE_NO_REFUND,
      });
    });

    it('defaults the cooldown to 60 s when there is no RetryInfo', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmFree, quotaValue: '10' }], retryDelay: null }));
      expect(action.effect).toEqual({ kind: 'cooldown', ms: DEFAULT_RATE_LIMIT_COOLDOWN_MS });
      expect(DEFAULT_RATE_LIMIT_COOLDOWN_MS).toBe(60_000);
    });

    it('recognises the paid-tier quotaId without the -FreeTier suffix', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmPaid, quotaValue: '1000' }], retryDelay: '5s' }));
      expect(action).toMatchObject({
        reason: 'rate_limit_minute',
        effect: { kind: 'cooldown', ms: 5000 },
        learnedLimit: { kind: 'rpm', value: 1000 },
      });
    });

    it('uses a fractional retryDelay rounded up to the millisecond', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmFree }], retryDelay: '45.837906927s' }));
      expect(action.effect).toEqual({ kind: 'cooldown', ms: 45_838 });
    });

    it('uses a sub-second retryDelay', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmFree }], retryDelay: '0.5s' }));
      expect(action.effect).toEqual({ kind: 'cooldown', ms: 500 });
    });

    it('falls back to 60 s when retryDelay is malformed', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmFree }], retryDelay: 'soon' }));
      expect(action.effect).toEqual({ kind: 'cooldown', ms: 60_000 });
    });

    it('reports no learned limit when quotaValue is absent', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmFree }] }));
      expect(action).not.toHaveProperty('learnedLimit');
    });

    it('reports no learned limit when quotaValue is not a positive integer', () => {
      for (const quotaValue of ['0', 'ten', '-3', '2.5']) {
        expect(classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpmFree, quotaValue }] }))).not.toHaveProperty('learnedLimit');
      }
    });

    it('does not ask for a refund: the request reached Gemini', () => {
      expect(classifyBody(RPM_429).refund).toBe(false);
    });
  });

  describe('429 per-day request quota', () => {
    it('exhausts the project × model until Pacific midnight and rotates', () => {
      expect(classifyBody(RPD_429)).toEqual({
        reason: 'rate_limit_day',
        scope: 'project_model',
        effect: { kind: 'exhausted_until_pacific_midnight' },
        learnedLimit: { kind: 'rpd', value: 250 },
        ...ROTATE_NO_REFUND,
      });
    });

    it('recognises the paid-tier per-day quotaId', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpdPaid, quotaValue: '10000' }] }));
      expect(action).toMatchObject({ reason: 'rate_limit_day', learnedLimit: { kind: 'rpd', value: 10000 } });
    });

    it('ignores retryDelay: the day quota only resets at midnight', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.rpdFree }], retryDelay: '3s' }));
      expect(action.effect).toEqual({ kind: 'exhausted_until_pacific_midnight' });
    });

    it('wins over a per-minute violation reported in the same body', () => {
      const action = classifyBody(
        quota429({
          violations: [
            { quotaId: QUOTA_IDS.rpmFree, quotaValue: '10' },
            { quotaId: QUOTA_IDS.rpdFree, quotaValue: '20' },
          ],
        }),
      );
      expect(action).toMatchObject({ reason: 'rate_limit_day', learnedLimit: { kind: 'rpd', value: 20 } });
    });

    it('exhausts a per-day token quota without learning a request limit', () => {
      const action = classifyBody(
        quota429({ violations: [{ quotaId: 'GenerateContentInputTokensPerModelPerDay-FreeTier', quotaValue: '1000000' }] }),
      );
      expect(action.effect).toEqual({ kind: 'exhausted_until_pacific_midnight' });
      expect(action).not.toHaveProperty('learnedLimit');
    });
  });

  describe('429 input-token quota', () => {
    it('cools the project × model for the RetryInfo delay and learns the TPM limit', () => {
      expect(classifyBody(TPM_429)).toEqual({
        reason: 'rate_limit_tokens',
        scope: 'project_model',
        effect: { kind: 'cooldown', ms: 12_000 },
        learnedLimit: { kind: 'tpm', value: 250_000 },
        ...ROTATE_NO_REFUND,
      });
    });

    it('recognises the paid-tier token quotaId', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.tpmPaid, quotaValue: '1000000' }], retryDelay: '7s' }));
      expect(action).toMatchObject({ reason: 'rate_limit_tokens', learnedLimit: { kind: 'tpm', value: 1_000_000 } });
    });

    it('defaults to 60 s without RetryInfo', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: QUOTA_IDS.tpmFree }], retryDelay: null }));
      expect(action.effect).toEqual({ kind: 'cooldown', ms: 60_000 });
    });

    it('yields to a per-minute request violation in the same body', () => {
      const action = classifyBody(
        quota429({
          violations: [
            { quotaId: QUOTA_IDS.tpmFree, quotaValue: '250000' },
            { quotaId: QUOTA_IDS.rpmFree, quotaValue: '10' },
          ],
        }),
      );
      expect(action).toMatchObject({ reason: 'rate_limit_minute', learnedLimit: { kind: 'rpm', value: 10 } });
    });
  });

  describe('429 without usable details', () => {
    it('backs the key off exponentially when the body has no details', () => {
      expect(classifyBody(BARE_429)).toEqual({
        reason: 'rate_limit_unknown',
        scope: 'key',
        effect: { kind: 'backoff' },
        ...ROTATE_NO_REFUND,
      });
    });

    it('backs the key off when details carry only a Help link', () => {
      const action = classifyFailure({ kind: 'http', status: 429, message: 'quota', details: [HELP_DETAIL] });
      expect(action).toMatchObject({ reason: 'rate_limit_unknown', scope: 'key', effect: { kind: 'backoff' } });
    });

    it('backs the key off when the quotaId is unrecognised and there is no RetryInfo', () => {
      const action = classifyBody(quota429({ violations: [{ quotaId: 'SomethingNew' }], retryDelay: null }));
      expect(action).toMatchObject({ reason: 'rate_limit_unknown', scope: 'key', effect: { kind: 'backoff' } });
    });

    it('cools the project × model for RetryInfo when the quota is unrecognised', () => {
      const action = classifyFailure({ kind: 'http', status: 429, message: 'quota', details: [retryInfoDetail('20s')] });
      expect(action).toMatchObject({ reason: 'rate_limit_unknown', scope: 'project_model', effect: { kind: 'cooldown', ms: 20_000 } });
    });

    it('ignores details that are not objects', () => {
      const action = classifyFailure({ kind: 'http', status: 429, message: '', details: [null, 'x', 3] });
      expect(action).toMatchObject({ reason: 'rate_limit_unknown', scope: 'key', effect: { kind: 'backoff' } });
    });
  });

  describe('dead keys', () => {
    it('disables a key on 400 API_KEY_INVALID and rotates', () => {
      expect(classifyBody(API_KEY_INVALID_400)).toEqual({
        reason: 'key_invalid',
        scope: 'key',
        effect: { kind: 'disable', reason: 'invalid' },
        ...ROTATE_NO_REFUND,
      });
    });

    it('disables a key on 400 "API key not valid" even without ErrorInfo', () => {
      const action = classifyFailure({
        kind: 'http',
        status: 400,
        message: 'API key not valid. Please pass a valid API key.',
        details: [],
      });
      expect(action.effect).toEqual({ kind: 'disable', reason: 'invalid' });
    });

    it('disables a key on 401 as unauthorized', () => {
      expect(classifyBody(UNAUTHENTICATED_401)).toMatchObject({
        reason: 'key_unauthorized',
        scope: 'key',
        effect: { kind: 'disable', reason: 'unauthorized' },
        retry: true,
        rotate: true,
      });
    });

    it('disables a key on 403 CONSUMER_SUSPENDED as suspended', () => {
      expect(classifyBody(SUSPENDED_403)).toMatchObject({ reason: 'key_suspended', effect: { kind: 'disable', reason: 'suspended' } });
    });

    it('disables a key on 403 API_KEY_SERVICE_BLOCKED as blocked', () => {
      expect(classifyBody(SERVICE_BLOCKED_403)).toMatchObject({ reason: 'key_blocked', effect: { kind: 'disable', reason: 'blocked' } });
    });

    it('disables a key on other API_KEY_*_BLOCKED reasons as blocked', () => {
      const action = classifyFailure({
        kind: 'http',
        status: 403,
        message: 'Requests from this referer are blocked.',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_HTTP_REFERRER_BLOCKED' }],
      });
      expect(action.effect).toEqual({ kind: 'disable', reason: 'blocked' });
    });

    it('disables a key reported as leaked (403 with no details)', () => {
      expect(classifyBody(LEAKED_403)).toEqual({
        reason: 'key_leaked',
        scope: 'key',
        effect: { kind: 'disable', reason: 'leaked' },
        ...ROTATE_NO_REFUND,
      });
    });

    it('disables a key on 403 "unregistered callers" as unauthorized', () => {
      expect(classifyBody(UNREGISTERED_CALLER_403).effect).toEqual({ kind: 'disable', reason: 'unauthorized' });
    });

    it('disables a key on any other 403 as permission_denied', () => {
      expect(classifyBody(PERMISSION_DENIED_403)).toMatchObject({
        reason: 'key_permission_denied',
        effect: { kind: 'disable', reason: 'permission_denied' },
      });
    });

    it('never sets a cooldown for a dead key', () => {
      for (const body of [API_KEY_INVALID_400, UNAUTHENTICATED_401, SUSPENDED_403, SERVICE_BLOCKED_403, LEAKED_403]) {
        expect(classifyBody(body).effect.kind).toBe('disable');
      }
    });
  });

  describe("caller's problems", () => {
    it('gives no key penalty and no retry for a plain 400', () => {
      expect(classifyBody(BAD_REQUEST_400)).toEqual({ reason: 'bad_request', scope: 'none', effect: { kind: 'none' }, ...NO_RETRY });
    });

    it('treats 400 FAILED_PRECONDITION (region / billing) as a bad request', () => {
      expect(classifyBody(FAILED_PRECONDITION_400)).toMatchObject({ reason: 'bad_request', scope: 'none', retry: false });
    });

    it('treats other 4xx statuses as a bad request', () => {
      expect(classifyFailure({ kind: 'http', status: 413, message: 'too large', details: [] })).toMatchObject({
        reason: 'bad_request',
        retry: false,
      });
    });

    it('gives no key penalty and no retry for 404, but flags the compatible-model fallback', () => {
      expect(classifyBody(MODEL_NOT_FOUND_404)).toEqual({
        reason: 'model_not_found',
        scope: 'none',
        effect: { kind: 'none' },
        ...NO_RETRY,
        tryCompatibleModel: true,
      });
    });

    it('treats a retired model 404 the same way', () => {
      expect(classifyBody(MODEL_RETIRED_404)).toMatchObject({ reason: 'model_not_found', tryCompatibleModel: true, retry: false });
    });
  });

  describe('model-side errors', () => {
    it.each([
      ['500 INTERNAL', INTERNAL_500],
      ['503 overloaded', OVERLOADED_503],
      ['504 DEADLINE_EXCEEDED', DEADLINE_504],
    ])('%s: no key penalty, retry with backoff, counts toward the breaker', (_name, body) => {
      expect(classifyBody(body)).toEqual({
        reason: 'server_error',
        scope: 'none',
        effect: { kind: 'none' },
        retry: true,
        rotate: false,
        backoffBeforeRetry: true,
        refund: false,
        countsTowardBreaker: true,
        tryCompatibleModel: false,
      });
    });

    it('treats 502 like the other 5xx', () => {
      expect(classifyFailure({ kind: 'http', status: 502, message: 'Bad Gateway', details: [] }).reason).toBe('server_error');
    });
  });

  describe('transport failures', () => {
    it('counts a timeout after the request was sent against the key and the breaker, and rotates', () => {
      expect(classifyFailure({ kind: 'timeout', reachedUpstream: true })).toEqual({
        reason: 'timeout',
        scope: 'key',
        effect: { kind: 'backoff' },
        ...ROTATE_NO_REFUND,
        countsTowardBreaker: true,
      });
    });

    it('counts a connection reset mid-request against the key and rotates', () => {
      expect(classifyFailure({ kind: 'network', reachedUpstream: true, code: 'ECONNRESET' })).toEqual({
        reason: 'network',
        scope: 'key',
        effect: { kind: 'backoff' },
        ...ROTATE_NO_REFUND,
      });
    });

    it('refunds and does not penalise the key when the connection was refused', () => {
      expect(classifyFailure({ kind: 'network', reachedUpstream: false, code: 'ECONNREFUSED' })).toEqual({
        reason: 'network',
        scope: 'none',
        effect: { kind: 'none' },
        ...ROTATE_NO_REFUND,
        refund: true,
      });
    });

    it('refunds on a DNS failure', () => {
      expect(classifyFailure({ kind: 'network', reachedUpstream: false, code: 'ENOTFOUND' }).refund).toBe(true);
    });

    it('refunds and does not penalise the key on a local timeout before send', () => {
      expect(classifyFailure({ kind: 'timeout', reachedUpstream: false })).toMatchObject({
        reason: 'timeout',
        scope: 'none',
        effect: { kind: 'none' },
        refund: true,
        retry: true,
      });
    });

    it('treats HTTP 408 like a timeout that reached Gemini', () => {
      expect(classifyFailure({ kind: 'http', status: 408, message: 'Request Timeout', details: [] })).toMatchObject({
        reason: 'timeout',
        scope: 'key',
        effect: { kind: 'backoff' },
        refund: false,
        countsTowardBreaker: true,
      });
    });
  });

  it('tolerates a failure whose details are not an array', () => {
    const failure = { kind: 'http', status: 429, message: 'x', details: undefined } as unknown as Parameters<typeof classifyFailure>[0];
    expect(classifyFailure(failure).reason).toBe('rate_limit_unknown');
  });

  it('only refunds when the request never reached Gemini', () => {
    const bodies = [
      RPM_429,
      RPD_429,
      TPM_429,
      BARE_429,
      API_KEY_INVALID_400,
      BAD_REQUEST_400,
      UNAUTHENTICATED_401,
      LEAKED_403,
      MODEL_NOT_FOUND_404,
      INTERNAL_500,
      OVERLOADED_503,
      DEADLINE_504,
    ];
    expect(bodies.map((b) => classifyBody(b).refund)).toEqual(bodies.map(() => false));
  });
});

describe(parseRetryDelay.name, () => {
  it.each([
    ['36s', 36_000],
    ['0.5s', 500],
    ['45.837906927s', 45_838],
    ['1.001s', 1001],
    ['0s', 0],
    ['0.000000001s', 1],
    [' 2s ', 2000],
  ])('parses %j as %i ms', (input, ms) => {
    expect(parseRetryDelay(input)).toBe(ms);
  });

  it('parses the object form of a Duration', () => {
    expect(parseRetryDelay({ seconds: '36', nanos: 500_000_000 })).toBe(36_500);
    expect(parseRetryDelay({ seconds: 2 })).toBe(2000);
  });

  it.each(['', '36', '36ms', '-1s', '1.5m', 'abc', '1.0000000001s'])('rejects %j', (input) => {
    expect(parseRetryDelay(input)).toBeUndefined();
  });

  it('rejects non-string, non-Duration values', () => {
    expect(parseRetryDelay(undefined)).toBeUndefined();
    expect(parseRetryDelay(36)).toBeUndefined();
    expect(parseRetryDelay({})).toBeUndefined();
    expect(parseRetryDelay({ seconds: -1 })).toBeUndefined();
  });
});

describe(httpFailureFromBody.name, () => {
  it('extracts message and details from a google.rpc.Status envelope', () => {
    expect(httpFailureFromBody(429, RPM_429)).toEqual(httpFailure(RPM_429));
  });

  it('yields empty details when the envelope has none', () => {
    expect(httpFailureFromBody(503, OVERLOADED_503)).toEqual({
      kind: 'http',
      status: 503,
      message: 'The model is overloaded. Please try again later.',
      details: [],
    });
  });

  it('tolerates a body that is not an envelope', () => {
    expect(httpFailureFromBody(502, '<html>Bad Gateway</html>')).toEqual({ kind: 'http', status: 502, message: '', details: [] });
    expect(httpFailureFromBody(500, null)).toEqual({ kind: 'http', status: 500, message: '', details: [] });
  });

  it('feeds classifyFailure end to end', () => {
    expect(classifyFailure(httpFailureFromBody(400, API_KEY_INVALID_400)).effect).toEqual({ kind: 'disable', reason: 'invalid' });
  });
});
