import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '../common/domain-error';

/** Who is calling, as the guards put it on the request. */
export interface AuthUser {
  /** `null` for the anonymous user (ALLOW_ANONYMOUS=true and no token). */
  id: number | null;
  username: string;
  isStaff: boolean;
  /** The access token the call came with (absent for the anonymous user), so logout can revoke it. */
  token?: { jti: string; expiresAt: Date };
}

export const ANONYMOUS_USER: AuthUser = Object.freeze({ id: null, username: 'anonymous', isStaff: false });

export interface RequestWithUser extends Request {
  user?: AuthUser;
}

/**
 * The `AuthUser` of the request: always set behind `@Authenticated()` (the anonymous user when
 * ALLOW_ANONYMOUS=true and no token came).
 */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest<RequestWithUser>().user,
);

/** `user:<id>` for a signed-in user (key stickiness, per-user state); `null` for nobody or anonymous. */
export function userKey(user: AuthUser | undefined): string | null {
  return user?.id != null ? `user:${user.id}` : null;
}

/** First line of every service method that acts on the caller's own account. */
export function requireUserId(user: AuthUser | undefined): number {
  if (user?.id == null) throw new DomainError(ErrorCode.Unauthorized, 'Authentication required', 'This endpoint needs a signed-in user');
  return user.id;
}
