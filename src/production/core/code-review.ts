/**
 * `strategies/validate-code/`: the project's static checks on bot code (src/bots/core/static-check), in the
 * answer shape of the Django view. `formatted_code` is the code with line endings, trailing whitespace and
 * the final newline normalised (no code formatter ships with the service).
 */
import { MAX_BOT_CODE_BYTES, staticCheck } from '../../bots/core/static-check';

export const CHECKS_PASSED = [
  'Size within limit',
  'Syntax valid',
  'No sandbox violations',
  'Module contract (onBar) satisfied',
  'AST analysis passed',
];

export type CodeReview =
  { safe: true; formattedCode: string; checksPassed: string[] } | { safe: false; errorType: string; issues: string[]; line: number | null };

export function normaliseCode(code: string): string {
  const lines = code
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

export function reviewCode(code: string): CodeReview {
  const check = staticCheck(code);
  if (check.ok) return { safe: true, formattedCode: normaliseCode(code), checksPassed: [...CHECKS_PASSED] };
  // The messages already start with "line N" where the checker knows it; violations come one per line.
  return { safe: false, errorType: check.errorType, issues: check.message.split('\n'), line: check.line ?? null };
}

export { MAX_BOT_CODE_BYTES };
