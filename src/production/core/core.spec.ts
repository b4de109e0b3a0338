import { backtestConfigSchema, configWarnings } from './backtest-config';
import { normaliseCode, reviewCode } from './code-review';
import { canonicalJson, codeHash, contentHash } from './content-hash';
import { validateWith } from './schema-errors';
import { SCHEMA_VERSION, strategyDefinitionSchema, withMetadata } from './strategy-definition';

describe('StrategyDefinition schema', () => {
  it('fills in every default of a minimal definition', () => {
    const r = validateWith(strategyDefinitionSchema, { name: 'RSI_Reversal', description: 'RSI reversal' });
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'RSI_Reversal',
        description: 'RSI reversal',
        version: '1.0.0',
        framework: 'backtesting.py',
        symbol: 'AAPL',
        period: '1y',
        interval: '1d',
        parameters: {},
        entry_rules: [],
        exit_rules: [],
        position_sizing: {},
        risk_limits: {},
        indicators: {},
        tags: [],
      },
    });
  });

  it('reports each bad field by its path', () => {
    const r = validateWith(strategyDefinitionSchema, {
      name: 'bad name!',
      framework: 'zipline',
      entry_rules: ['ok', 3],
      indicators: { rsi: 14 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.byField).sort()).toEqual(['description', 'entry_rules.1', 'framework', 'indicators.rsi', 'name']);
    expect(r.byField.name).toEqual(['name must be letters, digits and underscores only']);
  });

  it('refuses a name over 100 characters and an empty description', () => {
    const r = validateWith(strategyDefinitionSchema, { name: 'x'.repeat(101), description: '   ' });
    expect(r.ok || r.byField).toEqual({ name: ['name must be at most 100 characters'], description: ['description must not be empty'] });
  });

  it('treats a non-object body as one issue on body', () => {
    expect(validateWith(strategyDefinitionSchema, [1, 2])).toEqual({
      ok: false,
      issues: [{ field: 'body', message: 'expected a JSON object', code: 'invalid_type' }],
      byField: { body: ['expected a JSON object'] },
    });
  });

  it('stamps the schema version and timestamps it was not given', () => {
    const now = new Date('2026-12-01T09:00:00.000Z');
    const r = validateWith(strategyDefinitionSchema, { name: 'A', description: 'b', created_at: '2026-01-01T00:00:00Z' });
    if (!r.ok) throw new Error('expected valid');
    expect(withMetadata(r.value, now)).toMatchObject({
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-12-01T09:00:00.000Z',
      schema_version: SCHEMA_VERSION,
    });
  });
});

describe('backtest config schema', () => {
  it('defaults everything and warns about nothing', () => {
    const r = validateWith(backtestConfigSchema, {});
    expect(r).toEqual({ ok: true, value: { initial_capital: 10000, commission: 0.001, slippage: 0, position_size: 1, max_positions: 1 } });
    if (r.ok) expect(configWarnings(r.value)).toEqual([]);
  });

  it('names every field out of range', () => {
    const r = validateWith(backtestConfigSchema, {
      initial_capital: 0,
      commission: -1,
      slippage: 0.5,
      position_size: 2,
      max_positions: 1.5,
    });
    expect(r.ok || Object.keys(r.byField).sort()).toEqual(['commission', 'initial_capital', 'max_positions', 'position_size', 'slippage']);
  });

  it('refuses strings where numbers belong', () => {
    const r = validateWith(backtestConfigSchema, { initial_capital: '10000' });
    expect(r.ok || r.byField.initial_capital).toEqual(['Invalid input: expected number, received string']);
  });

  it('warns about high costs, over-allocation and tiny capital', () => {
    const r = validateWith(backtestConfigSchema, {
      initial_capital: 500,
      commission: 0.02,
      slippage: 0.05,
      position_size: 0.5,
      max_positions: 3,
    });
    if (!r.ok) throw new Error('expected valid');
    expect(configWarnings(r.value)).toEqual([
      'commission 0.02 is above 1% per trade',
      'slippage 0.05 is above 1% per trade',
      'position_size × max_positions = 1.5: open positions can exceed the capital',
      'initial_capital 500 is small: fees and rounding dominate the results',
    ]);
  });
});

describe('code review (validate-code)', () => {
  it('passes a bot and normalises its text', () => {
    const r = reviewCode('module.exports = { onBar() {} };   \r\n\r\n\r\n');
    expect(r).toEqual({ safe: true, formattedCode: 'module.exports = { onBar() {} };\n', checksPassed: expect.any(Array) });
    if (r.safe) expect(r.checksPassed).toHaveLength(5);
  });

  it('lists each sandbox violation as its own issue with its line', () => {
    const r = reviewCode("const fs = require('fs');\nprocess.exit(1);\nmodule.exports = { onBar() {} };");
    expect(r.safe).toBe(false);
    if (r.safe) return;
    expect(r.errorType).toBe('sandbox_violation');
    expect(r.issues).toHaveLength(2);
    expect(r.issues[0]).toMatch(/^line 1: .*require/);
    expect(r.issues[1]).toMatch(/^line 2: .*process/);
  });

  it('reports a syntax error with its line', () => {
    const r = reviewCode('module.exports = { onBar( {} };');
    expect(r).toMatchObject({ safe: false, errorType: 'syntax', line: 1 });
  });

  it('reports a module without onBar as a contract problem', () => {
    expect(reviewCode('module.exports = { name: "x" };')).toMatchObject({ safe: false, errorType: 'contract' });
  });

  it('keeps a single final newline', () => {
    expect(normaliseCode('a\n')).toBe('a\n');
    expect(normaliseCode('a')).toBe('a\n');
  });
});

describe('content hashes', () => {
  it('hashes code byte for byte', () => {
    expect(codeHash('a')).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(codeHash('a ')).not.toBe(codeHash('a'));
  });

  it('ignores key order of parameters but not their values', () => {
    expect(contentHash('x', { a: 1, b: { c: 2, d: 3 } })).toBe(contentHash('x', { b: { d: 3, c: 2 }, a: 1 }));
    expect(contentHash('x', { a: 1 })).not.toBe(contentHash('x', { a: 2 }));
    expect(canonicalJson({ b: [1, { z: 1, y: 2 }], a: null })).toBe('{"a":null,"b":[1,{"y":2,"z":1}]}');
  });
});
