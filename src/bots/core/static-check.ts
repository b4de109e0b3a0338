/**
 * Static checks on a generated bot before it is ever run: size, syntax, sandbox rules, module contract.
 *
 * A bot is a CommonJS script evaluated in a `vm` context:
 *   module.exports = { name: 'x', params: { ... }, init(ctx) { ... }, onBar(bar, ctx) { ... } }
 *
 * This is defence in depth and a source of precise fix prompts, NOT the security boundary: the child process,
 * Node's permission model and the bare `vm` context are (docs/bot-sdk.md, "the sandbox"). So the checks favour clear,
 * low-false-positive rules over chasing every dynamic trick (`Reflect.get(f, 'const' + 'ructor')` passes here
 * and is stopped at run time by `codeGeneration: { strings: false }`).
 *
 * Decisions:
 * - Only identifier REFERENCES are checked: property keys (`{ process: 1 }`), member names (`obj.process`),
 *   strings and comments are ignored — the AST tells them apart.
 * - DECLARING a forbidden name (`const process = 1`, `function fetch() {}`, a parameter named `require`) is
 *   refused too, with a "rename it" message. Without scope analysis every later use of that binding would be
 *   flagged anyway, and a bot shadowing `process` or `require` is confusing to review; renaming is trivial.
 * - `.constructor` / `.__proto__` are refused as member accesses (`x.constructor`, `x['constructor']`,
 *   `x?.constructor`, `const { constructor } = x`), not as object-literal keys or class `constructor()` methods.
 * - ESM syntax is parsed (allowImportExportEverywhere) so that `import x from 'y'` gets a sandbox message
 *   instead of a syntax error; `export` gets a contract message pointing at module.exports.
 * - The contract check looks at the LAST `module.exports = …` and any `exports.x = …` / `module.exports.x = …`
 *   / `Object.assign(module.exports, {…})`. It only judges what it can see: an object literal (also behind a
 *   top-level `const bot = {…}`); a spread or a computed key makes a missing onBar "not visible", so no error.
 */
import { parse, type AnyNode, type Expression, type Node, type ObjectExpression, type Program } from 'acorn';
import { ancestor, simple, type AncestorVisitors } from 'acorn-walk';

export type StaticCheckErrorType = 'syntax' | 'sandbox_violation' | 'contract';

export type StaticCheckResult =
  { ok: true } | { ok: false; errorType: StaticCheckErrorType; message: string; line?: number; column?: number };

/** 200 KB of UTF-8 source. */
export const MAX_BOT_CODE_BYTES = 200 * 1024;

/** How many sandbox violations are listed in one message (the first one sets `line`). */
const MAX_REPORTED_VIOLATIONS = 10;

type SandboxRule =
  /** A free identifier: referencing or declaring it is refused. */
  | { kind: 'identifier'; name: string; hint: string }
  /** A member access by that name, dotted or computed with a constant string. */
  | { kind: 'member'; name: string; hint: string }
  /** A syntax form; `label` is what the message names. */
  | { kind: 'syntax'; node: 'ImportDeclaration' | 'ImportExpression' | 'ImportMeta'; label: string; hint: string };

const USE_CTX = 'use ctx.indicators instead';
const NO_CODEGEN = 'code generation from strings is disabled';
const SYNC_ONLY = 'bots are synchronous: do the work inside onBar(bar, ctx)';
const NO_CONSTRUCTOR_REACH = 'reaching constructors is blocked; create objects with literals or `new ClassName()`';

/** Every sandbox rule, in one place. */
export const SANDBOX_RULES: readonly SandboxRule[] = [
  { kind: 'identifier', name: 'require', hint: USE_CTX },
  { kind: 'identifier', name: 'process', hint: 'bots get settings from params and state from ctx' },
  { kind: 'identifier', name: 'eval', hint: NO_CODEGEN },
  { kind: 'identifier', name: 'Function', hint: NO_CODEGEN },
  { kind: 'identifier', name: 'globalThis', hint: 'keep state in module-level variables or ctx' },
  { kind: 'identifier', name: 'global', hint: 'keep state in module-level variables or ctx' },
  { kind: 'identifier', name: 'setTimeout', hint: SYNC_ONLY },
  { kind: 'identifier', name: 'setInterval', hint: SYNC_ONLY },
  { kind: 'identifier', name: 'setImmediate', hint: SYNC_ONLY },
  { kind: 'identifier', name: 'fetch', hint: 'there is no network; market data arrives bar by bar in onBar(bar, ctx)' },
  { kind: 'identifier', name: 'WebAssembly', hint: 'write plain JavaScript' },
  { kind: 'identifier', name: 'Atomics', hint: 'bots are single-threaded' },
  { kind: 'identifier', name: 'SharedArrayBuffer', hint: 'bots are single-threaded; use plain arrays' },
  { kind: 'member', name: 'constructor', hint: NO_CONSTRUCTOR_REACH },
  { kind: 'member', name: '__proto__', hint: 'prototype access is blocked; use plain objects or classes' },
  { kind: 'syntax', node: 'ImportDeclaration', label: 'import', hint: USE_CTX },
  { kind: 'syntax', node: 'ImportExpression', label: 'import()', hint: USE_CTX },
  { kind: 'syntax', node: 'ImportMeta', label: 'import.meta', hint: USE_CTX },
];

const IDENTIFIER_RULES = new Map(SANDBOX_RULES.flatMap((r) => (r.kind === 'identifier' ? [[r.name, r] as const] : [])));
const MEMBER_RULES = new Map(SANDBOX_RULES.flatMap((r) => (r.kind === 'member' ? [[r.name, r] as const] : [])));
const SYNTAX_RULES = new Map(SANDBOX_RULES.flatMap((r) => (r.kind === 'syntax' ? [[r.node, r] as const] : [])));

export const CONTRACT_MESSAGES = {
  missingExports:
    'module.exports is never assigned; module.exports must define onBar(bar, ctx): ' +
    'module.exports = { name, params, init(ctx), onBar(bar, ctx) }',
  missingOnBar: 'module.exports must define onBar(bar, ctx)',
  onBarNotFunction: 'module.exports.onBar must be a function onBar(bar, ctx)',
  initNotFunction: 'module.exports.init must be a function init(ctx) when present',
  nameNotString: 'module.exports.name must be a string literal when present',
  paramsNotObject: 'module.exports.params must be a plain object when present',
  exportsNotObject: 'module.exports must be an object with onBar(bar, ctx)',
  bareExportsAssignment: 'assigning to `exports` has no effect; write module.exports = { ... } instead',
  esmExport: '`export` is not supported in bots (CommonJS script); use module.exports = { ... } instead',
} as const;

export function staticCheck(code: string): StaticCheckResult {
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_BOT_CODE_BYTES) {
    return {
      ok: false,
      errorType: 'contract',
      message: `bot code is too large: ${Math.ceil(bytes / 1024)} KB (limit ${MAX_BOT_CODE_BYTES / 1024} KB)`,
    };
  }

  let program: Program;
  try {
    program = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      locations: true,
      // Parse ESM forms so they get a sandbox/contract message rather than a bare syntax error.
      allowImportExportEverywhere: true,
    });
  } catch (err) {
    return syntaxFailure(err);
  }

  const violations = findSandboxViolations(program);
  if (violations.length > 0) {
    const shown = violations.slice(0, MAX_REPORTED_VIOLATIONS).map((v) => v.message);
    if (violations.length > shown.length) shown.push(`… and ${violations.length - shown.length} more`);
    return { ok: false, errorType: 'sandbox_violation', message: shown.join('\n'), line: violations[0].line };
  }

  return checkContract(program);
}

// ---------------------------------------------------------------------------------------------------------
// syntax

function syntaxFailure(err: unknown): StaticCheckResult {
  const e = err as { message?: string; loc?: { line: number; column: number } };
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  if (!e?.loc) return { ok: false, errorType: 'syntax', message: `SyntaxError: ${raw}` };
  const { line, column } = e.loc;
  // acorn appends " (line:column)"; the prefix says it more readably (column 1-based).
  const message = raw.replace(/\s*\(\d+:\d+\)$/, '');
  return {
    ok: false,
    errorType: 'syntax',
    message: `line ${line}, column ${column + 1}: SyntaxError: ${message}`,
    line,
    column: column + 1,
  };
}

// ---------------------------------------------------------------------------------------------------------
// sandbox rules

interface Violation {
  pos: number;
  line: number;
  message: string;
}

function lineOf(node: Node): number {
  return node.loc?.start.line ?? 0;
}

function findSandboxViolations(program: Program): Violation[] {
  const found: Violation[] = [];
  const seen = new Set<string>();
  const report = (node: Node, message: string): void => {
    const line = lineOf(node);
    const text = `line ${line}: ${message}`;
    if (seen.has(text)) return;
    seen.add(text);
    found.push({ pos: node.start, line, message: text });
  };
  const notAvailable = (label: string, hint: string): string => `\`${label}\` is not available in the bot sandbox; ${hint}`;

  const memberRule = (name: string | undefined, node: Node): void => {
    const rule = name === undefined ? undefined : MEMBER_RULES.get(name);
    if (rule) report(node, notAvailable(`.${rule.name}`, rule.hint));
  };

  const visitors: AncestorVisitors<unknown> = {
    // Identifiers in expression position: references.
    Identifier(node) {
      const rule = IDENTIFIER_RULES.get(node.name);
      if (rule) report(node, notAvailable(rule.name, rule.hint));
    },
    MemberExpression(node) {
      memberRule(memberName(node.property, node.computed), node.property);
    },
    ObjectPattern(node) {
      for (const prop of node.properties) {
        if (prop.type === 'Property') memberRule(memberName(prop.key, prop.computed), prop.key);
      }
    },
    ImportDeclaration(node) {
      const rule = SYNTAX_RULES.get('ImportDeclaration')!;
      report(node, notAvailable(rule.label, rule.hint));
    },
    ImportExpression(node) {
      const rule = SYNTAX_RULES.get('ImportExpression')!;
      report(node, notAvailable(rule.label, rule.hint));
    },
    MetaProperty(node) {
      if (node.meta.name !== 'import') return; // new.target is fine
      const rule = SYNTAX_RULES.get('ImportMeta')!;
      report(node, notAvailable(rule.label, rule.hint));
    },
  };
  // acorn-walk visits binding identifiers (declarations, params, catch params, assignment targets) under the
  // pseudo-type "VariablePattern", never as "Identifier"; its typings omit that key.
  (visitors as Record<string, unknown>).VariablePattern = (node: AnyNode, _state: unknown, ancestors: Node[]) => {
    if (node.type !== 'Identifier') return;
    const rule = IDENTIFIER_RULES.get(node.name);
    if (!rule) return;
    const parent = ancestors[ancestors.length - 2];
    if (parent?.type === 'AssignmentExpression') {
      report(node, notAvailable(rule.name, rule.hint)); // `process = 1` writes the global: a reference
    } else {
      report(node, `\`${rule.name}\` cannot be used as a name in the bot sandbox; rename it`);
    }
  };
  ancestor(program, visitors);

  return found.sort((a, b) => a.pos - b.pos);
}

/** The constant name of a member / property key: `a.b`, `a['b']`, `a[`b`]`; undefined when dynamic. */
function memberName(key: Node, computed: boolean): string | undefined {
  const k = key as AnyNode;
  if (!computed) {
    if (k.type === 'Identifier') return k.name;
    if (k.type === 'Literal' && typeof k.value === 'string') return k.value; // { 'constructor': c } = x
    return undefined; // PrivateIdentifier (#x) or numeric keys
  }
  if (k.type === 'Literal' && typeof k.value === 'string') return k.value;
  if (k.type === 'TemplateLiteral' && k.expressions.length === 0) return k.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// module contract

interface ExportMember {
  name: string;
  value: Expression | undefined; // undefined: getter/setter, i.e. not visible
  node: Node;
}

interface ExportsView {
  /** The last `module.exports = X`. */
  assignment?: { node: Node; right: Expression };
  /** Members set with `exports.x = …`, `module.exports.x = …`, `Object.assign(module.exports, {…})`. */
  members: ExportMember[];
  bareExportsAssignment?: Node;
  esmExport?: Node;
}

function checkContract(program: Program): StaticCheckResult {
  const topLevel = topLevelBindings(program);
  const view = collectExports(program);
  const fail = (message: string, node?: Node): StaticCheckResult => ({
    ok: false,
    errorType: 'contract',
    message: node ? `line ${lineOf(node)}: ${message}` : message,
    ...(node ? { line: lineOf(node) } : {}),
  });

  if (view.esmExport) return fail(CONTRACT_MESSAGES.esmExport, view.esmExport);
  if (!view.assignment && view.members.length === 0) {
    if (view.bareExportsAssignment) return fail(CONTRACT_MESSAGES.bareExportsAssignment, view.bareExportsAssignment);
    return fail(CONTRACT_MESSAGES.missingExports);
  }

  // What module.exports is, as far as we can see.
  let visible = true;
  const members: ExportMember[] = [];
  const anchor = view.assignment?.node ?? view.members[0].node;
  if (view.assignment) {
    const target = resolve(view.assignment.right, topLevel);
    if (target?.type === 'ObjectExpression') {
      const own = objectMembers(target);
      visible = own.complete;
      members.push(...own.members);
    } else if (target && isClearlyNotObject(target) && !(isFunctionNode(target) && view.members.length > 0)) {
      // A function is only acceptable as module.exports when members (onBar…) are attached to it later.
      return fail(CONTRACT_MESSAGES.exportsNotObject, view.assignment.node);
    } else {
      visible = false; // module.exports = makeBot(), a class instance, an unresolved identifier…
    }
  }
  members.push(...view.members);

  const byName = new Map<string, ExportMember>();
  for (const m of members) byName.set(m.name, m); // later definitions win, as at run time

  const onBar = byName.get('onBar');
  if (!onBar) return visible ? fail(CONTRACT_MESSAGES.missingOnBar, anchor) : { ok: true };
  if (isClearlyNotFunction(onBar.value, topLevel)) return fail(CONTRACT_MESSAGES.onBarNotFunction, onBar.node);

  const init = byName.get('init');
  if (init && isClearlyNotFunction(init.value, topLevel)) return fail(CONTRACT_MESSAGES.initNotFunction, init.node);

  const name = byName.get('name');
  if (name && name.value && !isStringLiteral(name.value)) return fail(CONTRACT_MESSAGES.nameNotString, name.node);

  const params = byName.get('params');
  if (params && params.value) {
    const p = resolve(params.value, topLevel);
    if (p && isClearlyNotObject(p)) return fail(CONTRACT_MESSAGES.paramsNotObject, params.node);
  }

  return { ok: true };
}

function collectExports(program: Program): ExportsView {
  const view: ExportsView = { members: [] };
  simple(program, {
    AssignmentExpression(node) {
      if (node.operator !== '=') return;
      const left = node.left as AnyNode;
      if (isModuleExports(left)) {
        view.assignment = { node, right: node.right }; // source order: the last one wins
        return;
      }
      if (left.type === 'Identifier' && left.name === 'exports') {
        view.bareExportsAssignment ??= node;
        return;
      }
      if (left.type === 'MemberExpression' && isExportsObject(left.object)) {
        const name = memberName(left.property, left.computed);
        if (name !== undefined) view.members.push({ name, value: node.right, node });
      }
    },
    CallExpression(node) {
      // Object.assign(module.exports, { onBar() {} })
      const callee = node.callee as AnyNode;
      if (
        callee.type !== 'MemberExpression' ||
        (callee.object as AnyNode).type !== 'Identifier' ||
        (callee.object as { name?: string }).name !== 'Object' ||
        memberName(callee.property, callee.computed) !== 'assign'
      ) {
        return;
      }
      const [target, ...sources] = node.arguments as AnyNode[];
      if (!target || !isExportsObject(target)) return;
      for (const src of sources) {
        if (src.type === 'ObjectExpression') view.members.push(...objectMembers(src).members);
      }
    },
    ExportNamedDeclaration(node) {
      view.esmExport ??= node;
    },
    ExportDefaultDeclaration(node) {
      view.esmExport ??= node;
    },
    ExportAllDeclaration(node) {
      view.esmExport ??= node;
    },
  });
  return view;
}

function isModuleExports(node: AnyNode): boolean {
  return (
    node.type === 'MemberExpression' &&
    (node.object as AnyNode).type === 'Identifier' &&
    (node.object as { name: string }).name === 'module' &&
    memberName(node.property, node.computed) === 'exports'
  );
}

/** `exports` or `module.exports`. */
function isExportsObject(node: AnyNode): boolean {
  return (node.type === 'Identifier' && node.name === 'exports') || isModuleExports(node);
}

function objectMembers(obj: ObjectExpression): { members: ExportMember[]; complete: boolean } {
  const members: ExportMember[] = [];
  let complete = true;
  for (const prop of obj.properties) {
    if (prop.type === 'SpreadElement') {
      complete = false;
      continue;
    }
    const name = memberName(prop.key, prop.computed);
    if (name === undefined) {
      complete = false;
      continue;
    }
    members.push({ name, value: prop.kind === 'init' ? prop.value : undefined, node: prop });
  }
  return { members, complete };
}

type Bindings = Map<string, AnyNode>;

/** Top-level `function f() {}`, `class C {}` and `const|let|var x = init` (init only). */
function topLevelBindings(program: Program): Bindings {
  const bindings: Bindings = new Map();
  for (const stmt of program.body as AnyNode[]) {
    if ((stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') && stmt.id) {
      bindings.set(stmt.id.name, stmt);
    } else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) {
        if (d.id.type === 'Identifier' && d.init) bindings.set((d.id as { name: string }).name, d.init);
      }
    }
  }
  return bindings;
}

/** Follow identifiers to their top-level initialiser (a few hops, no cycles); undefined when unknown. */
function resolve(expr: Node, bindings: Bindings): AnyNode | undefined {
  let node = expr as AnyNode;
  for (let hops = 0; hops < 5; hops++) {
    if (node.type === 'ParenthesizedExpression') node = node.expression;
    if (node.type !== 'Identifier') return node;
    const next = bindings.get(node.name);
    if (!next) return undefined;
    node = next;
  }
  return undefined;
}

function isFunctionNode(node: AnyNode): boolean {
  return node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'FunctionDeclaration';
}

/** A value we can see is not callable: literals, object/array literals, templates, classes. */
function isClearlyNotFunction(value: Expression | undefined, bindings: Bindings): boolean {
  if (!value) return false; // getter: not visible
  const node = resolve(value, bindings);
  if (!node || isFunctionNode(node)) return false;
  return ['Literal', 'TemplateLiteral', 'ObjectExpression', 'ArrayExpression', 'ClassExpression', 'ClassDeclaration'].includes(node.type);
}

function isClearlyNotObject(node: AnyNode): boolean {
  return node.type === 'Literal' || node.type === 'TemplateLiteral' || node.type === 'ArrayExpression' || isFunctionNode(node);
}

function isStringLiteral(node: Expression): boolean {
  const n = node as AnyNode;
  if (n.type === 'Literal') return typeof n.value === 'string';
  return n.type === 'TemplateLiteral' && n.expressions.length === 0;
}
