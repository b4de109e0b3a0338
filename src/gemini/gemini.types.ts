import type { UpstreamFailure } from '../key-rotation/core/error-classifier';

/** One turn of a conversation, SDK-independent. */
export interface Turn {
  role: 'user' | 'model';
  text: string;
}

export interface GenerationSettings {
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  /** `application/json` asks for JSON output; `responseSchema` constrains it. */
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
}

export interface GenerateRequest {
  /** The conversation so far, ending with the user turn to answer. */
  contents: Turn[];
  system?: string;
  settings?: GenerationSettings;
}

export interface Usage {
  promptTokens: number;
  candidatesTokens: number;
  totalTokens: number;
}

export interface GenerateResult {
  text: string;
  finishReason: string | null;
  usage: Usage | null;
}

export interface StreamChunk {
  text: string;
  /** Present on the last chunk. */
  usage?: Usage | null;
  finishReason?: string | null;
}

/** Every call says who it is for, which model, and by when it must be done. */
export interface CallOptions {
  userId: string;
  model?: string;
  /** Absolute deadline (epoch ms); default now + GEMINI_TIMEOUT_MS. */
  deadline?: number;
  workload?: string | null;
  /** Aborted when the client that asked has gone away: the Gemini call is cut and nothing more is tried. */
  signal?: AbortSignal;
}

/** What a completed call reports besides its result. */
export interface CallReport {
  keyId: string;
  model: string;
  attempts: number;
}

/** A transport failure, already described SDK-independently for the classifier. */
export class TransportError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
