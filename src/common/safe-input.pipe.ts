import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error';

/** Deeper than any request body of this API needs; far below what would overflow a recursive walk. */
export const MAX_INPUT_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });
}

/** What is wrong with `value` (path and message), walking it without recursion; `null` when nothing is. */
export function unsafeInput(value: unknown, root: string, whole = 'body'): { field: string; message: string } | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    const label = path || whole;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { field: label, message: `${label} must not contain NUL (\\u0000) characters` };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { field: label, message: `${label} is nested more than ${MAX_INPUT_DEPTH} levels deep` };
    for (const key of Object.keys(v)) {
      const child = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { field: child, message: `${child} is not an allowed field name` };
      if (key.includes('\u0000')) return { field: label, message: 'field names must not contain NUL (\\u0000) characters' };
      stack.push({ value: (v as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Runs before validation on every body, query and path parameter: refuses NUL characters (PostgreSQL cannot
 * store them), nesting deeper than `MAX_INPUT_DEPTH` (class-transformer would overflow its stack) and
 * prototype-polluting keys, with a 400 naming the field.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const problem = unsafeInput(value, metadata.data ?? '', metadata.type);
    if (problem) throw invalid(problem.field, problem.message);
    return value;
  }
}
