/**
 * Ids in paths and query strings. Ids are PostgreSQL `integer`s, so anything that is not 1..2^31-1 is a 400
 * naming the field (never a 500 from the database). `@PathId` reads the raw text: a pipe on `@Param` would
 * see what the global ValidationPipe made of it ("1e3" → 1000).
 */
import { createParamDecorator, ExecutionContext, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error';

export const MAX_ID = 2_147_483_647;

export function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });
}

/** A positive integer id from a path or query string, or a 400 naming `field`. */
export function positiveId(raw: string | undefined, field: string): number {
  if (raw === undefined || !/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > MAX_ID)
    throw invalid(field, `${field} must be a positive integer`);
  return Number(raw);
}

/** `@PathId('id')`: the path parameter as a positive integer, or a 400 naming it. */
export const PathId = createParamDecorator((name: string, ctx: ExecutionContext): number =>
  positiveId(ctx.switchToHttp().getRequest<{ params: Record<string, string | undefined> }>().params[name], name),
);

/**
 * A pipe for `@Param` ids of routes that answer a non-integer id with their own error (Django's router gives
 * 404 there): also anything beyond PostgreSQL's `integer` range, so the database never sees it.
 */
export class IntegerIdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly onInvalid: () => DomainError) {}

  /** `raw` is the text, or the number the global ValidationPipe already made of it. */
  transform(raw: unknown): number {
    const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : '';
    if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_ID) throw this.onInvalid();
    return Number(text);
  }
}
