/**
 * Runs one bot inside a vm context, driven by the backtest engine (runs in the sandbox process).
 * The bot sees only what PRELUDE_SOURCE builds; this side answers its primitive-only calls.
 */
import * as vm from 'node:vm';
import { runBacktest } from '../../backtest/engine/engine';
import { BacktestInputError, BacktestResult, Bar, EngineOptions, Strategy, StrategyContext } from '../../backtest/engine/types';
import { classifyBotError, BotErrorType } from '../core/error-classifier';
import { findIndicator, INDICATORS, IndicatorValue, resolveIndicatorParams } from '../sdk/indicators';
import { PRELUDE_SOURCE } from './prelude';

export type BotRunOutcome = { ok: true; result: BacktestResult } | { ok: false; errorType: BotErrorType; message: string; logs: string[] };

export interface BotRunInput {
  code: string;
  bars: Bar[];
  options?: Partial<EngineOptions>;
  params?: Record<string, unknown>;
  outputCapBytes: number;
}

const ERROR_MARK = '\u0000';

interface PreludeApi {
  load(factory: unknown, runParamsJson: string): string | null;
  init(): void;
  onBar(time: number, open: number, high: number, low: number, close: number, volume: number): void;
}

class OutputLimitError extends Error {}

/** Evaluates `code` as a bot and backtests it over `bars`. Never throws: every failure is classified. */
export function runBot(input: BotRunInput): BotRunOutcome {
  let current: StrategyContext | null = null;
  /** Index of the bar being processed (ctx.bars would copy the array on every read). */
  let barIndex = -1;
  let outputBytes = 0;
  let outputExceeded = false;
  const logs: string[] = [];
  const series = new Map<string, IndicatorValue[]>();

  /** Series by the exact call (name + params JSON as the bot sent it): a repeated call is one lookup. */
  const byCall = new Map<string, { values: IndicatorValue[]; ago: number }>();
  const indicatorAt = (name: string, paramsJson: string | undefined): unknown => {
    const callKey = `${name}|${paramsJson ?? ''}`;
    let entry = byCall.get(callKey);
    if (!entry) {
      const spec = findIndicator(name)!;
      const raw: unknown = paramsJson === undefined ? {} : JSON.parse(paramsJson);
      const ago: unknown = raw && typeof raw === 'object' && 'ago' in raw ? raw.ago : 0;
      if (typeof ago !== 'number' || !Number.isInteger(ago) || ago < 0)
        throw new TypeError(`${name}: ago must be a whole number >= 0 (got ${String(ago)})`);
      const resolved = resolveIndicatorParams(spec, raw);
      const seriesKey = `${name}|${JSON.stringify(resolved)}`;
      let values = series.get(seriesKey);
      if (!values) {
        values = spec.compute(input.bars, resolved);
        series.set(seriesKey, values);
      }
      entry = { values, ago };
      byCall.set(callKey, entry);
    }
    const i = barIndex - entry.ago;
    const value = i >= 0 ? entry.values[i] : null;
    return value === null || typeof value === 'number' ? value : JSON.stringify(value);
  };

  const host = (op: string, a?: unknown, b?: unknown, c?: unknown): unknown => {
    try {
      const ctx = current!;
      switch (op) {
        case 'buy':
        case 'sell':
          ctx[op](
            b === undefined && c === undefined
              ? (a as number | undefined)
              : { qty: a as number, stopLoss: b as number, takeProfit: c as number },
          );
          return undefined;
        case 'close':
          ctx.close();
          return undefined;
        case 'position':
          return JSON.stringify(ctx.position);
        case 'cash':
          return ctx.cash;
        case 'equity':
          return ctx.equity;
        case 'log': {
          const text = String(a);
          outputBytes += Buffer.byteLength(text) + 1;
          if (outputBytes > input.outputCapBytes) {
            outputExceeded = true;
            return `${ERROR_MARK}output limit exceeded: the bot printed more than ${input.outputCapBytes} bytes`;
          }
          ctx.log(text);
          return undefined;
        }
        case 'ind':
          return indicatorAt(String(a), b as string | undefined);
        default:
          return `${ERROR_MARK}unknown sandbox call ${op}`;
      }
    } catch (error) {
      const e = error as Error;
      return `${ERROR_MARK}${e instanceof BacktestInputError ? 'BacktestInputError: ' : ''}${e.message}`;
    }
  };

  const failed = (errorType: BotErrorType, message: string): BotRunOutcome => ({
    ok: false,
    errorType,
    message,
    logs: (current?.logs as string[] | undefined) ?? logs,
  });

  let prelude: PreludeApi;
  let factory: unknown;
  try {
    const context = vm.createContext(Object.create(null) as vm.Context, {
      name: 'bot',
      codeGeneration: { strings: false, wasm: false },
    });
    const makePrelude = new vm.Script(PRELUDE_SOURCE, { filename: 'sdk.js' }).runInContext(context) as (
      h: typeof host,
      names: string,
    ) => PreludeApi;
    prelude = makePrelude(host, JSON.stringify(INDICATORS.map((i) => i.name)));
    factory = new vm.Script(`(function (module, exports, console) {${input.code}\n})`, { filename: 'bot.js' }).runInContext(context);
  } catch (error) {
    const message = describeError(error);
    return failed(classifyBotError(message), message);
  }

  const strategy: Strategy = {
    init(ctx) {
      current = ctx;
      prelude.init();
      if (outputExceeded) throw new OutputLimitError();
    },
    onBar(bar, ctx) {
      current = ctx;
      barIndex += 1;
      prelude.onBar(bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
      if (outputExceeded) throw new OutputLimitError();
    },
  };

  try {
    const problem = prelude.load(factory, JSON.stringify(input.params ?? {}));
    if (problem !== null) return failed('contract', String(problem));
  } catch (error) {
    if (outputExceeded) return failed('output_limit', `output limit exceeded: the bot printed more than ${input.outputCapBytes} bytes`);
    const message = describeError(error);
    return failed(classifyBotError(message), message);
  }

  try {
    return { ok: true, result: runBacktest(input.bars, strategy, input.options) };
  } catch (error) {
    if (outputExceeded || error instanceof OutputLimitError) {
      return failed('output_limit', `output limit exceeded: the bot printed more than ${input.outputCapBytes} bytes`);
    }
    if (error instanceof BacktestInputError) return failed('data', `BacktestInputError: ${error.message}`);
    const message = describeError(error);
    return failed(classifyBotError(message), message);
  }
}

/**
 * "<Name>: <message> (bot.js:<line>)" from an error thrown by bot code (an object of the bot's realm, so
 * read defensively: its getters are bot code too).
 */
export function describeError(error: unknown): string {
  try {
    if (error === null || typeof error !== 'object') return `Uncaught ${String(error)}`;
    const e = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
    const name = (typeof e.name === 'string' ? e.name : 'Error') + (typeof e.code === 'string' ? ` [${e.code}]` : '');
    const message = typeof e.message === 'string' ? e.message : String(e.message);
    const stack = typeof e.stack === 'string' ? e.stack : '';
    const where = /bot\.js:(\d+)(?::(\d+))?/.exec(stack);
    return `${name}: ${message}${where ? ` (bot.js line ${where[1]})` : ''}`.slice(0, 2000);
  } catch {
    return 'Error: the bot threw a value that cannot be described';
  }
}
