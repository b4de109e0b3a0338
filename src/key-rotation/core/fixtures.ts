/**
 * Real Gemini error envelopes (google.rpc.Status) as described in docs/gemini-wire.md,
 * for classifier tests and the fake server. Only the 429 bodies vary quotaId/retryDelay; the shapes
 * are verbatim from real responses.
 */
import type { UpstreamFailure } from './error-classifier';

export interface GeminiErrorEnvelope {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
  'head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: ' +
  'generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-2.5-flash\n' +
  'Please retry in 36.42976s.';

export const QUOTA_IDS = {
  rpmFree: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
  rpmPaid: 'GenerateRequestsPerMinutePerProjectPerModel',
  rpdFree: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
  rpdPaid: 'GenerateRequestsPerDayPerProjectPerModel',
  tpmFree: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
  tpmPaid: 'GenerateContentInputTokensPerModelPerMinute',
} as const;

export interface QuotaViolationFixture {
  quotaId: string;
  quotaValue?: string;
  quotaMetric?: string;
}

export function quotaFailureDetail(...violations: QuotaViolationFixture[]): Record<string, unknown> {
  return {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: violations.map((v) => ({
      quotaMetric: v.quotaMetric ?? 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
      quotaId: v.quotaId,
      quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
      ...(v.quotaValue === undefined ? {} : { quotaValue: v.quotaValue }),
    })),
  };
}

export const HELP_DETAIL = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
};

export function retryInfoDetail(retryDelay: string): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay };
}

/** A 429 shaped like a real one (docs/gemini-wire.md); `retryDelay: null` leaves RetryInfo out. */
export function quota429(opts: { violations: QuotaViolationFixture[]; retryDelay?: string | null }): GeminiErrorEnvelope {
  const details: unknown[] = [quotaFailureDetail(...opts.violations), HELP_DETAIL];
  if (opts.retryDelay !== null) details.push(retryInfoDetail(opts.retryDelay ?? '36s'));
  return { error: { code: 429, message: QUOTA_MESSAGE, status: 'RESOURCE_EXHAUSTED', details } };
}

/** Verbatim per-minute free-tier 429 (Roo-Code#3883, gemini-cli#8437). */
export const RPM_429: GeminiErrorEnvelope = quota429({
  violations: [{ quotaId: QUOTA_IDS.rpmFree, quotaValue: '10' }],
  retryDelay: '36s',
});

export const RPD_429: GeminiErrorEnvelope = quota429({
  violations: [{ quotaId: QUOTA_IDS.rpdFree, quotaValue: '250' }],
  retryDelay: '45.837906927s',
});

export const TPM_429: GeminiErrorEnvelope = quota429({
  violations: [
    {
      quotaId: QUOTA_IDS.tpmFree,
      quotaValue: '250000',
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
    },
  ],
  retryDelay: '12s',
});

/** 429 with no details at all (python-genai#2065). */
export const BARE_429: GeminiErrorEnvelope = {
  error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' },
};

export const API_KEY_INVALID_400: GeminiErrorEnvelope = {
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
        locale: 'en-US',
        message: 'API key not valid. Please pass a valid API key.',
      },
    ],
  },
};

export const BAD_REQUEST_400: GeminiErrorEnvelope = {
  error: {
    code: 400,
    message: '* GenerateContentRequest.contents: contents is not specified\n',
    status: 'INVALID_ARGUMENT',
  },
};

export const FAILED_PRECONDITION_400: GeminiErrorEnvelope = {
  error: {
    code: 400,
    message: 'User location is not supported for the API use.',
    status: 'FAILED_PRECONDITION',
  },
};

export const UNAUTHENTICATED_401: GeminiErrorEnvelope = {
  error: {
    code: 401,
    message:
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    status: 'UNAUTHENTICATED',
  },
};

function errorInfo403(message: string, reason: string): GeminiErrorEnvelope {
  return {
    error: {
      code: 403,
      message,
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason,
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com', consumer: 'projects/123456789' },
        },
      ],
    },
  };
}

/** continuedev/continue#10513: leaked keys come back with no details. */
export const LEAKED_403: GeminiErrorEnvelope = {
  error: { code: 403, message: 'Your API key was reported as leaked. Please use another API key.', status: 'PERMISSION_DENIED' },
};

export const SUSPENDED_403 = errorInfo403("Permission denied: Consumer 'api_key:REDACTED' has been suspended.", 'CONSUMER_SUSPENDED');

export const SERVICE_BLOCKED_403 = errorInfo403(
  'Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent are blocked.',
  'API_KEY_SERVICE_BLOCKED',
);

export const UNREGISTERED_CALLER_403: GeminiErrorEnvelope = {
  error: {
    code: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    status: 'PERMISSION_DENIED',
  },
};

export const PERMISSION_DENIED_403: GeminiErrorEnvelope = {
  error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
};

export const MODEL_NOT_FOUND_404: GeminiErrorEnvelope = {
  error: {
    code: 404,
    message:
      'models/gemini-9.9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
    status: 'NOT_FOUND',
  },
};

/** sohzm/cheating-daddy#459 (2026). */
export const MODEL_RETIRED_404: GeminiErrorEnvelope = {
  error: {
    code: 404,
    message:
      'This model models/gemini-2.5-flash is no longer available to new users. Please update your code to use a newer model for the latest features and improvements.',
    status: 'NOT_FOUND',
  },
};

export const INTERNAL_500: GeminiErrorEnvelope = {
  error: {
    code: 500,
    message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    status: 'INTERNAL',
  },
};

/** gemini-cli#4360. */
export const OVERLOADED_503: GeminiErrorEnvelope = {
  error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' },
};

export const DEADLINE_504: GeminiErrorEnvelope = {
  error: { code: 504, message: 'Deadline expired before operation could complete.', status: 'DEADLINE_EXCEEDED' },
};

/** The `UpstreamFailure` an SDK adapter would build from one of these envelopes. */
export function httpFailure(envelope: GeminiErrorEnvelope): UpstreamFailure {
  return {
    kind: 'http',
    status: envelope.error.code,
    message: envelope.error.message,
    details: envelope.error.details ?? [],
  };
}
