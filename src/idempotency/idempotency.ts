/**
 * `Idempotency-Key` on POSTs that create things: the same key from the same user on the same endpoint
 * gets the first request's result, and the work is done once — also while the first request is still
 * running (the retry waits for it). Claims and results live in the state store (Redis when configured),
 * so every replica sees them. A key reused with a different body is refused (422). Handlers that write the
 * response themselves (`@Res()`) return the body they sent; the replay repeats its status and headers.
 */
import { createHash } from 'node:crypto';
import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthUser } from '../auth/current-user.decorator';
import { StateStore } from '../state-store/state-store';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode } from '../common/domain-error';

/** How long a key's result is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** How long a retry waits for the first request with its key to finish before answering 409. */
export const IDEMPOTENCY_WAIT_MS = 120_000;
const POLL_MS = 100;
const KEY = /^[\x21-\x7e]{1,255}$/;

interface Stored {
  fingerprint: string;
  body: unknown;
  /** Set when the handler wrote the response itself (`@Res()`): the replay writes the same status and body. */
  sent?: { status: number; headers: Record<string, string> };
}

/** Headers a handler that answers by itself may set that a replay repeats. */
const REPLAYED_HEADERS = ['location', 'preference-applied', 'x-job-id'];

const sha = (text: string): string => createHash('sha256').update(text).digest('base64url');

function keyOf(req: Request & { user?: AuthUser }): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: Idempotency-Key', {
      'Idempotency-Key': ['must be 1 to 255 printable ASCII characters without spaces'],
    });
  }
  const who = req.user?.id != null ? `user:${req.user.id}` : `anonymous:${req.ip ?? ''}`;
  return sha(`${who}\n${req.method} ${req.baseUrl}${req.path.replace(/\/+$/, '')}\n${raw}`);
}

const mismatch = (): DomainError =>
  new DomainError(ErrorCode.Unprocessable, 'Idempotency-Key was already used with a different request body', {
    'Idempotency-Key': ['already used with a different request body; use a new key for a new request'],
  });

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  /**
   * The pace of the wait loop: a real timer between two store reads, since the first request progresses in real
   * time. Whether the wait is over is the Clock's to say (`IDEMPOTENCY_WAIT_MS` from the retry's arrival).
   */
  private readonly pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const res = context.switchToHttp().getResponse<Response>();
    const scope = keyOf(req);
    if (!scope) return next.handle();
    const fingerprint = sha(JSON.stringify(req.body ?? null));
    return from(this.once(scope, fingerprint, res, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }

  private async once(scope: string, fingerprint: string, res: Response, run: () => Promise<unknown>): Promise<unknown> {
    const claimKey = `idem:${scope}:claim`;
    const fpKey = `idem:${scope}:fp`;
    const resultKey = `idem:${scope}:result`;
    const deadline = this.clock.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      if ((await this.store.increment(claimKey, 1, IDEMPOTENCY_TTL_MS)) === 1) {
        await this.store.set(fpKey, fingerprint, IDEMPOTENCY_TTL_MS);
        let body: unknown;
        try {
          body = await run();
        } catch (e) {
          // A failed first request leaves nothing behind: the same key may be retried.
          await this.store.delete(claimKey, fpKey);
          throw e;
        }
        const sent = res.headersSent ? sentBy(res) : undefined;
        // A handler that answered by itself and returned nothing (an SSE stream that ended with an error) failed too.
        if (sent && (body === undefined || sent.status >= 400)) {
          await this.store.delete(claimKey, fpKey);
          return body;
        }
        await this.store.set(resultKey, JSON.stringify({ fingerprint, body: body ?? null, sent } satisfies Stored), IDEMPOTENCY_TTL_MS);
        return body;
      }
      const [raw, firstFingerprint] = await this.store.getMany([resultKey, fpKey]);
      if (firstFingerprint !== null && firstFingerprint !== fingerprint) throw mismatch();
      if (raw !== null) {
        const stored = JSON.parse(raw) as Stored;
        if (stored.fingerprint !== fingerprint) throw mismatch();
        res.setHeader('Idempotent-Replayed', 'true');
        if (stored.sent) {
          for (const [name, value] of Object.entries(stored.sent.headers)) res.setHeader(name, value);
          res.status(stored.sent.status).json(stored.body);
        }
        return stored.body;
      }
      if (this.clock.now() >= deadline) {
        throw new DomainError(
          ErrorCode.Conflict,
          'A request with this Idempotency-Key is still being processed',
          'Retry later to get its result',
          1,
        );
      }
      await this.pause(POLL_MS);
    }
  }
}

function sentBy(res: Response): NonNullable<Stored['sent']> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return { status: res.statusCode, headers };
}

/** Accepts `Idempotency-Key` on a creating POST (see `IdempotencyInterceptor`). */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Any unique string (e.g. a UUID). A retry with the same key returns the first result instead of creating again.',
      example: '5f0c7a52-3f7e-4c1e-9d55-2b8f8f1f7a10',
    }),
  );
}
