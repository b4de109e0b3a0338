/**
 * The `canonical_json` of the generate endpoints: an object or its JSON string, at most 100 KB, with at
 * least a title or description and some rules. The text description for Gemini comes from it.
 */
import { DomainError, ErrorCode } from '../../common/domain-error';
import { asText } from '../../common/text';
import { describeCanonical } from '../ai/canonical-strategy';

export const MAX_CANONICAL_BYTES = 100 * 1024;

export type Canonical = Record<string, unknown>;

export function parseCanonicalInput(raw: unknown): Canonical {
  let value = raw;
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw) > MAX_CANONICAL_BYTES) throw bad(`canonical_json is larger than ${MAX_CANONICAL_BYTES} bytes`);
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw bad(`canonical_json is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw bad('canonical_json must be a JSON object (or its JSON string)');
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_CANONICAL_BYTES)
    throw bad(`canonical_json is larger than ${MAX_CANONICAL_BYTES} bytes`);
  const c = value as Canonical;
  const problems: Record<string, string[]> = {};
  const text = (k: string) => typeof c[k] === 'string' && c[k].trim() !== '';
  if (!text('title') && !text('description')) problems['canonical_json.title'] = ['a title or a description is required'];
  for (const k of ['entry_rules', 'exit_rules', 'indicators']) {
    if (c[k] !== undefined && !Array.isArray(c[k])) problems[`canonical_json.${k}`] = [`${k} must be an array`];
  }
  if (!Array.isArray(c.entry_rules) || c.entry_rules.length === 0)
    problems['canonical_json.entry_rules'] ??= ['at least one entry rule is required'];
  if (Object.keys(problems).length > 0)
    throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(problems).join(', ')}`, problems);
  return c;
}

function bad(message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: canonical_json`, { canonical_json: [message] });
}

/** The plain-text description Gemini gets for a canonical strategy (the Django generate_executable_code step 1). */
export function canonicalDescription(c: Canonical, name: string): string {
  const meta = (c.metadata ?? {}) as Record<string, unknown>;
  return [
    describeCanonical({ title: name, ...c }),
    '',
    'IMPORTANT INSTRUCTIONS:',
    '- The bot must work for any symbol; it only sees bars through onBar and ctx.',
    `- Timeframe: ${asText(meta.timeframe ?? '1d')} bars.`,
    '- Put tunable numbers (periods, thresholds, stop distances) in params.',
  ].join('\n');
}
