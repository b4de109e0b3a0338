import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestWithUser, userKey } from '../auth/current-user.decorator';
import { abortOnDisconnect } from './client-abort';
import { anonymousUserId } from './client-identity';
import type { CallOptions } from './gemini.types';

/**
 * Who a Gemini call made for an HTTP request is for, built once per request: the key-rotation identity
 * (`user:<id>`, or `anonymous:<hash of the address>` in demo mode) and a signal that fires when the client
 * goes away, so the call is cut (and what it reserved refunded) instead of running for nobody.
 */
export interface AiCaller {
  key: string;
  signal?: AbortSignal;
}

export function aiCallerOf(req: Request, res: Response): AiCaller {
  return { key: userKey((req as RequestWithUser).user) ?? anonymousUserId(req), signal: abortOnDisconnect(req, res) };
}

/** The request's `AiCaller` (use behind `@Authenticated()`). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): AiCaller => {
  const http = ctx.switchToHttp();
  return aiCallerOf(http.getRequest<Request>(), http.getResponse<Response>());
});

/** The `GeminiClientService` options of a call for `caller`. */
export function callOptions(caller: AiCaller, extra: Omit<CallOptions, 'userId' | 'signal'> = {}): CallOptions {
  return { ...extra, userId: caller.key, ...(caller.signal ? { signal: caller.signal } : {}) };
}
