import type { z } from 'zod';

/** One problem of a validated document, by its dotted path (`risk_limits.max_loss`, `entry_rules.0`). */
export interface FieldIssue {
  field: string;
  message: string;
  code: string;
}

export type SchemaResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[]; byField: Record<string, string[]> };

/** Runs `schema` over untrusted input; never throws. A non-object body is one issue on `body`. */
export function validateWith<T>(schema: z.ZodType<T>, input: unknown): SchemaResult<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const issue = { field: 'body', message: 'expected a JSON object', code: 'invalid_type' };
    return { ok: false, issues: [issue], byField: { body: [issue.message] } };
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : 'body',
    message: i.message,
    code: i.code,
  }));
  const byField: Record<string, string[]> = {};
  for (const i of issues) (byField[i.field] ??= []).push(i.message);
  return { ok: false, issues, byField };
}
