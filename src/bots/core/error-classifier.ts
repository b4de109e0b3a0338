/**
 * Classify why a bot failed, from its failure text (error message, runner verdict, stderr tail), so the fix
 * loop can put a one-line hint into the fix prompt. JavaScript/sandbox port of the Python ErrorAnalyzer
 * (the Django backend's bot error fixer, step 4): an ordered table, case-insensitive, first match wins.
 *
 * ORDER (and why it differs from a naive "by error class" order):
 *  1. memory, timeout, output_limit — verdicts of the runner about the whole process. When one is present it
 *     is the real cause, whatever else the output contains ("RangeError: Array buffer allocation failed" is
 *     memory, not range).
 *  2. sandbox_violation — before syntax/reference/type, because several sandbox refusals surface as ordinary
 *     JS errors:
 *       - "ReferenceError: require is not defined" → sandbox_violation, NOT reference: the bot reached for a
 *         Node/host global the sandbox deliberately lacks, and the fix is "don't use it", not "declare it".
 *         Only the forbidden globals count; "ReferenceError: x is not defined" stays reference.
 *       - "TypeError [ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING]" (import()) and
 *         "SyntaxError: Cannot use import statement outside a module" → sandbox_violation.
 *  3. syntax.
 *  4. contract — before reference/type since "TypeError: bot.onBar is not a function" is a contract problem.
 *     The rule matches contract MESSAGES only, not a bare "onBar": every error thrown inside onBar has
 *     "at Object.onBar (bot.js:…)" in its stack, and a plain `throw new Error('boom')` there is unknown.
 *  5. reference, type, range — the remaining runtime errors.
 *  6. data — bad market data (BacktestInputError, NaN prices); last, since "bar 12" and "NaN" also appear as
 *     context in other errors.
 *  7. unknown.
 */

export type BotErrorType =
  'syntax' | 'reference' | 'type' | 'range' | 'timeout' | 'memory' | 'sandbox_violation' | 'output_limit' | 'contract' | 'data' | 'unknown';

export type BotErrorSeverity = 'high' | 'medium' | 'low';

export interface BotErrorRule {
  type: Exclude<BotErrorType, 'unknown'>;
  pattern: RegExp;
  severity: BotErrorSeverity;
  /** One line for the fix prompt. */
  hint: string;
}

export interface BotErrorAnalysis {
  type: BotErrorType;
  severity: BotErrorSeverity;
  hint: string;
}

/** Globals the sandbox lacks on purpose; "X is not defined" for one of these is a sandbox violation. */
const FORBIDDEN_GLOBALS = [
  'require',
  'process',
  'eval',
  'globalThis',
  'global',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'fetch',
  'WebAssembly',
  'Atomics',
  'SharedArrayBuffer',
  'ArrayBuffer',
  'DataView',
  'Uint8Array',
  'Int8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Buffer',
  '__dirname',
  '__filename',
];

/** Case-insensitive alternation of the given regex sources. */
const anyOf = (...sources: string[]): RegExp => new RegExp(sources.map((s) => `(?:${s})`).join('|'), 'i');

/** The classification table, first match wins. Order matters — see the header comment. */
export const BOT_ERROR_RULES: readonly BotErrorRule[] = [
  {
    type: 'memory',
    pattern: anyOf('heap out of memory', 'JavaScript heap', 'Allocation failed', 'ERR_WORKER_OUT_OF_MEMORY', 'ran out of memory'),
    severity: 'high',
    hint: 'The bot ran out of memory: do not keep every bar or grow arrays without bound; keep only the window the indicators need.',
  },
  {
    type: 'timeout',
    pattern: anyOf('\\btimed out\\b', '\\btimeout\\b', 'TimeoutError', 'ETIMEDOUT', 'did not finish within'),
    severity: 'medium',
    hint: 'The bot took too long: remove unbounded or nested loops over history; onBar must do constant work per bar.',
  },
  {
    type: 'output_limit',
    pattern: anyOf('output limit', 'output cap', 'maxBuffer length exceeded'),
    severity: 'medium',
    hint: 'The bot printed too much: remove per-bar console.log calls; log only occasional summaries.',
  },
  {
    type: 'sandbox_violation',
    pattern: anyOf(
      `\\b(?:${FORBIDDEN_GLOBALS.join('|')}) is not defined`,
      'ERR_ACCESS_DENIED',
      'in the bot sandbox',
      '\\bpermission\\b',
      'Code generation from strings disallowed',
      'ERR_VM_DYNAMIC_IMPORT',
      'Cannot use import statement',
      'import\\.meta',
    ),
    severity: 'high',
    hint: 'The bot used something the sandbox forbids (require, import, process, network, timers, eval/Function, .constructor): use only ctx and ctx.indicators.',
  },
  {
    type: 'syntax',
    pattern: anyOf(
      'SyntaxError',
      'Unexpected token',
      'Unexpected end of input',
      'Unexpected identifier',
      'Invalid or unexpected token',
      'missing \\) after argument list',
    ),
    severity: 'high',
    hint: 'The code does not parse: return one complete CommonJS script with balanced brackets and no markdown or prose.',
  },
  {
    type: 'contract',
    pattern: anyOf(
      'module\\.exports(?:\\.\\w+)? (?:must|is never|is not)',
      'must define onBar',
      '\\b(?:onBar|init) is not a function',
      'ContractError',
      'bot contract',
      'bot code is too large',
      '`export` is not supported',
      'assigning to `exports` has no effect',
    ),
    severity: 'high',
    hint: 'Export exactly module.exports = { name: "...", params: { ... }, init(ctx) { ... }, onBar(bar, ctx) { ... } } with onBar a function.',
  },
  {
    type: 'reference',
    pattern: anyOf('ReferenceError', 'is not defined'),
    severity: 'medium',
    hint: 'A name is used before it is declared or is misspelled: declare every variable and helper, and keep state on ctx or in module scope.',
  },
  {
    type: 'type',
    pattern: anyOf('TypeError', 'is not a function', 'Cannot read propert', 'Cannot set propert'),
    severity: 'medium',
    hint: 'A value was undefined or of the wrong type: guard indicator results (they are undefined until enough bars) before using them.',
  },
  {
    type: 'range',
    pattern: anyOf('RangeError', 'Invalid array length', 'Maximum call stack'),
    severity: 'medium',
    hint: 'A value was out of range or recursion ran away: check array sizes, indicator periods and recursive calls.',
  },
  {
    type: 'data',
    pattern: anyOf('BacktestInputError', '\\bNaN\\b', 'not a finite', 'invalid price', '\\bbar \\d+'),
    severity: 'low',
    hint: 'The market data or a computed number was invalid: skip bars with missing or non-finite prices and guard divisions by zero.',
  },
];

const UNKNOWN: BotErrorAnalysis = {
  type: 'unknown',
  severity: 'low',
  hint: 'Read the error and the code carefully and fix the cause; keep the module.exports contract unchanged.',
};

/** The first matching rule for the failure text, or 'unknown'. */
export function analyzeBotError(text: string): BotErrorAnalysis {
  const rule = BOT_ERROR_RULES.find((r) => r.pattern.test(text));
  return rule ? { type: rule.type, severity: rule.severity, hint: rule.hint } : UNKNOWN;
}

export function classifyBotError(text: string): BotErrorType {
  return analyzeBotError(text).type;
}

export function errorHint(type: BotErrorType): string {
  return BOT_ERROR_RULES.find((r) => r.type === type)?.hint ?? UNKNOWN.hint;
}

export function errorSeverity(type: BotErrorType): BotErrorSeverity {
  return BOT_ERROR_RULES.find((r) => r.type === type)?.severity ?? UNKNOWN.severity;
}

export const TAIL_LINE_MAX_CHARS = 500;
export const TAIL_MAX_BYTES = 8 * 1024;

/**
 * The last `n` non-empty lines of `text` (the original kept the last 20 lines of stdout+stderr), each line
 * capped at 500 characters (cut lines end with "…"), the whole capped at 8 KB of UTF-8 by dropping the
 * oldest lines.
 */
export function tailLines(text: string, n = 20): string {
  if (n <= 0) return '';
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map(capLine);

  let bytes = lines.reduce((sum, l) => sum + Buffer.byteLength(l, 'utf8') + 1, -1);
  while (lines.length > 1 && bytes > TAIL_MAX_BYTES) {
    bytes -= Buffer.byteLength(lines.shift()!, 'utf8') + 1;
  }
  return lines.join('\n');
}

function capLine(line: string): string {
  if (line.length <= TAIL_LINE_MAX_CHARS) return line;
  let cut = TAIL_LINE_MAX_CHARS - 1;
  // Do not split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(line[cut - 1])) cut--;
  return `${line.slice(0, cut)}…`;
}
