import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Key administration needs `Authorization: Bearer <ADMIN_API_TOKEN>`. With no token configured the admin
 * endpoints are switched off (403), never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.rotation.adminToken;
    if (!token) throw new DomainError(ErrorCode.Forbidden, 'Key administration is disabled', 'Set ADMIN_API_TOKEN to enable it');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) throw new DomainError(ErrorCode.Unauthorized, 'Authentication required', 'Send Authorization: Bearer <admin token>');
    if (!sameText(match[1].trim(), token)) throw new DomainError(ErrorCode.Forbidden, 'Invalid admin token');
    return true;
  }
}
