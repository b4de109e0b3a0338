import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { bearerToken } from '../common/bearer-token';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';

/** With METRICS_TOKEN set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    // With a separate metrics port, the API port has no /metrics.
    if (this.config.http.metricsPort !== null) throw new DomainError(ErrorCode.NotFound, 'Not found', 'GET /metrics');
    if (metricsTokenMatches(this.config.http.metricsToken, context.switchToHttp().getRequest<Request>().headers.authorization)) return true;
    throw new DomainError(ErrorCode.Unauthorized, 'Authentication required', 'Send Authorization: Bearer <METRICS_TOKEN>');
  }
}

/** No token configured, or `authorization` is `Bearer <expected>` (compared in constant time). */
export function metricsTokenMatches(expected: string | null, authorization: string | undefined): boolean {
  if (!expected) return true;
  const sent = bearerToken(authorization);
  const a = Buffer.from(sent ?? '');
  const b = Buffer.from(expected);
  return sent !== null && a.length === b.length && timingSafeEqual(a, b);
}
