import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthFailure } from '../common/auth-failure';
import { ErrorBodyDto } from '../common/error-body.dto';
import { AppConfig } from '../config/app-config';
import { bearerToken } from '../common/bearer-token';
import { Authenticator } from './authenticator';
import { ANONYMOUS_USER, RequestWithUser } from './current-user.decorator';

const ALLOW_ANONYMOUS = 'auth:allowAnonymous';

/**
 * Requires a valid access token. A missing token is let through as the anonymous user only when
 * ALLOW_ANONYMOUS=true and the endpoint does not opt out; an invalid token is always a 401.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(req.headers.authorization);
    if (token) {
      const result = await this.authenticator.authenticate(token);
      if (!result.ok) throw AuthFailure.invalidAccessToken(result.reason);
      req.user = result.user;
      return true;
    }
    const endpointAllows =
      this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_ANONYMOUS, [context.getHandler(), context.getClass()]) ?? true;
    if (this.config.auth.allowAnonymous && endpointAllows) {
      req.user = ANONYMOUS_USER;
      return true;
    }
    throw AuthFailure.notProvided();
  }
}

/**
 * `JwtAuthGuard` + its Swagger description. `{ allowAnonymous: false }`: a real user even when
 * ALLOW_ANONYMOUS=true (endpoints about the account itself).
 */
export function Authenticated(options: { allowAnonymous?: boolean } = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ALLOW_ANONYMOUS, options.allowAnonymous ?? true),
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing, invalid, expired or revoked access token' }),
  );
}
