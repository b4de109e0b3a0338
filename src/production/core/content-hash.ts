import { createHash } from 'node:crypto';

/** sha256 hex of a bot's source, byte for byte: "the exact code" a test ran. */
export function codeHash(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level, so equal documents hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 hex of what a strategy version freezes: its code and its parameters. */
export function contentHash(code: string, parameters: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson({ code, parameters }), 'utf8').digest('hex');
}
