/** Public types of the fake Gemini server (re-exported from fake-gemini.ts). */
import type { GeminiContent, QuotaTier } from './fake-gemini-bodies';
import type { QuotaLimits } from './fake-gemini-quota';
import type { FakeReply } from './fake-gemini-script';

export interface FakeKeyOptions extends QuotaLimits {
  /** The API key value clients send. */
  key: string;
  /** Google Cloud project; keys of one project share quota. */
  project: string;
  /** Id used in logs and stats (default `key_<n>`). */
  id?: string;
  /** 'free' (default) → quotaIds with `-FreeTier`; 'paid' → without. */
  tier?: QuotaTier;
  /** Per-model overrides of rpm/tpm/rpd. */
  perModel?: Record<string, QuotaLimits>;
}

export interface FakeGeminiOptions {
  keys?: FakeKeyOptions[];
  /** Clock for every quota window and day boundary (default Date.now). */
  now?: () => number;
  /** Known model names (without `models/`). */
  models?: string[];
  /** Text chunks per streamed answer (default 3). */
  streamChunks?: number;
  /** Pause between streamed chunks in real milliseconds (default 0). */
  streamChunkDelayMs?: number;
  /** Put the key in 403 "suspended" messages like the real API does (default false: `<redacted>`). */
  echoKeyInErrors?: boolean;
}

export type Endpoint = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'listModels' | 'getModel' | 'unknown';

/** The parsed request handed to `respondWith`. */
export interface FakeRequest {
  endpoint: 'generateContent' | 'streamGenerateContent' | 'countTokens';
  model: string;
  key: string;
  keyId: string;
  project: string;
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  generationConfig: Record<string, unknown>;
  promptTokens: number;
}

export type RespondWith = (req: FakeRequest) => FakeReply | undefined | void | Promise<FakeReply | undefined | void>;

export interface LoggedRequest {
  seq: number;
  /** Injected-clock time of arrival. */
  at: number;
  method: string;
  /** Path and query without the `key` parameter. */
  path: string;
  endpoint: Endpoint;
  model?: string;
  /** Key value as sent (in memory only). */
  key?: string;
  keyId?: string;
  project?: string;
  /** HTTP status answered; null while pending, for hangs and for requests the client abandoned. */
  status: number | null;
  /** The client closed the connection before the answer was complete (a hang it gave up on, a cut stream). */
  abandoned?: boolean;
  /** Real time (Date.now(), not the injected clock) at which the client closed it, when abandoned. */
  abandonedAt?: number;
  request?: FakeRequest;
}

export interface KeyStats {
  id: string;
  project: string;
  requests: number;
  ok: number;
  rateLimited: number;
  errors: number;
}

export const DEFAULT_MODELS = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
  'gemini-2.0-flash-lite',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
];
