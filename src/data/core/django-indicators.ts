/**
 * Django's indicator names and TA-Lib parameters on top of the bot SDK's registry (pure). The Django registry
 * (Data/registry.py) knew SMA, EMA, MACD, RSI, ADX, ATR, BOLLINGER, STOCH, OBV, SAR, CCI and VWAP, case-insensitive,
 * with TA-Lib parameter names (`timeperiod`, `fastperiod`, `nbdevup`…) and TA-Lib defaults, and named its output
 * columns like `SMA_30`, `MACD_SIGNAL`, `BB_UPPER_5`. Here each of those maps onto an SDK indicator; the SDK's own
 * names (`period`, `fast`, `stddev`…) are accepted beside the TA-Lib ones. The SDK's other indicators (wma, roc,
 * mfi, williams_r, highest, lowest, stochastic, psar) answer under their own names with SDK parameters, `timeperiod`
 * meaning `period`.
 */
import type { Bar } from '../../backtest/engine/types';
import {
  findIndicator,
  IndicatorParamError,
  IndicatorParams,
  IndicatorSpec,
  IndicatorValue,
  INDICATORS,
  resolveIndicatorParams,
} from '../../bots/sdk/indicators';
import { DomainError, ErrorCode } from '../../common/domain-error';

export type ParamValue = number | string;

interface TalibParam {
  /** The SDK parameter it feeds; null = accepted only at its default (TA-Lib's `matype` 0 = SMA). */
  sdk: string | null;
  default: number;
}

interface DjangoIndicator {
  name: string;
  sdk: string;
  category: string;
  params: Record<string, TalibParam>;
  /** Column name per SDK output key (`value` for a number), given the TA-Lib parameters. */
  columns(p: Record<string, ParamValue>): Record<string, string>;
}

const one = (tp: number, sdk = 'period'): Record<string, TalibParam> => ({ timeperiod: { sdk, default: tp } });
const col = (name: string) => (p: Record<string, ParamValue>) => ({ value: `${name}_${p.timeperiod}` });

const DJANGO: readonly DjangoIndicator[] = [
  { name: 'SMA', sdk: 'sma', category: 'trend', params: one(30), columns: col('SMA') },
  { name: 'EMA', sdk: 'ema', category: 'trend', params: one(30), columns: col('EMA') },
  {
    name: 'MACD',
    sdk: 'macd',
    category: 'trend',
    params: {
      fastperiod: { sdk: 'fast', default: 12 },
      slowperiod: { sdk: 'slow', default: 26 },
      signalperiod: { sdk: 'signal', default: 9 },
    },
    columns: () => ({ macd: 'MACD', signal: 'MACD_SIGNAL', histogram: 'MACD_HIST' }),
  },
  { name: 'RSI', sdk: 'rsi', category: 'momentum', params: one(14), columns: col('RSI') },
  { name: 'ADX', sdk: 'adx', category: 'trend', params: one(14), columns: col('ADX') },
  { name: 'ATR', sdk: 'atr', category: 'volatility', params: one(14), columns: col('ATR') },
  {
    name: 'BOLLINGER',
    sdk: 'bollinger',
    category: 'volatility',
    params: {
      timeperiod: { sdk: 'period', default: 5 },
      nbdevup: { sdk: 'stddev', default: 2 },
      nbdevdn: { sdk: 'stddev', default: 2 },
      matype: { sdk: null, default: 0 },
    },
    columns: (p) => ({ upper: `BB_UPPER_${p.timeperiod}`, middle: `BB_MIDDLE_${p.timeperiod}`, lower: `BB_LOWER_${p.timeperiod}` }),
  },
  {
    name: 'STOCH',
    sdk: 'stochastic',
    category: 'momentum',
    params: {
      fastk_period: { sdk: 'period', default: 5 },
      slowk_period: { sdk: 'signal', default: 3 },
      slowk_matype: { sdk: null, default: 0 },
      slowd_period: { sdk: null, default: 3 },
      slowd_matype: { sdk: null, default: 0 },
    },
    columns: () => ({ d: 'STOCH_SLOWK', slowd: 'STOCH_SLOWD' }),
  },
  { name: 'OBV', sdk: 'obv', category: 'volume', params: {}, columns: () => ({ value: 'OBV' }) },
  {
    name: 'SAR',
    sdk: 'psar',
    category: 'trend',
    params: { acceleration: { sdk: 'step', default: 0.02 }, maximum: { sdk: 'max', default: 0.2 } },
    columns: () => ({ value: 'SAR' }),
  },
  { name: 'CCI', sdk: 'cci', category: 'momentum', params: one(14), columns: col('CCI') },
  { name: 'VWAP', sdk: 'vwap', category: 'volume', params: {}, columns: () => ({ value: 'VWAP' }) },
];

const BY_DJANGO = new Map(DJANGO.map((d) => [d.name.toLowerCase(), d]));
const DJANGO_SDK = new Set(DJANGO.filter((d) => d.name.toLowerCase() === d.sdk).map((d) => d.sdk));
/** SDK indicators that are not also a Django name. */
const SDK_ONLY = INDICATORS.filter((s) => !DJANGO_SDK.has(s.name));

/** Lower-case names served by `api/available_indicators/`: the Django twelve, then the SDK's others. */
export function availableIndicatorNames(): string[] {
  return [...DJANGO.map((d) => d.name.toLowerCase()), ...SDK_ONLY.map((s) => s.name)];
}

/** Category of an indicator name (for seeding or display); undefined when unknown. */
export function indicatorCategory(name: string): string | undefined {
  return BY_DJANGO.get(name.toLowerCase())?.category;
}

export interface ResolvedIndicator {
  /** The name as served (`SMA`, `wma`). */
  name: string;
  spec: IndicatorSpec;
  sdkParams: IndicatorParams;
  /** The parameters in the caller's vocabulary, defaults filled (TA-Lib names for Django indicators). */
  params: Record<string, ParamValue>;
  /** SDK output key → column name. */
  columns: Record<string, string>;
  /** STOCH's slow %D: SMA of slow %K over this many bars. */
  slowd?: number;
}

function fail(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });
}

function paramObject(raw: unknown, field: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw fail(field, `${field} must be an object such as {"timeperiod": 20}`);
  return raw as Record<string, unknown>;
}

function sdkResolve(spec: IndicatorSpec, given: Record<string, unknown>, field: string): IndicatorParams {
  try {
    return resolveIndicatorParams(spec, given);
  } catch (e) {
    if (e instanceof IndicatorParamError) throw fail(field, e.message);
    throw e;
  }
}

function resolveDjango(d: DjangoIndicator, raw: Record<string, unknown>, field: string): ResolvedIndicator {
  const spec = findIndicator(d.sdk)!;
  const talib: Record<string, ParamValue> = Object.fromEntries(Object.entries(d.params).map(([k, v]) => [k, v.default]));
  const sdkGiven: Record<string, unknown> = {};
  const sdkNames = new Set(spec.parameters.map((p) => p.name));
  for (const [key, value] of Object.entries(raw)) {
    const t = d.params[key];
    if (t) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`${field}.${key}`, `${key} must be a number`);
      if (t.sdk === null && value !== t.default)
        throw fail(`${field}.${key}`, `${key} supports only ${t.default} (a simple moving average)`);
      talib[key] = value;
    } else if (sdkNames.has(key)) {
      sdkGiven[key] = value;
    } else {
      const allowed = [...Object.keys(d.params), ...sdkNames].join(', ');
      throw fail(`${field}.${key}`, `${d.name} has no parameter '${key}' (allowed: ${allowed || 'none'})`);
    }
  }
  // An SDK name sets the TA-Lib parameters that feed it (period → timeperiod, stddev → nbdevup and nbdevdn).
  for (const [key, value] of Object.entries(sdkGiven)) {
    for (const [tk, t] of Object.entries(d.params)) if (t.sdk === key && typeof value === 'number' && !(tk in raw)) talib[tk] = value;
  }
  if (d.name === 'BOLLINGER' && talib.nbdevup !== talib.nbdevdn) {
    throw fail(`${field}.nbdevdn`, `nbdevup and nbdevdn must be equal (got ${talib.nbdevup} and ${talib.nbdevdn})`);
  }
  const sdkParams: Record<string, unknown> = { ...sdkGiven };
  for (const [tk, t] of Object.entries(d.params)) if (t.sdk) sdkParams[t.sdk] = talib[tk];
  const resolved = sdkResolve(spec, sdkParams, field);
  const out: ResolvedIndicator = { name: d.name, spec, sdkParams: resolved, params: { ...talib }, columns: d.columns(talib) };
  if (typeof sdkGiven.source === 'string') out.params.source = sdkGiven.source;
  if (d.name === 'STOCH') {
    const slowd = talib.slowd_period;
    if (typeof slowd !== 'number' || !Number.isInteger(slowd) || slowd < 1 || slowd > 1000) {
      throw fail(`${field}.slowd_period`, 'slowd_period must be an integer between 1 and 1000');
    }
    out.slowd = slowd;
  }
  return out;
}

function resolveSdk(spec: IndicatorSpec, raw: Record<string, unknown>, field: string): ResolvedIndicator {
  const given = { ...raw };
  if ('timeperiod' in given && spec.parameters.some((p) => p.name === 'period')) {
    if ('period' in given) throw fail(`${field}.timeperiod`, 'send timeperiod or period, not both');
    given.period = given.timeperiod;
    delete given.timeperiod;
  }
  const resolved = sdkResolve(spec, given, field);
  const upper = spec.name.toUpperCase();
  const suffix = typeof resolved.period === 'number' ? `_${resolved.period}` : '';
  const columns: Record<string, string> = spec.outputs
    ? Object.fromEntries(spec.outputs.map((k) => [k, `${upper}_${k.toUpperCase()}${suffix}`]))
    : { value: `${upper}${suffix}` };
  return { name: spec.name, spec, sdkParams: resolved, params: { ...resolved }, columns };
}

/**
 * An indicator by Django or SDK name (any case) with its parameters, or a 400: an unknown name on `nameField`,
 * a bad parameter on `<paramsField>.<key>` (or `paramsField` for range errors from the SDK).
 */
export function resolveIndicator(
  name: unknown,
  rawParams: unknown,
  nameField = 'indicator',
  paramsField = 'parameters',
): ResolvedIndicator {
  if (typeof name !== 'string' || name.trim() === '') throw fail(nameField, `${nameField} must be an indicator name`);
  const key = name.trim().toLowerCase();
  const params = paramObject(rawParams, paramsField);
  const django = BY_DJANGO.get(key);
  if (django) return resolveDjango(django, params, paramsField);
  const spec = SDK_ONLY.find((s) => s.name === key);
  if (spec) return resolveSdk(spec, params, paramsField);
  throw fail(nameField, `Unknown indicator '${name.slice(0, 60)}' (available: ${availableIndicatorNames().join(', ')})`);
}

/** Trailing mean of the non-null values over `n` (null until n values are in). */
function rollingMean(values: Array<number | null>, n: number): Array<number | null> {
  const out = new Array<number | null>(values.length).fill(null);
  let sum = 0;
  const window: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    window.push(v);
    sum += v;
    if (window.length > n) sum -= window.shift()!;
    if (window.length === n) out[i] = sum / n;
  });
  return out;
}

/** One row per bar: each column's value, null during warm-up. */
export function computeIndicator(bars: readonly Bar[], r: ResolvedIndicator): Array<Record<string, number | null>> {
  const series: IndicatorValue[] = r.spec.compute(bars, r.sdkParams);
  const pick = (v: IndicatorValue, key: string): number | null => {
    if (v === null) return null;
    if (typeof v === 'number') return key === 'value' ? v : null;
    return v[key] ?? null;
  };
  const slowk = r.slowd !== undefined ? series.map((v) => pick(v, 'd')) : [];
  const slowd = r.slowd !== undefined ? rollingMean(slowk, r.slowd) : [];
  return series.map((v, i) => {
    const row: Record<string, number | null> = {};
    for (const [key, column] of Object.entries(r.columns)) row[column] = key === 'slowd' ? slowd[i] : pick(v, key);
    return row;
  });
}
