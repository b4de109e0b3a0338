import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Authenticator } from '../auth/authenticator';
import { AppConfig } from '../config/app-config';

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Key administration needs `Authorization: Bearer <ADMIN_API_TOKEN>` or the access token (JWT) of an
 * active `is_staff` user. With neither an admin token configured nor a staff token sent, the admin
 * endpoints are switched off (403), never open. A wrong token is a 401, like every failed authentication.
 */
/** Swagger security scheme of the admin endpoints (its own Authorize field, apart from the user JWT). */
export const ADMIN_SECURITY = 'admin-token';

@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const token = this.config.rotation.adminToken;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const sent = match?.[1].trim() ?? null;
    if (sent && token && sameText(sent, token)) return true;
    const staff = sent ? await this.authenticator.authenticate(sent) : null;
    if (staff?.ok && staff.user.isStaff) return true;
    if (staff?.ok)
      throw new DomainError(ErrorCode.Forbidden, 'Staff access required', 'Key administration needs an is_staff user or the admin token');
    if (!token)
      throw new DomainError(
        ErrorCode.Forbidden,
        'Key administration is disabled',
        'Set ADMIN_API_TOKEN or sign in as a staff user to enable it',
      );
    if (!sent) throw new DomainError(ErrorCode.Unauthorized, 'Authentication required', 'Send Authorization: Bearer <admin token>');
    // A token that is neither the admin token nor a valid access token is a failed authentication: 401.
    throw new DomainError(
      ErrorCode.Unauthorized,
      'Invalid admin token',
      'Send the admin token or the access token of an active staff user',
    );
  }
}
