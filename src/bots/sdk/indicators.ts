/**
 * The bot SDK's indicator registry (pure: no Nest, no I/O). Each indicator computes a FULL series over the
 * bars, aligned with them: element i uses only bars[0..i] (no look-ahead) and is null during warm-up.
 * The maths comes from `technicalindicators`, whose `calculate()` drops the warm-up, so its output is
 * aligned to the END of the input. Per-bar access (`ago`) and caching live with the caller.
 */
import {
  ADX,
  ATR,
  BollingerBands,
  CCI,
  EMA,
  Highest,
  Lowest,
  MFI,
  OBV,
  PSAR,
  ROC,
  RSI,
  SMA,
  Stochastic,
  VWAP,
  WilliamsR,
  WMA,
} from 'technicalindicators';
import type { Bar } from '../../backtest/engine/types';

export interface IndicatorParameter {
  name: string;
  type: 'int' | 'float' | 'string';
  default: number | string;
  description: string;
  min?: number;
  max?: number;
  choices?: string[];
}

export type IndicatorValue = number | Record<string, number> | null;
export type IndicatorParams = Record<string, number | string>;

export interface IndicatorSpec {
  name: string;
  display_name: string;
  description: string;
  /** Not including `ago`, which every indicator accepts (see AGO_PARAMETER). */
  parameters: IndicatorParameter[];
  /** null = the value is a number; else the keys of the object value. */
  outputs: string[] | null;
  example: string;
  usage: string;
  /** Length === bars.length; element i uses only bars[0..i]; null during warm-up; never NaN. */
  compute(bars: readonly Bar[], params: IndicatorParams): IndicatorValue[];
  /** Cross-field check run after the per-field checks; returns an error message (without the name prefix). */
  check?(params: IndicatorParams): string | null;
}

export class IndicatorParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndicatorParamError';
  }
}

/** Documented once for every indicator; handled by the caller, not by `compute`. */
export const AGO_PARAMETER: IndicatorParameter = {
  name: 'ago',
  type: 'int',
  default: 0,
  min: 0,
  description: 'Value this many bars before the current one (0 = current bar); null if before the first bar.',
};

// ---------------------------------------------------------------------------------------------------------
// Series helpers

export const SOURCES = ['close', 'open', 'high', 'low', 'volume', 'hl2', 'hlc3'] as const;
export type Source = (typeof SOURCES)[number];

function series(bars: readonly Bar[], source: Source): number[] {
  const out = new Array<number>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    switch (source) {
      case 'close':
        out[i] = b.close;
        break;
      case 'open':
        out[i] = b.open;
        break;
      case 'high':
        out[i] = b.high;
        break;
      case 'low':
        out[i] = b.low;
        break;
      case 'volume':
        out[i] = b.volume;
        break;
      case 'hl2':
        out[i] = (b.high + b.low) / 2;
        break;
      case 'hlc3':
        out[i] = (b.high + b.low + b.close) / 3;
        break;
    }
  }
  return out;
}

interface Hlcv {
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

function hlcv(bars: readonly Bar[]): Hlcv {
  const n = bars.length;
  const r: Hlcv = { high: new Array<number>(n), low: new Array<number>(n), close: new Array<number>(n), volume: new Array<number>(n) };
  for (let i = 0; i < n; i++) {
    r.high[i] = bars[i].high;
    r.low[i] = bars[i].low;
    r.close[i] = bars[i].close;
    r.volume[i] = bars[i].volume;
  }
  return r;
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An object value, or null unless every key is a finite number. Frozen: callers may cache and share it. */
function record(pairs: Array<[string, unknown]>): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const [k, v] of pairs) {
    const f = finite(v);
    if (f === null) return null;
    out[k] = f;
  }
  return Object.freeze(out);
}

/** Places a warm-up-dropped library output at the end of an n-long, null-filled series. */
function alignEnd<T>(n: number, out: readonly T[], map: (v: T) => IndicatorValue): IndicatorValue[] {
  const res = new Array<IndicatorValue>(n).fill(null);
  const offset = n - out.length;
  for (let j = Math.max(0, -offset); j < out.length; j++) res[offset + j] = map(out[j]);
  return res;
}

const numbers = (n: number, out: readonly unknown[]): IndicatorValue[] => alignEnd(n, out, finite);

const int = (p: IndicatorParams, k: string): number => p[k] as number;
const src = (p: IndicatorParams, k = 'source'): Source => p[k] as Source;

// ---------------------------------------------------------------------------------------------------------
// Parameter helpers

const MAX_PERIOD = 1000;

function period(def: number, description = 'Number of bars in the window', name = 'period', min = 1): IndicatorParameter {
  return { name, type: 'int', default: def, min, max: MAX_PERIOD, description };
}

function source(def: Source = 'close'): IndicatorParameter {
  return {
    name: 'source',
    type: 'string',
    default: def,
    choices: [...SOURCES],
    description: 'Input series: close, open, high, low, volume, hl2 = (high+low)/2 or hlc3 = (high+low+close)/3',
  };
}

// ---------------------------------------------------------------------------------------------------------
// The registry

const movingAverage = (
  name: string,
  display: string,
  description: string,
  calc: (period: number, values: number[]) => number[],
  usage: string,
): IndicatorSpec => ({
  name,
  display_name: display,
  description,
  parameters: [period(20), source()],
  outputs: null,
  example: `const ma = ctx.indicators.${name}({ period: 20 });`,
  usage,
  compute: (bars, p) => (bars.length === 0 ? [] : numbers(bars.length, calc(int(p, 'period'), series(bars, src(p))))),
});

export const INDICATORS: readonly IndicatorSpec[] = Object.freeze([
  movingAverage(
    'sma',
    'Simple Moving Average',
    'Arithmetic mean of the last `period` values.',
    (period, values) => SMA.calculate({ period, values }),
    'Smooths price to show the trend; a fast SMA crossing above a slow one is a classic buy signal.',
  ),
  movingAverage(
    'ema',
    'Exponential Moving Average',
    'Moving average weighting recent values more (alpha = 2/(period+1)), seeded with the SMA of the first `period` values.',
    (period, values) => EMA.calculate({ period, values }),
    'Reacts faster than the SMA; used for trend direction and crossovers.',
  ),
  movingAverage(
    'wma',
    'Weighted Moving Average',
    'Linearly weighted mean of the last `period` values (newest weight = period).',
    (period, values) => WMA.calculate({ period, values }),
    'A moving average that lags less than the SMA; used like the SMA.',
  ),
  {
    name: 'rsi',
    display_name: 'Relative Strength Index',
    description: "Wilder's RSI (0–100) of the last `period` changes, rounded to 2 decimals.",
    parameters: [period(14), source()],
    outputs: null,
    example: 'const rsi = ctx.indicators.rsi({ period: 14 });',
    usage: 'Momentum oscillator: below 30 is read as oversold (buy), above 70 as overbought (sell).',
    compute: (bars, p) =>
      bars.length === 0 ? [] : numbers(bars.length, RSI.calculate({ period: int(p, 'period'), values: series(bars, src(p)) })),
  },
  {
    name: 'macd',
    display_name: 'Moving Average Convergence Divergence',
    description:
      'macd = EMA(fast) − EMA(slow), signal = EMA(signal) of macd, histogram = macd − signal. Returns {macd, signal, histogram}.',
    parameters: [
      period(12, 'Fast EMA period', 'fast'),
      period(26, 'Slow EMA period', 'slow'),
      period(9, 'Signal EMA period', 'signal'),
      source(),
    ],
    outputs: ['macd', 'signal', 'histogram'],
    example: 'const m = ctx.indicators.macd({ fast: 12, slow: 26, signal: 9 }); if (m && m.histogram > 0) ctx.buy();',
    usage: 'Trend and momentum: macd crossing above its signal line (histogram turning positive) is a buy signal.',
    check: (p) => (int(p, 'fast') < int(p, 'slow') ? null : `fast must be less than slow (got fast ${p.fast}, slow ${p.slow})`),
    compute: (bars, p) => {
      // Composed from EMA rather than technicalindicators' MACD, which turns a signal of exactly 0 into undefined.
      const n = bars.length;
      if (n === 0) return [];
      const values = series(bars, src(p));
      const fast = alignEnd(n, EMA.calculate({ period: int(p, 'fast'), values }), finite);
      const slow = alignEnd(n, EMA.calculate({ period: int(p, 'slow'), values }), finite);
      const start = slow.findIndex((v, i) => v !== null && fast[i] !== null);
      const res = new Array<IndicatorValue>(n).fill(null);
      if (start < 0) return res;
      const line: number[] = [];
      for (let i = start; i < n; i++) line.push((fast[i] as number) - (slow[i] as number));
      const signal = alignEnd(line.length, EMA.calculate({ period: int(p, 'signal'), values: line }), finite);
      for (let j = 0; j < line.length; j++) {
        const s = signal[j];
        if (s !== null)
          res[start + j] = record([
            ['macd', line[j]],
            ['signal', s],
            ['histogram', line[j] - (s as number)],
          ]);
      }
      return res;
    },
  },
  {
    name: 'bollinger',
    display_name: 'Bollinger Bands',
    description:
      'middle = SMA(period); upper/lower = middle ± stddev × population standard deviation over the window. Returns {upper, middle, lower}.',
    parameters: [
      period(20),
      { name: 'stddev', type: 'float', default: 2, min: 0, max: 10, description: 'Band width in standard deviations' },
      source(),
    ],
    outputs: ['upper', 'middle', 'lower'],
    example: 'const bb = ctx.indicators.bollinger({ period: 20, stddev: 2 }); if (bb && bar.close < bb.lower) ctx.buy();',
    usage: 'Volatility bands: closes outside the bands flag stretched prices (mean reversion) or breakouts.',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const out = BollingerBands.calculate({ period: int(p, 'period'), stdDev: p.stddev as number, values: series(bars, src(p)) });
      return alignEnd(bars.length, out, (v) =>
        record([
          ['upper', v.upper],
          ['middle', v.middle],
          ['lower', v.lower],
        ]),
      );
    },
  },
  {
    name: 'atr',
    display_name: 'Average True Range',
    description: 'Wilder-smoothed true range; the first true range is taken at the second bar (it needs the previous close).',
    parameters: [period(14)],
    outputs: null,
    example: 'const atr = ctx.indicators.atr({ period: 14 }); ctx.buy({ stopLoss: bar.close - 2 * atr });',
    usage: 'Measures volatility in price units; used to size positions and to place stops (e.g. 2 × ATR).',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      return numbers(bars.length, ATR.calculate({ period: int(p, 'period'), high: d.high, low: d.low, close: d.close }));
    },
  },
  {
    name: 'stochastic',
    display_name: 'Stochastic Oscillator',
    description: 'k = 100 × (close − lowest low) / (highest high − lowest low) over `period`; d = SMA(signal) of k. Returns {k, d}.',
    parameters: [period(14, 'Look-back for %K'), period(3, 'SMA period of %D', 'signal')],
    outputs: ['k', 'd'],
    example: 'const st = ctx.indicators.stochastic({ period: 14, signal: 3 }); if (st && st.k < 20 && st.k > st.d) ctx.buy();',
    usage: 'Momentum oscillator (0–100): below 20 oversold, above 80 overbought; k crossing d gives the timing.',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      const out = Stochastic.calculate({
        period: int(p, 'period'),
        signalPeriod: int(p, 'signal'),
        high: d.high,
        low: d.low,
        close: d.close,
      });
      return alignEnd(bars.length, out, (v) =>
        record([
          ['k', v.k],
          ['d', v.d],
        ]),
      );
    },
  },
  {
    name: 'adx',
    display_name: 'Average Directional Index',
    description: "Wilder's ADX (0–100), the strength of the trend whatever its direction; needs about 2 × period bars.",
    parameters: [period(14)],
    outputs: null,
    example: 'const adx = ctx.indicators.adx({ period: 14 }); const trending = adx !== null && adx > 25;',
    usage: 'Trend filter: above 25 the market trends (use trend-following rules), below 20 it ranges.',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      const out = ADX.calculate({ period: int(p, 'period'), high: d.high, low: d.low, close: d.close });
      return alignEnd(bars.length, out, (v) => finite(v.adx));
    },
  },
  {
    name: 'cci',
    display_name: 'Commodity Channel Index',
    description: '(typical price − SMA of typical price) / (0.015 × mean deviation) over `period`; typical price = hlc3.',
    parameters: [period(20)],
    outputs: null,
    example: 'const cci = ctx.indicators.cci({ period: 20 }); if (cci !== null && cci < -100) ctx.buy();',
    usage: 'Oscillator around 0: above +100 strong / overbought, below −100 weak / oversold.',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      return numbers(bars.length, CCI.calculate({ period: int(p, 'period'), high: d.high, low: d.low, close: d.close }));
    },
  },
  {
    name: 'obv',
    display_name: 'On-Balance Volume',
    description: 'Running total of volume, added on up closes and subtracted on down closes; 0 at the first bar.',
    parameters: [],
    outputs: null,
    example: 'const rising = ctx.indicators.obv() > ctx.indicators.obv({ ago: 5 });',
    usage: 'Confirms trends with volume: OBV rising with price supports the move; divergence warns of a reversal.',
    compute: (bars) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      // The library starts at the second bar (the first change); OBV at the first bar is 0 by definition.
      const res = numbers(bars.length, OBV.calculate({ close: d.close, volume: d.volume }));
      res[0] = 0;
      return res;
    },
  },
  {
    name: 'vwap',
    display_name: 'Volume-Weighted Average Price',
    description: 'Cumulative Σ(typical price × volume) / Σ volume from the first bar of the data (never reset); typical price = hlc3.',
    parameters: [],
    outputs: null,
    example: 'const vwap = ctx.indicators.vwap(); if (vwap !== null && bar.close > vwap) ctx.buy();',
    usage: 'The average price paid, weighted by volume; price above VWAP is read as bullish, below as bearish.',
    compute: (bars) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      return numbers(bars.length, VWAP.calculate({ high: d.high, low: d.low, close: d.close, volume: d.volume }));
    },
  },
  {
    name: 'williams_r',
    display_name: 'Williams %R',
    description: '−100 × (highest high − close) / (highest high − lowest low) over `period` (0 to −100).',
    parameters: [period(14)],
    outputs: null,
    example: 'const wr = ctx.indicators.williams_r({ period: 14 }); if (wr !== null && wr < -80) ctx.buy();',
    usage: 'Momentum oscillator: above −20 overbought, below −80 oversold.',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      return numbers(bars.length, WilliamsR.calculate({ period: int(p, 'period'), high: d.high, low: d.low, close: d.close }));
    },
  },
  {
    name: 'roc',
    display_name: 'Rate of Change',
    description: 'Percent change over `period` bars: 100 × (value − value `period` bars ago) / value `period` bars ago.',
    parameters: [period(12), source()],
    outputs: null,
    example: 'const roc = ctx.indicators.roc({ period: 12 }); if (roc !== null && roc > 0) ctx.buy();',
    usage: 'Momentum: positive and rising means accelerating gains; zero crossings are used as signals.',
    compute: (bars, p) =>
      bars.length === 0 ? [] : numbers(bars.length, ROC.calculate({ period: int(p, 'period'), values: series(bars, src(p)) })),
  },
  {
    name: 'mfi',
    display_name: 'Money Flow Index',
    description: 'Volume-weighted RSI (0–100) of the typical price over `period`, rounded to 2 decimals.',
    parameters: [period(14)],
    outputs: null,
    example: 'const mfi = ctx.indicators.mfi({ period: 14 }); if (mfi !== null && mfi < 20) ctx.buy();',
    usage: 'Like RSI with volume: below 20 oversold, above 80 overbought.',
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      return numbers(bars.length, MFI.calculate({ period: int(p, 'period'), high: d.high, low: d.low, close: d.close, volume: d.volume }));
    },
  },
  {
    name: 'psar',
    display_name: 'Parabolic SAR',
    description: "Wilder's stop-and-reverse level; starts long at the first bar's low, acceleration grows by `step` up to `max`.",
    parameters: [
      { name: 'step', type: 'float', default: 0.02, min: 0.001, max: 1, description: 'Acceleration factor start and increment' },
      { name: 'max', type: 'float', default: 0.2, min: 0.001, max: 1, description: 'Maximum acceleration factor' },
    ],
    outputs: null,
    example: 'const sar = ctx.indicators.psar({ step: 0.02, max: 0.2 }); if (sar !== null && bar.close > sar) ctx.buy();',
    usage: 'Trailing stop and trend signal: price above the SAR means uptrend; a flip across it is a reversal.',
    check: (p) => ((p.step as number) <= (p.max as number) ? null : `step must not exceed max (got step ${p.step}, max ${p.max})`),
    compute: (bars, p) => {
      if (bars.length === 0) return [];
      const d = hlcv(bars);
      return numbers(bars.length, PSAR.calculate({ step: p.step as number, max: p.max as number, high: d.high, low: d.low }));
    },
  },
  {
    name: 'highest',
    display_name: 'Highest Value',
    description: 'Highest value of `source` over the last `period` bars, the current bar included.',
    parameters: [period(20), source('high')],
    outputs: null,
    example: 'const prevHigh = ctx.indicators.highest({ period: 20, ago: 1 }); if (prevHigh !== null && bar.close > prevHigh) ctx.buy();',
    usage: 'Breakout levels (Donchian channel top); use ago: 1 to compare with the range before the current bar.',
    compute: (bars, p) =>
      bars.length === 0 ? [] : numbers(bars.length, Highest.calculate({ period: int(p, 'period'), values: series(bars, src(p)) })),
  },
  {
    name: 'lowest',
    display_name: 'Lowest Value',
    description: 'Lowest value of `source` over the last `period` bars, the current bar included.',
    parameters: [period(20), source('low')],
    outputs: null,
    example: 'const prevLow = ctx.indicators.lowest({ period: 20, ago: 1 }); if (prevLow !== null && bar.close < prevLow) ctx.sell();',
    usage: 'Breakdown levels (Donchian channel bottom) and trailing stops.',
    compute: (bars, p) =>
      bars.length === 0 ? [] : numbers(bars.length, Lowest.calculate({ period: int(p, 'period'), values: series(bars, src(p)) })),
  },
]);

const BY_NAME = new Map<string, IndicatorSpec>(INDICATORS.map((s) => [s.name, s]));

export function findIndicator(name: string): IndicatorSpec | undefined {
  return BY_NAME.get(name);
}

// ---------------------------------------------------------------------------------------------------------
// Parameter validation

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function checkField(spec: IndicatorSpec, def: IndicatorParameter, v: unknown): number | string {
  const range = def.max === undefined ? `>= ${def.min ?? 0}` : `between ${def.min} and ${def.max}`;
  const fail = (what: string) => new IndicatorParamError(`${spec.name}: ${def.name} must be ${what} (got ${show(v)})`);
  switch (def.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < (def.min ?? 0) || (def.max !== undefined && v > def.max)) {
        throw fail(`an integer ${range}`);
      }
      return v;
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < (def.min ?? -Infinity) || (def.max !== undefined && v > def.max)) {
        throw fail(`a number ${range}`);
      }
      return v;
    case 'string':
      if (typeof v !== 'string' || (def.choices && !def.choices.includes(v))) {
        throw fail(def.choices ? `one of ${def.choices.join(', ')}` : 'a string');
      }
      return v;
  }
}

/**
 * Fills defaults, checks types/ranges/choices, rejects unknown keys (`ago` is allowed and checked, then
 * dropped). `raw` may come from a bot's vm context, so "plain object" is checked without comparing
 * prototypes (another realm has its own Object.prototype).
 */
export function resolveIndicatorParams(spec: IndicatorSpec, raw: unknown): IndicatorParams {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new IndicatorParamError(`${spec.name}: parameters must be an object such as ${exampleObject(spec)} (got ${show(raw)})`);
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const allowed = new Set(spec.parameters.map((p) => p.name));
  for (const key of Object.keys(given)) {
    if (key === AGO_PARAMETER.name) {
      if (given[key] !== undefined) checkField(spec, AGO_PARAMETER, given[key]);
    } else if (!allowed.has(key)) {
      const names = [...allowed, AGO_PARAMETER.name].join(', ');
      throw new IndicatorParamError(`${spec.name}: unknown parameter '${key}' (allowed: ${names})`);
    }
  }
  const out: IndicatorParams = {};
  for (const def of spec.parameters) {
    const v = Object.prototype.hasOwnProperty.call(given, def.name) ? given[def.name] : undefined;
    out[def.name] = v === undefined ? def.default : checkField(spec, def, v);
  }
  const problem = spec.check?.(out);
  if (problem) throw new IndicatorParamError(`${spec.name}: ${problem}`);
  return out;
}

function exampleObject(spec: IndicatorSpec): string {
  const first = spec.parameters[0];
  if (!first) return '{ ago: 1 }';
  return `{ ${first.name}: ${typeof first.default === 'string' ? `'${first.default}'` : first.default} }`;
}

// ---------------------------------------------------------------------------------------------------------
// Presentation

export interface IndicatorCatalogParameter {
  name: string;
  type: IndicatorParameter['type'];
  default: number | string;
  description: string;
}

export interface IndicatorCatalogEntry {
  name: string;
  display_name: string;
  description: string;
  parameters: IndicatorCatalogParameter[];
  example: string;
  usage: string;
}

export interface IndicatorCatalog {
  count: number;
  indicators: IndicatorCatalogEntry[];
}

/** The registry as served by `GET /api/strategies/strategies/available_indicators/` (Django's field set). */
export function indicatorCatalog(): IndicatorCatalog {
  const indicators = INDICATORS.map((s) => ({
    name: s.name,
    display_name: s.display_name,
    description: s.description,
    parameters: s.parameters.map((p) => ({ name: p.name, type: p.type, default: p.default, description: p.description })),
    example: s.example,
    usage: s.usage,
  }));
  return { count: indicators.length, indicators };
}

function signature(spec: IndicatorSpec): string {
  const params = spec.parameters.map((p) => `${p.name}=${typeof p.default === 'string' ? `'${p.default}'` : p.default}`).join(', ');
  const result = spec.outputs ? `{${spec.outputs.join(', ')}}` : 'number';
  return `${spec.name}(${params ? `{${params}}` : ''}) -> ${result}`;
}

/** Compact listing for the Gemini generation prompt (one line per indicator, well under 4 KB). */
export function formatIndicatorsForPrompt(): string {
  const lines = [
    'Indicators: ctx.indicators.NAME(params?) returns the value at the current bar, or null while warming up.',
    'Every call also accepts ago (bars back, default 0), e.g. ctx.indicators.sma({ period: 10, ago: 1 }).',
    `source is one of ${SOURCES.join('|')}. Object results are null until every key is ready.`,
    ...INDICATORS.map((s) => `- ${signature(s)}: ${s.display_name}`),
  ];
  return lines.join('\n');
}
