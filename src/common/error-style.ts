import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

/**
 * How an endpoint's errors look. `django`: the views' hand-built `{error, details}`. `drf`: what DRF's
 * generic viewsets answered — field errors as `{field: [messages]}` at the top level, `{detail}` for a
 * missing object or a refused permission.
 */
export type ErrorStyle = 'django' | 'drf';

const ERROR_STYLE = 'http:errorStyle';
const ON_REQUEST = Symbol('errorStyle');

/** Marks a controller or handler as one of DRF's generic viewset actions (create, update, retrieve…). */
export const DrfErrors = (): MethodDecorator & ClassDecorator => SetMetadata(ERROR_STYLE, 'drf' satisfies ErrorStyle);
/** Overrides a class-level `@DrfErrors()` for a hand-built view action. */
export const DjangoErrors = (): MethodDecorator & ClassDecorator => SetMetadata(ERROR_STYLE, 'django' satisfies ErrorStyle);

/**
 * A global guard that runs before every other guard and only notes the endpoint's error style on the
 * request, so the one exception filter (which sees no handler) can shape the body.
 */
@Injectable()
export class ErrorStyleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const style = this.reflector.getAllAndOverride<ErrorStyle | undefined>(ERROR_STYLE, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<Request & { [ON_REQUEST]?: ErrorStyle }>();
    if (style) req[ON_REQUEST] = style;
    return true;
  }
}

export function errorStyleOf(req: Request): ErrorStyle {
  return (req as Request & { [ON_REQUEST]?: ErrorStyle })[ON_REQUEST] ?? 'django';
}
