/**
 * Wire bodies for the fake Gemini server (see docs/gemini-wire.md).
 * Pure functions: error envelopes (google.rpc.Status), success responses, token estimates, model list.
 */

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> };
}

export type QuotaKind = 'rpm' | 'tpm' | 'rpd';
export type QuotaTier = 'free' | 'paid';

export interface QuotaViolation {
  kind: QuotaKind;
  /** The project×model limit that was exceeded. */
  limit: number;
  /** Milliseconds until the window frees enough room for this request. */
  retryMs: number;
}

const SERVICE = 'generativelanguage.googleapis.com';
const RATE_LIMIT_DOCS = 'https://ai.google.dev/gemini-api/docs/rate-limits';

function envelope(code: number, status: string, message: string, details?: Array<Record<string, unknown>>): GeminiErrorBody {
  const error: GeminiErrorBody['error'] = { code, message, status };
  if (details) error.details = details;
  return { error };
}

function errorInfo(reason: string, metadata: Record<string, string>): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata };
}

function localized(message: string): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message };
}

/** Consumer label used in 403 messages. The real API echoes the key; the fake only does so when asked to. */
function consumer(keyShown: string | undefined): string {
  return `api_key:${keyShown ?? '<redacted>'}`;
}

export function invalidKeyBody(): GeminiErrorBody {
  const msg = 'API key not valid. Please pass a valid API key.';
  return envelope(400, 'INVALID_ARGUMENT', msg, [errorInfo('API_KEY_INVALID', { service: SERVICE }), localized(msg)]);
}

export function missingKeyBody(): GeminiErrorBody {
  return envelope(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

export function suspendedBody(projectNumber: string, keyShown?: string): GeminiErrorBody {
  const msg = `Permission denied: Consumer '${consumer(keyShown)}' has been suspended.`;
  return envelope(403, 'PERMISSION_DENIED', msg, [
    errorInfo('CONSUMER_SUSPENDED', { consumer: `projects/${projectNumber}`, service: SERVICE }),
    localized(msg),
  ]);
}

export function leakedBody(): GeminiErrorBody {
  return envelope(403, 'PERMISSION_DENIED', 'Your API key was reported as leaked. Please use another API key.');
}

export function serviceBlockedBody(projectNumber: string, method: string): GeminiErrorBody {
  const methodName = `google.ai.generativelanguage.v1beta.GenerativeService.${method}`;
  const msg = `Requests to this API ${SERVICE} method ${methodName} are blocked.`;
  return envelope(403, 'PERMISSION_DENIED', msg, [
    errorInfo('API_KEY_SERVICE_BLOCKED', {
      consumer: `projects/${projectNumber}`,
      service: SERVICE,
      apiName: SERVICE,
      methodName,
    }),
    localized(msg),
  ]);
}

export function modelNotFoundBody(model: string, method: string): GeminiErrorBody {
  return envelope(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

export function routeNotFoundBody(method: string, path: string): GeminiErrorBody {
  return envelope(404, 'NOT_FOUND', `Method not found: ${method} ${path}`);
}

export function badRequestBody(message: string): GeminiErrorBody {
  return envelope(400, 'INVALID_ARGUMENT', message);
}

export function serverErrorBody(status: 500 | 503 | 504): GeminiErrorBody {
  if (status === 503) return envelope(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
  if (status === 504) return envelope(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
  return envelope(
    500,
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  );
}

export function rateLimitedNoDetailsBody(): GeminiErrorBody {
  return envelope(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
}

/** Proto Duration string: whole seconds ("36s") or fractional below one second ("0.5s"). */
export function durationString(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Number((ms / 1000).toFixed(3))}s`;
  return `${Math.ceil(ms / 1000)}s`;
}

export function quotaIdFor(kind: QuotaKind, tier: QuotaTier): string {
  const base = {
    rpm: 'GenerateRequestsPerMinutePerProjectPerModel',
    rpd: 'GenerateRequestsPerDayPerProjectPerModel',
    tpm: 'GenerateContentInputTokensPerModelPerMinute',
  }[kind];
  return tier === 'free' ? `${base}-FreeTier` : base;
}

export function quotaMetricFor(kind: QuotaKind, tier: QuotaTier): string {
  const what = kind === 'tpm' ? 'input_token_count' : 'requests';
  return `${SERVICE}/generate_content_${tier}_tier_${what}`;
}

/** The real 429 body: QuotaFailure (one violation per exceeded limit), Help, RetryInfo (longest wait). */
export function quotaExceededBody(model: string, violations: QuotaViolation[], tier: QuotaTier): GeminiErrorBody {
  const retryMs = Math.max(...violations.map((v) => v.retryMs));
  const lines = violations.map((v) => `* Quota exceeded for metric: ${quotaMetricFor(v.kind, tier)}, limit: ${v.limit}, model: ${model}`);
  const message =
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
    `head to: ${RATE_LIMIT_DOCS}.\n${lines.join('\n')}\nPlease retry in ${Number((retryMs / 1000).toFixed(5))}s.`;
  return envelope(429, 'RESOURCE_EXHAUSTED', message, [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: violations.map((v) => ({
        quotaMetric: quotaMetricFor(v.kind, tier),
        quotaId: quotaIdFor(v.kind, tier),
        quotaDimensions: { location: 'global', model },
        quotaValue: String(v.limit),
      })),
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMIT_DOCS }],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: durationString(retryMs) },
  ]);
}

// ---------------------------------------------------------------- requests and successes

export interface GeminiPart {
  text?: string;
  [k: string]: unknown;
}
export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

/** Text of every part of every content, concatenated. */
export function contentsText(contents: GeminiContent[] | undefined): string {
  let out = '';
  for (const c of contents ?? []) for (const p of c.parts ?? []) if (typeof p.text === 'string') out += p.text;
  return out;
}

/** Normalises `systemInstruction` (Content, string, or parts array) into a Content. */
export function asContent(value: unknown): GeminiContent | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return { parts: [{ text: value }] };
  if (Array.isArray(value)) return { parts: value as GeminiPart[] };
  return value;
}

/** The fake's token estimate: ceil(chars / 4) over all text parts, system instruction included. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function lastUserText(contents: GeminiContent[] | undefined): string {
  const list = contents ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i];
    if (c.role === undefined || c.role === 'user') return contentsText([c]);
  }
  return '';
}

export interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  promptTokensDetails: Array<{ modality: string; tokenCount: number }>;
}

export function usageFor(promptTokens: number, replyText: string): UsageMetadata {
  const candidatesTokenCount = estimateTokens(replyText);
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount,
    totalTokenCount: promptTokens + candidatesTokenCount,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
}

export interface ResponseMeta {
  model: string;
  responseId: string;
}

/** One GenerateContentResponse; `finishReason`/`usage` are omitted on intermediate stream chunks. */
export function candidateResponse(text: string, meta: ResponseMeta, finishReason?: string, usage?: UsageMetadata): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { role: 'model', parts: [{ text }] }, index: 0 };
  if (finishReason) candidate.finishReason = finishReason;
  const body: Record<string, unknown> = { candidates: [candidate] };
  if (usage) body.usageMetadata = usage;
  body.modelVersion = meta.model;
  body.responseId = meta.responseId;
  return body;
}

/** A prompt blocked by safety filters: no candidates, only promptFeedback. */
export function blockedPromptResponse(meta: ResponseMeta, promptTokens: number): Record<string, unknown> {
  return {
    promptFeedback: { blockReason: 'SAFETY' },
    usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
    modelVersion: meta.model,
    responseId: meta.responseId,
  };
}

/** Splits text into `n` roughly equal, non-empty pieces (fewer when the text is shorter than n). */
export function splitChunks(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

export function modelResource(model: string): Record<string, unknown> {
  return {
    name: `models/${model}`,
    version: '001',
    displayName: model,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}
