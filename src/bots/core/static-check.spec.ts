import { CONTRACT_MESSAGES, MAX_BOT_CODE_BYTES, SANDBOX_RULES, StaticCheckResult, staticCheck } from './static-check';

const ON_BAR = 'module.exports = { onBar(bar, ctx) {} };';

/** A valid bot with `body` inserted at the top (line 1). */
const bot = (body: string): string => `${body}\n${ON_BAR}`;

type Failure = Extract<StaticCheckResult, { ok: false }>;
function failure(code: string): Failure {
  const r = staticCheck(code);
  if (r.ok) throw new Error('expected the check to fail');
  return r;
}

describe(staticCheck.name, () => {
  describe('accepts', () => {
    it('a complete bot', () => {
      const code = [
        "'use strict';",
        'const fast = 12;',
        'module.exports = {',
        "  name: 'EMA cross',",
        '  params: { fast, slow: 26 },',
        '  init(ctx) { ctx.state = { last: null }; },',
        '  onBar(bar, ctx) {',
        '    const ema = ctx.indicators.ema(bar.close, ctx.params.fast);',
        '    if (ema === undefined) return;',
        '    if (bar.close > ema) ctx.buy(1); else ctx.close();',
        '  },',
        '};',
      ].join('\n');
      expect(staticCheck(code)).toEqual({ ok: true });
    });

    it('modern syntax (classes, optional chaining, ??=, private fields, static blocks)', () => {
      const code = bot(
        'class S { #n = 0; static { S.x = 1; } constructor() { this.#n ??= 1; } get n() { return this.#n; } }\n' +
          'const a = new S()?.n ?? 0; const { x = 1, ...rest } = { x: 2 };',
      );
      expect(staticCheck(code)).toEqual({ ok: true });
    });

    it('forbidden names inside strings, template text, comments and regexes', () => {
      const code = bot(
        [
          'const s = \'require("fs") process.exit() eval fetch\';',
          'const t = `globalThis setTimeout ${1 + 1} import("x")`;',
          '// require("child_process"); this.constructor.constructor("return process")()',
          '/* fetch(url); new Function("x") */',
          'const r = /process|require/;',
        ].join('\n'),
      );
      expect(staticCheck(code)).toEqual({ ok: true });
    });

    it('forbidden names as property keys and member names', () => {
      const code = bot(
        [
          'const o = { process: 1, require() {}, "fetch": 2, eval: 3, constructor: 4, __proto__: null };',
          'o.process = o.require; o.fetch; o.setTimeout; ctx => ctx.global;',
          'class K { process() {} static fetch = 1; constructor() {} }',
        ].join('\n'),
      );
      expect(staticCheck(code)).toEqual({ ok: true });
    });

    it('new.target (only import.meta is a refused meta property)', () => {
      expect(staticCheck(bot('function F() { return new.target; }'))).toEqual({ ok: true });
    });
  });

  describe('syntax', () => {
    it('reports a parse error with its line and 1-based column', () => {
      const r = failure('const a = 1;\nconst b = 2;\nconst c = ;\n' + ON_BAR);
      expect(r).toMatchObject({ errorType: 'syntax', line: 3, column: 11 });
      expect(r.message).toBe('line 3, column 11: SyntaxError: Unexpected token');
    });

    it('reports an unterminated block at the end of input', () => {
      const r = failure('module.exports = {\n  onBar(bar, ctx) {\n    ctx.buy(1);\n');
      expect(r.errorType).toBe('syntax');
      expect(r.line).toBe(4);
    });

    it('refuses TypeScript syntax', () => {
      expect(failure(bot('const a: number = 1;')).errorType).toBe('syntax');
    });

    it('refuses top-level await (scripts have none)', () => {
      expect(failure(bot('await 1;')).errorType).toBe('syntax');
    });
  });

  describe('sandbox rules', () => {
    it('names the forbidden identifier, its line and the way out', () => {
      const r = failure('const a = 1;\nconst b = 2;\nconst fs = require("fs");\n' + ON_BAR);
      expect(r).toMatchObject({ errorType: 'sandbox_violation', line: 3 });
      expect(r.message).toBe('line 3: `require` is not available in the bot sandbox; use ctx.indicators instead');
    });

    const identifierRules = SANDBOX_RULES.flatMap((r) => (r.kind === 'identifier' ? [r.name] : []));
    it.each(identifierRules)('refuses a reference to %s', (name) => {
      const r = failure(bot(`const x = ${name};`));
      expect(r.errorType).toBe('sandbox_violation');
      expect(r.message).toContain(`\`${name}\``);
    });

    it.each([
      ['a call', 'process.exit(1);'],
      ['shorthand property value', 'const o = { process };'],
      ['computed key', 'const o = { [fetch]: 1 };'],
      ['computed member', 'const v = ctx[require];'],
      ['default parameter', 'function f(a = globalThis) {}'],
      ['optional call', 'setTimeout?.(() => 1, 0);'],
      ['indirect eval', '(0, eval)("1");'],
      ['typeof probe', 'if (typeof require !== "undefined") {}'],
      ['assignment to the global', 'process = {};'],
    ])('refuses %s', (_what, code) => {
      expect(failure(bot(code)).errorType).toBe('sandbox_violation');
    });

    it('refuses new Function(...)', () => {
      const r = failure(bot('const f = new Function("return 1");'));
      expect(r.message).toContain('`Function` is not available in the bot sandbox; code generation from strings is disabled');
    });

    it('refuses the this.constructor.constructor vm escape', () => {
      const r = failure(bot("const p = this.constructor.constructor('return process')();"));
      expect(r.errorType).toBe('sandbox_violation');
      expect(r.line).toBe(1);
      expect(r.message).toContain('`.constructor` is not available in the bot sandbox');
    });

    it.each([
      ['computed string', "const F = f['constructor'];"],
      ['computed template', 'const F = f[`constructor`];'],
      ['optional chaining', 'const F = f?.constructor;'],
      ['destructuring', 'const { constructor: F } = () => 1;'],
      ['shorthand destructuring', 'const { constructor } = () => 1;'],
      ['__proto__ member', 'const P = ({}).__proto__;'],
      ['__proto__ computed', "const P = ({})['__proto__'];"],
    ])('refuses constructor / prototype reach via %s', (_what, code) => {
      expect(failure(bot(code)).errorType).toBe('sandbox_violation');
    });

    it("refuses import('node:net')", () => {
      const r = failure('module.exports = { async onBar() {\n  const net = await import("node:net");\n} };');
      expect(r).toMatchObject({ errorType: 'sandbox_violation', line: 2 });
      expect(r.message).toBe('line 2: `import()` is not available in the bot sandbox; use ctx.indicators instead');
    });

    it('refuses an import declaration with a sandbox message, not a syntax error', () => {
      const r = failure(bot('import fs from "fs";'));
      expect(r.errorType).toBe('sandbox_violation');
      expect(r.message).toContain('`import` is not available');
    });

    it('refuses import.meta', () => {
      expect(failure(bot('const u = import.meta.url;')).message).toContain('`import.meta`');
    });

    describe('declaring a forbidden name (decision: refused, "rename it")', () => {
      it.each([
        ['const', 'const process = 1;'],
        ['let', 'let fetch;'],
        ['function', 'function require(x) { return x; }'],
        ['parameter', 'function f(global) { return 1; }'],
        ['arrow parameter', 'const f = (eval) => 1;'],
        ['catch parameter', 'try {} catch (process) {}'],
        ['destructured binding', 'const { a: setTimeout } = {};'],
        ['class', 'class Atomics {}'],
      ])('refuses a %s named like a forbidden global', (_what, code) => {
        const r = failure(bot(code));
        expect(r.errorType).toBe('sandbox_violation');
        expect(r.message).toMatch(/cannot be used as a name in the bot sandbox; rename it/);
      });

      it('reports both the declaration and the later uses', () => {
        const r = failure('const process = 1;\nconst y = process + 1;\n' + ON_BAR);
        expect(r.line).toBe(1);
        expect(r.message.split('\n')).toEqual([
          'line 1: `process` cannot be used as a name in the bot sandbox; rename it',
          'line 2: `process` is not available in the bot sandbox; bots get settings from params and state from ctx',
        ]);
      });
    });

    it('lists violations in source order, once per name and line, at most 10', () => {
      const lines = Array.from({ length: 15 }, (_, i) => `const v${i} = require("m${i}"); require("n");`);
      const r = failure(bot(lines.join('\n')));
      const shown = r.message.split('\n');
      expect(shown).toHaveLength(11);
      expect(shown[0]).toMatch(/^line 1: `require`/);
      expect(shown[9]).toMatch(/^line 10: `require`/);
      expect(shown[10]).toBe('… and 5 more');
    });

    it('checks the sandbox before the contract', () => {
      expect(failure('fetch("http://x");').errorType).toBe('sandbox_violation');
    });
  });

  describe('contract', () => {
    it('requires module.exports to be assigned', () => {
      const r = failure('function onBar(bar, ctx) {}');
      expect(r.errorType).toBe('contract');
      expect(r.message).toContain('module.exports must define onBar(bar, ctx)');
      expect(r.line).toBeUndefined();
    });

    it('requires onBar in a visible object literal', () => {
      const r = failure("const x = 1;\nmodule.exports = { name: 'x', init(ctx) {} };");
      expect(r).toMatchObject({ errorType: 'contract', line: 2 });
      expect(r.message).toBe(`line 2: ${CONTRACT_MESSAGES.missingOnBar}`);
    });

    it.each([
      ['method', 'module.exports = { onBar(bar, ctx) {} };'],
      ['function expression', 'module.exports = { onBar: function (bar, ctx) {} };'],
      ['arrow', 'module.exports = { onBar: (bar, ctx) => {} };'],
      ['async method', 'module.exports = { async onBar() {} };'],
      ['string key', "module.exports = { 'onBar': (b, c) => {} };"],
      ['shorthand to a function declaration', 'function onBar(b, c) {}\nmodule.exports = { onBar };'],
      ['identifier to an object', 'const bot = { onBar() {} };\nmodule.exports = bot;'],
      ['exports.onBar', 'exports.onBar = function (bar, ctx) {};'],
      ['module.exports.onBar', 'module.exports.onBar = (bar, ctx) => {};'],
      ['Object.assign', 'Object.assign(module.exports, { onBar() {} });'],
      ['object plus a later member', "module.exports = { name: 'x' };\nmodule.exports.onBar = () => {};"],
      ['a factory call (not visible)', 'module.exports = makeBot();'],
      ['an unresolved identifier (not visible)', 'module.exports = bot;'],
      ['a spread (not visible)', 'const base = {};\nmodule.exports = { ...base };'],
      ['a computed key (not visible)', "const k = 'onBar';\nmodule.exports = { [k]: () => {} };"],
      ['a function with members attached', 'module.exports = function () {};\nmodule.exports.onBar = () => {};'],
      ['module["exports"]', "module['exports'] = { onBar() {} };"],
    ])('accepts onBar defined by %s', (_what, code) => {
      expect(staticCheck(code)).toEqual({ ok: true });
    });

    it('uses the last module.exports assignment', () => {
      expect(failure('module.exports = { onBar() {} };\nmodule.exports = { name: "x" };').line).toBe(2);
      expect(staticCheck('module.exports = { name: "x" };\nmodule.exports = { onBar() {} };')).toEqual({ ok: true });
    });

    it.each([
      ['a number', 'module.exports = { onBar: 1 };'],
      ['an object', 'module.exports = { onBar: {} };'],
      ['a string via a const', "const h = 'x';\nmodule.exports = { onBar: h };"],
      ['exports.onBar = literal', 'exports.onBar = "buy";'],
    ])('refuses onBar that is %s', (_what, code) => {
      expect(failure(code)).toMatchObject({ errorType: 'contract' });
      expect(failure(code).message).toContain(CONTRACT_MESSAGES.onBarNotFunction);
    });

    it('refuses init that is not a function', () => {
      expect(failure('module.exports = { init: true, onBar() {} };').message).toContain(CONTRACT_MESSAGES.initNotFunction);
    });

    it('accepts a missing init', () => {
      expect(staticCheck(ON_BAR)).toEqual({ ok: true });
    });

    it('requires name to be a string literal when present', () => {
      expect(failure('module.exports = { name: 42, onBar() {} };').message).toContain(CONTRACT_MESSAGES.nameNotString);
      expect(failure('const n = "x";\nmodule.exports = { name: n, onBar() {} };').message).toContain(CONTRACT_MESSAGES.nameNotString);
      expect(staticCheck('module.exports = { name: `EMA`, onBar() {} };')).toEqual({ ok: true });
    });

    it('refuses params that is visibly not an object', () => {
      expect(failure('module.exports = { params: [1, 2], onBar() {} };').message).toContain(CONTRACT_MESSAGES.paramsNotObject);
      expect(staticCheck('const defaults = { n: 1 };\nmodule.exports = { params: defaults, onBar() {} };')).toEqual({
        ok: true,
      });
    });

    it.each([
      ['a number', 'module.exports = 42;'],
      ['an array', 'module.exports = [];'],
      ['a bare function', 'module.exports = function onBar(bar, ctx) {};'],
    ])('refuses module.exports that is %s', (_what, code) => {
      expect(failure(code).message).toContain(CONTRACT_MESSAGES.exportsNotObject);
    });

    it('explains that assigning to exports has no effect', () => {
      expect(failure('exports = { onBar() {} };').message).toContain(CONTRACT_MESSAGES.bareExportsAssignment);
    });

    it('points ESM export at module.exports', () => {
      const r = failure('export default { onBar() {} };');
      expect(r).toMatchObject({ errorType: 'contract', line: 1 });
      expect(r.message).toContain(CONTRACT_MESSAGES.esmExport);
    });

    it('refuses code over 200 KB before parsing it', () => {
      const code = `${ON_BAR}\n//${'x'.repeat(MAX_BOT_CODE_BYTES)}`;
      const r = failure(code);
      expect(r.errorType).toBe('contract');
      expect(r.message).toMatch(/^bot code is too large: \d+ KB \(limit 200 KB\)$/);
    });

    it('measures the limit in UTF-8 bytes', () => {
      const justUnder = `${ON_BAR}\n//${'x'.repeat(MAX_BOT_CODE_BYTES - ON_BAR.length - 3)}`;
      expect(staticCheck(justUnder)).toEqual({ ok: true });
      const multiByte = `${ON_BAR}\n//${'é'.repeat(MAX_BOT_CODE_BYTES / 2)}`;
      expect(failure(multiByte).message).toMatch(/too large/);
    });
  });
});
