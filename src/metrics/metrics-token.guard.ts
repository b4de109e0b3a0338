import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { bearerToken } from '../auth/authenticator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';

/** With METRICS_TOKEN set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.http.metricsToken;
    if (!expected) return true;
    const sent = bearerToken(context.switchToHttp().getRequest<Request>().headers.authorization);
    const a = Buffer.from(sent ?? '');
    const b = Buffer.from(expected);
    if (sent && a.length === b.length && timingSafeEqual(a, b)) return true;
    throw new DomainError(ErrorCode.Unauthorized, 'Authentication required', 'Send Authorization: Bearer <METRICS_TOKEN>');
  }
}
