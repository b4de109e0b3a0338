import { errorSignature, fixExcerpt, LearnedFix, mostRelevantFix, similarity } from './error-learning';

describe('error learning', () => {
  it('signatures drop numbers, quoted values and line positions', () => {
    expect(errorSignature("TypeError: Cannot read properties of undefined (reading 'close') (bot.js line 12)")).toBe(
      "typeerror: cannot read properties of undefined (reading '…')",
    );
    expect(errorSignature('BacktestInputError: bar 17: buy() qty must be a finite positive number, got NaN')).toBe(
      'backtestinputerror: bar #: buy() qty must be a finite positive number, got nan',
    );
  });

  it('similarity is 1 for the same words and 0 for nothing shared', () => {
    expect(similarity('a bb cc', 'cc bb a')).toBe(1);
    expect(similarity('xx yy', 'zz ww')).toBe(0);
  });

  const fix = (errorType: string, message: string, timesSeen = 1): LearnedFix => ({
    errorType,
    signature: errorSignature(message),
    errorMessage: message,
    fixExcerpt: `fix for ${message}`,
    timesSeen,
  });

  it('picks the closest fix of the same type, not of another type', () => {
    const pool = [
      fix('reference', 'ReferenceError: smaFast is not defined'),
      fix('type', "TypeError: Cannot read properties of null (reading 'macd')"),
      fix('type', 'TypeError: ctx.indicators.foo is not a function'),
    ];
    expect(mostRelevantFix(pool, 'type', "TypeError: Cannot read properties of null (reading 'signal') (bot.js line 4)")).toBe(pool[1]);
    expect(mostRelevantFix(pool, 'syntax', 'SyntaxError: Unexpected token')).toBeNull();
  });

  it('returns null when nothing is similar enough', () => {
    expect(
      mostRelevantFix([fix('type', 'TypeError: x is not iterable')], 'type', 'TypeError: Cannot convert a Symbol value to a string'),
    ).toBeNull();
  });

  it('prefers the fix seen more often among equally similar ones', () => {
    const pool = [fix('type', 'TypeError: a is not a function', 1), fix('type', 'TypeError: b is not a function', 5)];
    expect(mostRelevantFix(pool, 'type', 'TypeError: c is not a function')).toBe(pool[1]);
  });

  it('fix excerpts show the lines that changed', () => {
    const before = 'const a = 1;\nif (fast > slow) ctx.buy();\n';
    const after = 'const a = 1;\nif (fast !== null && fast > slow) ctx.buy();\n';
    expect(fixExcerpt(before, after)).toBe('- if (fast > slow) ctx.buy();\n+ if (fast !== null && fast > slow) ctx.buy();');
  });
});
