import {
  Content,
  GenerateContentResponse,
  GenerativeModel,
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIResponseError,
} from '@google/generative-ai';
import { DomainError, ErrorCode } from '../common/domain-error';
import { GenerateRequest, GenerateResult, StreamChunk, TransportError, Turn, Usage } from './gemini.types';

/**
 * The only code that imports the Gemini SDK (a CI check enforces it). It speaks our SDK-independent types
 * and turns every SDK failure into a `TransportError` the classifier understands. SDK retries: none (the
 * SDK has no retry of its own; the rotation loop is the only one).
 */
export class GeminiSdkTransport {
  constructor(private readonly baseUrl: string | null) {}

  async generate(secret: string, model: string, req: GenerateRequest, timeoutMs: number, abort?: AbortSignal): Promise<GenerateResult> {
    const response = await this.bounded(timeoutMs, abort, (options) =>
      this.model(secret, model, req).generateContent({ contents: contents(req.contents) }, options),
    );
    return resultOf(response.response);
  }

  /** Multi-turn chat through the SDK's chat session: history as real turns, then the last user message. */
  async chat(secret: string, model: string, req: GenerateRequest, timeoutMs: number, abort?: AbortSignal): Promise<GenerateResult> {
    const history = req.contents.slice(0, -1);
    const last = req.contents[req.contents.length - 1];
    const session = this.model(secret, model, req).startChat({ history: contents(history) });
    const response = await this.bounded(timeoutMs, abort, (options) => session.sendMessage(last.text, options));
    return resultOf(response.response);
  }

  /**
   * Opens a stream and waits for its first chunk, so a failure before any text can still rotate to
   * another key. The rest of the chunks come from the returned iterator.
   */
  async stream(
    secret: string,
    model: string,
    req: GenerateRequest,
    timeoutMs: number,
    abort?: AbortSignal,
  ): Promise<AsyncGenerator<StreamChunk>> {
    const result = await this.call(() =>
      this.model(secret, model, req).generateContentStream({ contents: contents(req.contents) }, signal(timeoutMs, abort)),
    );
    const iterator = result.stream[Symbol.asyncIterator]();
    const first = await this.call(() => iterator.next());
    const call = this.call.bind(this);
    async function* rest(): AsyncGenerator<StreamChunk> {
      let step = first;
      while (!step.done) {
        yield chunkOf(step.value);
        step = await call(() => iterator.next());
      }
    }
    return rest();
  }

  async countTokens(secret: string, model: string, req: GenerateRequest, timeoutMs: number, abort?: AbortSignal): Promise<number> {
    const response = await this.bounded(timeoutMs, abort, (options) =>
      this.model(secret, model, req).countTokens({ contents: contents(req.contents) }, options),
    );
    return response.totalTokens;
  }

  /** The zero-quota probe: `GET /v1beta/models`. Resolves when the key is accepted. */
  async listModels(secret: string, timeoutMs: number): Promise<void> {
    const base = this.baseUrl ?? 'https://generativelanguage.googleapis.com';
    let response: Response;
    try {
      response = await fetch(`${base}/v1beta/models?pageSize=1`, {
        headers: { 'x-goog-api-key': secret },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
      throw new TransportError(
        timedOut ? { kind: 'timeout', reachedUpstream: true } : { kind: 'network', reachedUpstream: false },
        'probe failed',
      );
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: { message?: string; details?: unknown[] } };
      throw new TransportError(
        { kind: 'http', status: response.status, message: body.error?.message ?? '', details: body.error?.details ?? [] },
        `probe answered ${response.status}`,
      );
    }
  }

  private model(secret: string, model: string, req: GenerateRequest): GenerativeModel {
    const s = req.settings ?? {};
    return new GoogleGenerativeAI(secret).getGenerativeModel(
      {
        model,
        ...(req.system ? { systemInstruction: req.system } : {}),
        generationConfig: {
          temperature: s.temperature,
          maxOutputTokens: s.maxOutputTokens,
          topP: s.topP,
          topK: s.topK,
          stopSequences: s.stopSequences,
          responseMimeType: s.responseMimeType,
          responseSchema: s.responseSchema as never,
        },
      },
      this.baseUrl ? { baseUrl: this.baseUrl } : {},
    );
  }

  /** One SDK call that ends with its answer, under its own deadline (see `deadlineSignal`). */
  private async bounded<T>(
    timeoutMs: number,
    abort: AbortSignal | undefined,
    op: (options: { signal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const deadline = deadlineSignal(timeoutMs, abort);
    try {
      return await this.call(() => op({ signal: deadline.signal }));
    } finally {
      deadline.done();
    }
  }

  /** Runs one SDK call, translating its errors. Messages never carry the key (the SDK sends it in a header). */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw translate(e);
    }
  }
}

/**
 * The deadline (and the caller's signal) as one abort signal for a call that ends with its answer; `done()`
 * clears the timer and the listener, so a finished call leaves nothing behind. Cheaper than
 * `AbortSignal.timeout` + `AbortSignal.any`, whose signals Node makes transferable (~2 % of the CPU of a call)
 * and whose timer lives on until the deadline.
 */
function deadlineSignal(timeoutMs: number, abort?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    Math.max(1, Math.floor(timeoutMs)),
  );
  const onAbort = () => controller.abort(abort?.reason);
  if (abort?.aborted) onAbort();
  else abort?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * The deadline of a stream, which outlives the call that opens it. (The SDK's own `timeout` option leaves a
 * timer behind on every call, which keeps thousands alive under load and holds the process open.)
 */
function signal(timeoutMs: number, abort?: AbortSignal): { signal: AbortSignal } {
  const timeout = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
  return { signal: abort ? AbortSignal.any([timeout, abort]) : timeout };
}

function contents(turns: Turn[]): Content[] {
  return turns.map((t) => ({ role: t.role, parts: [{ text: t.text }] }));
}

function usageOf(r: GenerateContentResponse): Usage | null {
  const u = r.usageMetadata;
  return u ? { promptTokens: u.promptTokenCount, candidatesTokens: u.candidatesTokenCount ?? 0, totalTokens: u.totalTokenCount } : null;
}

function resultOf(r: GenerateContentResponse & { text(): string }): GenerateResult {
  if (!r.candidates?.length) {
    throw new DomainError(ErrorCode.UpstreamFailed, 'Gemini refused to answer this prompt', {
      block_reason: r.promptFeedback?.blockReason ?? 'unknown',
    });
  }
  let text: string;
  try {
    text = r.text();
  } catch (e) {
    throw new DomainError(ErrorCode.UpstreamFailed, 'Gemini returned no usable text', (e as Error).message.slice(0, 300));
  }
  return { text, finishReason: r.candidates[0].finishReason ?? null, usage: usageOf(r) };
}

function chunkOf(r: GenerateContentResponse): StreamChunk {
  const text = r.candidates?.[0]?.content?.parts?.map((p) => p.text ?? '').join('') ?? '';
  return { text, finishReason: r.candidates?.[0]?.finishReason ?? null, usage: r.usageMetadata ? usageOf(r) : undefined };
}

function translate(e: unknown): unknown {
  if (e instanceof DomainError || e instanceof TransportError) return e;
  if (e instanceof GoogleGenerativeAIFetchError) {
    const status = e.status ?? 0;
    return new TransportError(
      { kind: 'http', status, message: e.message, details: (e.errorDetails as unknown[] | undefined) ?? [] },
      `Gemini answered ${status}`,
    );
  }
  if (
    e instanceof GoogleGenerativeAIAbortError ||
    (e instanceof GoogleGenerativeAIError && /aborted due to timeout|TimeoutError/.test(e.message))
  ) {
    return new TransportError({ kind: 'timeout', reachedUpstream: true }, 'Gemini did not answer in time');
  }
  if (e instanceof GoogleGenerativeAIResponseError) {
    return new DomainError(ErrorCode.UpstreamFailed, 'Gemini returned an unusable response', e.message.slice(0, 300));
  }
  if (e instanceof GoogleGenerativeAIError && /Error fetching from .*: fetch failed/.test(e.message)) {
    // The SDK drops the socket error's code, so refused vs reset cannot be told apart; treat it as not
    // reached (refund the quota) rather than charging a key for a network fault.
    return new TransportError({ kind: 'network', reachedUpstream: false }, 'Gemini could not be reached');
  }
  if (e instanceof GoogleGenerativeAIError) {
    return new DomainError(ErrorCode.UpstreamFailed, 'Gemini call failed', e.message.replace(/https?:\/\/\S+/g, '<url>').slice(0, 300));
  }
  return e;
}
