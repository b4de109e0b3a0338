/**
 * JavaScript evaluated INSIDE the bot's vm context, before the bot. It builds everything the bot can touch
 * (ctx, console, module) out of objects of the context's own realm, so no object of the host realm — and
 * so no path to the host's `Function`, `process` or `require` — is ever reachable from bot code.
 *
 * The only host value it holds is `host(op, a, b, c)`, kept in this closure (bot code cannot name it).
 * The host only ever receives and returns primitives: numbers, strings (JSON for objects), null/undefined.
 * A string starting with "\u0000" is an error message, re-thrown here as an Error of the context's realm.
 */
export const PRELUDE_SOURCE = String.raw`
(function (host, indicatorNamesJson) {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const freeze = Object.freeze;
  const assign = Object.assign;
  const isArray = Array.isArray;
  const StringCtor = String;

  // Off-heap memory and shared memory stay out of reach: --max-old-space-size cannot cap them.
  for (const name of ['ArrayBuffer', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'DataView',
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'FinalizationRegistry', 'WeakRef']) {
    delete globalThis[name];
  }

  const call = (op, a, b, c) => {
    const r = host(op, a, b, c);
    if (typeof r === 'string' && r.charCodeAt(0) === 0) throw new Error(r.slice(1));
    return r;
  };
  const numberOrUndefined = (value, what) => {
    if (value === undefined || value === null || typeof value === 'number') return value === null ? undefined : value;
    throw new TypeError(what + ' must be a number, got ' + typeof value);
  };
  const order = (kind, arg) => {
    if (arg === undefined || arg === null) return call(kind);
    if (typeof arg === 'number') return call(kind, arg);
    if (typeof arg === 'object') {
      return call(kind, numberOrUndefined(arg.qty, kind + '() qty'), numberOrUndefined(arg.stopLoss, kind + '() stopLoss'),
        numberOrUndefined(arg.takeProfit, kind + '() takeProfit'));
    }
    throw new TypeError(kind + '() takes a quantity or { qty, stopLoss, takeProfit }, got ' + typeof arg);
  };
  const show = (part) => {
    if (typeof part === 'string') return part;
    try { const json = stringify(part); return json === undefined ? StringCtor(part) : json; } catch (e) { return StringCtor(part); }
  };
  const log = (...parts) => { call('log', parts.map(show).join(' ')); };

  const indicators = {};
  for (const name of parse(indicatorNamesJson)) {
    indicators[name] = (params) => {
      const r = call('ind', name, params === undefined ? undefined : stringify(params));
      return typeof r === 'string' ? freeze(parse(r)) : r;
    };
  }
  freeze(indicators);

  const bars = [];
  let index = -1;
  let params = freeze({});
  const ctx = freeze({
    buy: (arg) => { order('buy', arg); },
    sell: (arg) => { order('sell', arg); },
    close: () => { call('close'); },
    get position() { return freeze(parse(call('position'))); },
    get cash() { return call('cash'); },
    get equity() { return call('equity'); },
    get bars() { return bars.slice(); },
    get index() { return index; },
    get params() { return params; },
    log,
    indicators,
  });
  const consoleObject = freeze({ log, info: log, warn: log, error: log, debug: log });

  let bot = null;
  return freeze({
    /** Runs the bot's module body and checks the exported contract; returns null or a contract problem. */
    load(factory, runParamsJson) {
      const module = { exports: {} };
      factory(module, module.exports, consoleObject);
      const exported = module.exports;
      if (exported === null || typeof exported !== 'object') return 'module.exports must be an object { name, params, init, onBar }';
      if (typeof exported.onBar !== 'function') return 'module.exports must define onBar(bar, ctx)';
      if (exported.init !== undefined && typeof exported.init !== 'function') return 'module.exports.init must be a function when present';
      const defaults = exported.params;
      if (defaults !== undefined && (defaults === null || typeof defaults !== 'object' || isArray(defaults))) {
        return 'module.exports.params must be a plain object of defaults';
      }
      params = freeze(assign({}, defaults || {}, parse(runParamsJson)));
      bot = exported;
      return null;
    },
    init() { if (typeof bot.init === 'function') bot.init(ctx); },
    onBar(time, open, high, low, close, volume) {
      const bar = freeze({ time, open, high, low, close, volume });
      bars.push(bar);
      index += 1;
      bot.onBar(bar, ctx);
    },
  });
})
`;
