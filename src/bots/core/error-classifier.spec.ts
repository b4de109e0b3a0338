import {
  BOT_ERROR_RULES,
  BotErrorType,
  TAIL_MAX_BYTES,
  analyzeBotError,
  classifyBotError,
  errorHint,
  errorSeverity,
  tailLines,
} from './error-classifier';
import { CONTRACT_MESSAGES, staticCheck } from './static-check';

describe(classifyBotError.name, () => {
  const cases: Array<[string, BotErrorType]> = [
    // real V8 / Node messages
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'memory'],
    ['ReferenceError: x is not defined', 'reference'],
    ["TypeError: Cannot read properties of undefined (reading 'close')", 'type'],
    ['EvalError: Code generation from strings disallowed for this context', 'sandbox_violation'],
    ['Error [ERR_ACCESS_DENIED]: Access to this API has been restricted', 'sandbox_violation'],
    ["SyntaxError: Unexpected token '}'", 'syntax'],
    ['SyntaxError: Unexpected end of input', 'syntax'],
    ['SyntaxError: missing ) after argument list', 'syntax'],
    ['TypeError: ctx.indicators.foo is not a function', 'type'],
    ['RangeError: Maximum call stack size exceeded', 'range'],
    ['RangeError: Invalid array length', 'range'],
    ['Error [ERR_WORKER_OUT_OF_MEMORY]: Worker terminated due to reaching memory limit', 'memory'],
    ['Error: connect ETIMEDOUT 10.0.0.1:443', 'timeout'],
    ['BacktestInputError: close must be a finite number at bar 17', 'data'],
    ['Error: price is NaN', 'data'],
    ['Error: boom', 'unknown'],
    ['', 'unknown'],
  ];
  it.each(cases)('classifies %j as %s', (text, type) => {
    expect(classifyBotError(text)).toBe(type);
  });

  describe('order decisions', () => {
    it('treats "X is not defined" for a forbidden global as a sandbox violation, not a reference error', () => {
      expect(classifyBotError('ReferenceError: require is not defined')).toBe('sandbox_violation');
      expect(classifyBotError('ReferenceError: process is not defined')).toBe('sandbox_violation');
      expect(classifyBotError('ReferenceError: setTimeout is not defined')).toBe('sandbox_violation');
      expect(classifyBotError('ReferenceError: requireX is not defined')).toBe('reference');
    });

    it('does not read "setTimeout" as a timeout', () => {
      expect(classifyBotError('TypeError: setTimeout is not a function')).toBe('type');
    });

    it('classifies a dynamic import refusal (a TypeError) as a sandbox violation', () => {
      expect(classifyBotError('TypeError [ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING]: A dynamic import callback was not specified.')).toBe(
        'sandbox_violation',
      );
      expect(classifyBotError('SyntaxError: Cannot use import statement outside a module')).toBe('sandbox_violation');
    });

    it('lets the runner verdicts win over errors that also appear in the output', () => {
      expect(classifyBotError('RangeError: Array buffer allocation failed')).toBe('memory');
      expect(classifyBotError('TypeError: x is undefined\nthe bot did not finish within 30 s and was stopped (timed out)')).toBe('timeout');
      expect(classifyBotError('output limit exceeded: the bot printed more than 1048576 bytes')).toBe('output_limit');
      expect(classifyBotError('the bot ran out of memory (heap limit 256 MB)')).toBe('memory');
    });

    it('classifies a missing or non-callable onBar as contract, before the TypeError rule', () => {
      expect(classifyBotError('module.exports must define onBar(bar, ctx)')).toBe('contract');
      expect(classifyBotError('TypeError: bot.onBar is not a function')).toBe('contract');
      expect(classifyBotError('module.exports must be an object { name, params, init, onBar }')).toBe('contract');
    });

    it('does not call an error contract just because the stack mentions onBar', () => {
      const text = 'Error: boom\n    at Object.onBar (bot.js:3:9)\n    at run (host.js:10:3)';
      expect(classifyBotError(text)).toBe('unknown');
      const typeErr = "TypeError: Cannot read properties of undefined (reading 'x')\n    at Object.onBar (bot.js:3:9)";
      expect(classifyBotError(typeErr)).toBe('type');
    });

    it('prefers the error class over data context such as "bar 12"', () => {
      expect(classifyBotError('onBar failed at bar 12: ReferenceError: sma is not defined')).toBe('reference');
      expect(classifyBotError('onBar failed at bar 12: something odd')).toBe('data');
    });
  });

  it('classifies every static-check message in agreement with staticCheck', () => {
    expect(classifyBotError(msg('require("fs"); module.exports = { onBar() {} };'))).toBe('sandbox_violation');
    expect(classifyBotError(msg('module.exports = { onBar() { return this.constructor; } };'))).toBe('sandbox_violation');
    expect(classifyBotError(msg('const process = 1; module.exports = { onBar() {} };'))).toBe('sandbox_violation');
    expect(classifyBotError(msg('module.exports = {'))).toBe('syntax');
    expect(classifyBotError(msg('module.exports = { name: "x" };'))).toBe('contract');
    expect(classifyBotError(msg('x'.repeat(300 * 1024)))).toBe('contract');
    for (const m of Object.values(CONTRACT_MESSAGES)) expect(classifyBotError(m)).toBe('contract');
  });

  it('is case-insensitive', () => {
    expect(classifyBotError('syntaxerror: unexpected token')).toBe('syntax');
  });
});

function msg(code: string): string {
  const r = staticCheck(code);
  if (r.ok) throw new Error(`expected a static-check failure for ${code}`);
  return r.message;
}

describe(analyzeBotError.name, () => {
  it('returns type, severity and hint of the matching rule', () => {
    expect(analyzeBotError('SyntaxError: Unexpected token')).toEqual({
      type: 'syntax',
      severity: 'high',
      hint: errorHint('syntax'),
    });
    expect(analyzeBotError('Error: boom')).toMatchObject({ type: 'unknown', severity: 'low' });
  });
});

describe(errorHint.name, () => {
  const all: BotErrorType[] = [
    'syntax',
    'reference',
    'type',
    'range',
    'timeout',
    'memory',
    'sandbox_violation',
    'output_limit',
    'contract',
    'data',
    'unknown',
  ];
  it.each(all)('has a one-line hint for %s', (type) => {
    const hint = errorHint(type);
    expect(hint.length).toBeGreaterThan(10);
    expect(hint).not.toContain('\n');
    expect(['high', 'medium', 'low']).toContain(errorSeverity(type));
  });

  it('has exactly one rule per classified type', () => {
    const types = BOT_ERROR_RULES.map((r) => r.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types.length).toBe(all.length - 1);
  });
});

describe(tailLines.name, () => {
  it('keeps the last 20 non-empty lines by default', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n\n');
    const tail = tailLines(text).split('\n');
    expect(tail).toHaveLength(20);
    expect(tail[0]).toBe('line 11');
    expect(tail[19]).toBe('line 30');
  });

  it('drops blank lines, handles CRLF and honours n', () => {
    expect(tailLines('a\r\n\r\n  \r\nb\r\nc\r\n', 2)).toBe('b\nc');
    expect(tailLines('a\nb', 0)).toBe('');
    expect(tailLines('')).toBe('');
  });

  it('caps each line at 500 characters', () => {
    const tail = tailLines(`${'x'.repeat(2000)}\nshort`);
    const [first, second] = tail.split('\n');
    expect(first).toHaveLength(500);
    expect(first.endsWith('…')).toBe(true);
    expect(second).toBe('short');
  });

  it('does not split a surrogate pair when cutting a line', () => {
    const line = `${'x'.repeat(498)}😀${'y'.repeat(10)}`;
    const cut = tailLines(line);
    expect(cut).toBe(`${'x'.repeat(498)}…`);
  });

  it('caps the total at 8 KB by dropping the oldest lines', () => {
    const text = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'é'.repeat(400)}`).join('\n');
    const tail = tailLines(text);
    expect(Buffer.byteLength(tail, 'utf8')).toBeLessThanOrEqual(TAIL_MAX_BYTES);
    const lines = tail.split('\n');
    expect(lines[lines.length - 1].startsWith('19')).toBe(true);
    expect(lines.length).toBeLessThan(20);
  });
});
