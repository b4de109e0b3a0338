import { Injectable } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { FailureAction } from '../key-rotation/core/error-classifier';
import { KeysExhaustedError, NoUsableKeysError } from '../key-rotation/key-rotation.errors';
import { CallContext, KeyRotationService } from '../key-rotation/key-rotation.service';
import type { Lease } from '../key-rotation/key-state.repository';
import { MetricsService } from '../metrics/metrics.service';
import { UsageService } from '../usage/usage.service';
import { CircuitBreaker } from './circuit-breaker';
import { UserAiLimit } from './user-ai-limit';
import { GeminiSdkTransport } from './gemini-sdk.transport';
import { CallOptions, CallReport, GenerateRequest, GenerateResult, StreamChunk, TransportError, Turn, Usage } from './gemini.types';

const MAX_ATTEMPTS_CAP = 8;
const SERVER_ERROR_BACKOFF_MS = 500;
/** Retry-After when Gemini never answered in time (504). */
const TIMEOUT_RETRY_AFTER_SEC = 5;

/** Rough token estimate before the call: characters / 4, as the spec's default. */
export function estimateTokens(req: GenerateRequest): number {
  const chars = req.contents.reduce((n, t) => n + t.text.length, 0) + (req.system?.length ?? 0);
  return Math.max(1, Math.ceil(chars / 4));
}

interface Attempted<T> {
  value: T;
  usage: Usage | null;
}

/**
 * The one way to Gemini. Every call names its user, model and deadline; each attempt gets a key from the
 * rotation (sticky per user, quota reserved), and a failure is classified and acted on before the next
 * attempt on another key. When no key can take the call before the deadline, the caller gets 429 with
 * Retry-After; when none can ever (all disabled), 503.
 */
@Injectable()
export class GeminiClientService {
  private readonly logger = new AppLogger('GeminiClient');
  private readonly breaker: CircuitBreaker;

  constructor(
    private readonly rotation: KeyRotationService,
    private readonly transport: GeminiSdkTransport,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly usage: UsageService,
    private readonly userLimit: UserAiLimit,
  ) {
    this.breaker = new CircuitBreaker(() => clock.now());
  }

  generate(opts: CallOptions, req: GenerateRequest): Promise<GenerateResult & CallReport> {
    return this.run(opts, req, async (secret, model, timeoutMs) => {
      const r = await this.transport.generate(secret, model, req, timeoutMs, opts.signal);
      return { value: r, usage: r.usage };
    }).then(({ value, report }) => this.accounted(opts, value, report));
  }

  /** Multi-turn chat: `history` holds earlier turns, `message` is the new user message. */
  chat(
    opts: CallOptions,
    history: Turn[],
    message: string,
    extra: Omit<GenerateRequest, 'contents'> = {},
  ): Promise<GenerateResult & CallReport> {
    const req: GenerateRequest = { ...extra, contents: [...history, { role: 'user', text: message }] };
    return this.run(opts, req, async (secret, model, timeoutMs) => {
      const r = await this.transport.chat(secret, model, req, timeoutMs, opts.signal);
      return { value: r, usage: r.usage };
    }).then(({ value, report }) => this.accounted(opts, value, report));
  }

  /** Usage accounting of one successful call (per user, key, model and day; token counters). */
  private accounted(opts: CallOptions, value: GenerateResult, report: CallReport): GenerateResult & CallReport {
    this.record(opts, report, value.usage);
    return { ...value, ...report };
  }

  private record(opts: CallOptions, report: CallReport, usage: Usage | null): void {
    this.usage.record({
      userKey: opts.userId,
      keyId: report.keyId,
      model: report.model,
      promptTokens: usage?.promptTokens ?? 0,
      outputTokens: usage?.candidatesTokens ?? 0,
    });
  }

  countTokens(opts: CallOptions, req: GenerateRequest): Promise<{ totalTokens: number } & CallReport> {
    return this.run(opts, req, async (secret, model, timeoutMs) => ({
      value: await this.transport.countTokens(secret, model, req, timeoutMs, opts.signal),
      usage: null,
    })).then(({ value, report }) => ({ totalTokens: value, ...report }));
  }

  /**
   * Streams text. Rotation happens only until the first chunk arrives; after that a failure ends the
   * stream with an error. Success is accounted when the stream has finished.
   */
  async generateStream(opts: CallOptions, req: GenerateRequest): Promise<{ chunks: AsyncGenerator<StreamChunk>; report: CallReport }> {
    let won: { lease: Lease; pinned: boolean } | null = null;
    const ctx = this.context(opts);
    const deadline = opts.deadline ?? this.clock.now() + this.config.gemini.timeoutMs;
    const { value: stream, report } = await this.run(
      { ...opts, deadline },
      req,
      // The signal also bounds reading the stream, so a stream keeps the whole remaining deadline, not one attempt's.
      async (secret, model, timeoutMs) => ({
        value: await this.transport.stream(secret, model, req, Math.max(timeoutMs, deadline - this.clock.now()), opts.signal),
        usage: null,
      }),
      (lease, pinned) => (won = { lease, pinned }),
    );
    const rotation = this.rotation;
    const record = (usage: Usage | null) => this.record(opts, report, usage);
    const { lease, pinned } = won!;
    async function* relay(): AsyncGenerator<StreamChunk> {
      let usage: Usage | null = null;
      try {
        for await (const chunk of stream) {
          if (chunk.usage) usage = chunk.usage;
          yield chunk;
        }
      } catch (e) {
        if (opts.signal?.aborted) throw clientGone(report.attempts);
        if (!(e instanceof TransportError)) throw e;
        await rotation.fail(lease, e.failure);
        throw new DomainError(ErrorCode.UpstreamFailed, 'Gemini stream broke off', { reason: e.failure.kind });
      }
      await rotation.succeed(lease, ctx, usage?.promptTokens, pinned);
      record(usage);
    }
    return { chunks: relay(), report };
  }

  private context(opts: CallOptions): CallContext {
    return { userId: opts.userId, model: opts.model ?? this.config.gemini.defaultModel, workload: opts.workload ?? null };
  }

  /**
   * The retry-on-rotate loop. With `deferSuccess` the caller does the success accounting (a stream
   * settles at its end) and gets the winning lease through it.
   */
  private async run<T>(
    opts: CallOptions,
    req: GenerateRequest,
    attempt: (secret: string, model: string, timeoutMs: number) => Promise<Attempted<T>>,
    deferSuccess?: (lease: Lease, pinned: boolean) => void,
  ): Promise<{ value: T; report: CallReport }> {
    const ticket = await this.userLimit.take(opts.userId);
    const tracker = { attempts: 0 };
    try {
      return await this.rotate(opts, req, attempt, tracker, deferSuccess);
    } catch (e) {
      // Nothing reached Gemini: the call costs the user nothing.
      if (tracker.attempts === 0) await this.userLimit.refund(ticket);
      throw e;
    }
  }

  private async rotate<T>(
    opts: CallOptions,
    req: GenerateRequest,
    attempt: (secret: string, model: string, timeoutMs: number) => Promise<Attempted<T>>,
    tracker: { attempts: number },
    deferSuccess?: (lease: Lease, pinned: boolean) => void,
  ): Promise<{ value: T; report: CallReport }> {
    const ctx = this.context(opts);
    const g = this.config.gemini;
    const deadline = opts.deadline ?? this.clock.now() + g.timeoutMs;
    const estimate = estimateTokens(req);
    const maxAttempts = g.maxAttempts ?? Math.min(Math.max(1, this.rotation.keyPool.usableIds().length), MAX_ATTEMPTS_CAP);
    const tried = new Set<string>();
    let attempts = 0;
    let waitedMs = 0;
    let last: { action: FailureAction; error: TransportError } | null = null;

    for (;;) {
      if (opts.signal?.aborted) throw clientGone(attempts);
      const now = this.clock.now();
      const remaining = deadline - now;
      if (remaining <= 0)
        throw new DomainError(
          ErrorCode.UpstreamTimeout,
          'Gemini did not answer before the deadline',
          { attempts },
          TIMEOUT_RETRY_AFTER_SEC,
        );
      const blockedMs = this.breaker.blockedFor(ctx.model);
      if (blockedMs > 0) {
        throw new DomainError(
          ErrorCode.UpstreamUnavailable,
          `Gemini model ${ctx.model} is failing; calls are paused`,
          { attempts },
          Math.ceil(blockedMs / 1000),
        );
      }
      // At the attempt cap, ask with every key excluded: the answer says when the earliest frees up.
      const capReached = attempts >= maxAttempts;
      const got = await this.rotation.acquire(ctx, estimate, capReached ? new Set(this.rotation.keyPool.byId.keys()) : tried);
      if (got.kind === 'busy') {
        const waitMs = got.untilMs === null ? null : Math.max(0, got.untilMs - now);
        if (!capReached && waitMs !== null && waitedMs + waitMs <= g.maxWaitMs && waitMs < remaining) {
          this.logger.debug(`no key free for ${ctx.model} (${got.why}); waiting ${waitMs} ms`);
          waitedMs += waitMs;
          // Ends early (then the loop sees the abort) when the client goes away.
          await this.clock.sleep(waitMs + 5, opts.signal).catch(() => undefined);
          tried.clear();
          continue;
        }
        if (got.allDisabled || (waitMs === null && last?.action.effect.kind === 'disable')) {
          const unusable = await this.rotation.unusableKeys();
          if (unusable.length >= this.rotation.keyPool.keys.length)
            throw new NoUsableKeysError('Every Gemini key is disabled', { keys: unusable });
        }
        if (waitMs === null && last && !isQuota(last.action)) throw upstreamError(last);
        const retryAfterSec = waitMs === null ? 60 : waitMs / 1000;
        throw new KeysExhaustedError(retryAfterSec, `${got.why}; ${attempts} attempt(s) made for model ${ctx.model}`);
      }
      attempts++;
      tracker.attempts = attempts;
      const { lease, secret } = got;
      const stopTimer = this.metrics.upstreamSeconds.startTimer({ model: lease.model });
      try {
        // Each attempt gets at most GEMINI_ATTEMPT_TIMEOUT_MS, so a hanging key leaves time to try another.
        const result = await attempt(secret, lease.model, Math.min(remaining, g.attemptTimeoutMs)).finally(() => stopTimer());
        this.breaker.success(ctx.model);
        if (deferSuccess) deferSuccess(lease, got.pinned);
        else await this.rotation.succeed(lease, ctx, result.usage?.promptTokens, got.pinned);
        return { value: result.value, report: { keyId: lease.keyId, model: lease.model, attempts } };
      } catch (e) {
        // The client went away: the call was cut on purpose, which says nothing about the key or the model.
        if (opts.signal?.aborted) throw clientGone(attempts);
        if (!(e instanceof TransportError)) throw e;
        const action = await this.rotation.fail(lease, e.failure);
        last = { action, error: e };
        if (action.countsTowardBreaker) this.breaker.failure(ctx.model);
        // 404 for the model: none of its keys can serve the call, but a model of `model_compatibility` may.
        if (action.tryCompatibleModel && this.rotation.hasCompatibleModels(ctx)) {
          for (const id of this.rotation.keyPool.idsServing(lease.model)) tried.add(id);
          continue;
        }
        if (!action.retry) throw upstreamError(last);
        if (action.rotate) tried.add(lease.keyId);
        // At the cap, quota and disable failures go round once more so the answer is 429 or 503, not 502.
        if (attempts >= maxAttempts && !isQuota(action) && action.effect.kind !== 'disable') throw upstreamError(last);
        if (action.backoffBeforeRetry)
          await this.clock.sleep(Math.min(SERVER_ERROR_BACKOFF_MS * attempts, Math.max(0, deadline - this.clock.now())));
      }
    }
  }
}

function clientGone(attempts: number): DomainError {
  return new DomainError(ErrorCode.ClientClosed, 'The client closed the request', { attempts });
}

function isQuota(action: FailureAction): boolean {
  return action.reason.startsWith('rate_limit');
}

/** A failure that retrying will not fix, as the client should see it. */
function upstreamError(last: { action: FailureAction; error: TransportError }): DomainError {
  const { action, error } = last;
  switch (action.reason) {
    case 'bad_request':
      return new DomainError(ErrorCode.ValidationFailed, 'Gemini rejected the request', messageOf(error));
    case 'model_not_found':
      return new DomainError(ErrorCode.NotFound, 'Gemini model not found', messageOf(error));
    case 'timeout':
      return new DomainError(ErrorCode.UpstreamTimeout, 'Gemini did not answer in time', { reason: 'timeout' }, TIMEOUT_RETRY_AFTER_SEC);
    default:
      return new DomainError(ErrorCode.UpstreamFailed, 'Gemini failed to answer', { reason: action.reason });
  }
}

function messageOf(error: TransportError): string {
  const f = error.failure;
  const text = f.kind === 'http' ? f.message : error.message;
  return text.replace(/https?:\/\/\S+/g, '<url>').slice(0, 500);
}
