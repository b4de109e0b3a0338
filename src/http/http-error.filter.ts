import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import type { Request, Response } from 'express';
import { databaseErrorToDomain, describeDatabaseError } from '../common/database-errors';
import { allowedMethods } from '../common/allowed-methods';
import { AuthFailure } from '../common/auth-failure';
import { DomainError, ErrorCode, RATE_LIMIT_REASON, rateLimitReason } from '../common/domain-error';
import { drfBody, methodNotAllowed } from '../common/drf-body';
import { errorStyleOf } from '../common/error-style';

/** What DRF's JWTAuthentication/simplejwt send with every 401. */
const WWW_AUTHENTICATE = 'Bearer realm="api"';

/** nginx's status for a request the client abandoned; nobody reads it, it is for the logs. */
const CLIENT_CLOSED_REQUEST = 499;

/** The Django API's error body, kept by the frontend. */
export interface ErrorBody {
  error: string;
  details?: unknown;
  retry_after?: number;
}

export function statusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.MalformedJson:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.Unauthorized:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.Conflict:
      return HttpStatus.CONFLICT;
    case ErrorCode.Unprocessable:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case ErrorCode.PayloadTooLarge:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.RateLimited:
    case ErrorCode.KeysExhausted:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.UpstreamFailed:
      return HttpStatus.BAD_GATEWAY;
    case ErrorCode.UpstreamTimeout:
      return HttpStatus.GATEWAY_TIMEOUT;
    case ErrorCode.UpstreamUnavailable:
    case ErrorCode.NoUsableKeys:
    case ErrorCode.StateStoreUnavailable:
    case ErrorCode.DatabaseUnavailable:
    case ErrorCode.NotReady:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ErrorCode.ClientClosed:
      return CLIENT_CLOSED_REQUEST;
    default: {
      const unhandled: never = code;
      throw new Error(`No HTTP status for error code ${String(unhandled)}`);
    }
  }
}

/** body-parser's own errors carry `type`; turn the two a client can cause into domain errors. */
function fromBodyParser(err: unknown): DomainError | null {
  const type = (err as { type?: unknown })?.type;
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new DomainError(ErrorCode.PayloadTooLarge, 'Request body is too large', { limit_bytes: limit });
  }
  if (type === 'entity.parse.failed') {
    return new DomainError(ErrorCode.MalformedJson, 'Request body is not valid JSON', (err as Error).message);
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new DomainError(ErrorCode.ValidationFailed, 'Unsupported request body encoding', (err as Error).message);
  }
  return null;
}

/** Express found no route for the method and path ("Cannot GET /x"). */
function isNoRoute(err: HttpException): boolean {
  const response = err.getResponse();
  return (
    err.getStatus() === Number(HttpStatus.NOT_FOUND) &&
    typeof response === 'object' &&
    /^Cannot /.test(String((response as { message?: unknown }).message))
  );
}

function fromHttpException(err: HttpException, req: Request): ErrorBody {
  const response = err.getResponse();
  if (isNoRoute(err)) {
    return { error: 'Not found', details: `No route for ${req.method} ${req.path}` };
  }
  if (typeof response === 'string') return { error: response };
  const { message, error, ...rest } = response as Record<string, unknown>;
  const text = typeof message === 'string' ? message : typeof error === 'string' ? error : err.message;
  delete rest.statusCode;
  const details = Array.isArray(message) ? message : Object.keys(rest).length ? rest : undefined;
  return { error: text, details };
}

/**
 * The one exception filter: domain errors, Nest's HTTP exceptions and body-parser errors become
 * `{ error, details }` with the right status. Anything unexpected is logged with its stack and answered
 * with a bare 500 — the stack never reaches the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new AppLogger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) {
      this.logger.warn(`Error after the response started (${req.method} ${req.path}): ${String(exception)}`);
      res.end();
      return;
    }
    // Nest wraps body-parser's errors in an HttpException with the original as `cause`.
    const raw = exception instanceof HttpException && exception.cause ? exception.cause : exception;
    const domain = exception instanceof DomainError ? exception : (fromBodyParser(raw) ?? databaseErrorToDomain(exception));
    if (domain && domain !== exception && domain.code === ErrorCode.DatabaseUnavailable) {
      this.logger.warn(`${req.method} ${req.path}: ${describeDatabaseError(exception) ?? 'database unavailable'}`);
    }
    if (domain) {
      this.sendDomain(domain, req, res);
      return;
    }
    if (exception instanceof HttpException) {
      const allow = isNoRoute(exception) ? allowedMethods(req) : [];
      if (allow.length > 0) {
        res.setHeader('Allow', allow.join(', '));
        res.status(HttpStatus.METHOD_NOT_ALLOWED).json({ detail: methodNotAllowed(req.method) });
        return;
      }
      res.status(exception.getStatus()).json(fromHttpException(exception, req));
      return;
    }
    // A failed query's message carries its parameters (user content, token ids): log only what is safe.
    const database = describeDatabaseError(exception);
    this.logger.error(`Unhandled error on ${req.method} ${req.path}`, database ? { database } : { err: exception });
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: 'Internal server error' } satisfies ErrorBody);
  }

  /** A domain error in the shape the endpoint's Django original used (see `ErrorStyle`). */
  private sendDomain(domain: DomainError, req: Request, res: Response): void {
    const status = statusFor(domain.code);
    if (status === Number(HttpStatus.UNAUTHORIZED)) res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    if (status === Number(HttpStatus.TOO_MANY_REQUESTS)) res.locals[RATE_LIMIT_REASON] = rateLimitReason(domain);
    if (domain instanceof AuthFailure) {
      res.status(status).json(domain.body);
      return;
    }
    const drf = errorStyleOf(req) === 'drf' ? drfBody(domain) : null;
    if (drf) {
      res.status(status).json(drf);
      return;
    }
    const body: ErrorBody = { ...(domain.extraBody ?? {}), error: domain.message, details: domain.details };
    if (domain.retryAfterSec !== undefined) {
      body.retry_after = domain.retryAfterSec;
      res.setHeader('Retry-After', String(domain.retryAfterSec));
    }
    res.status(status).json(body);
  }
}
