/**
 * The market data port (issue 8, item 3): what a backtest asks for (symbol, period, interval) and the bars it
 * gets back. One implementation per source (synthetic, csv, yahoo), chosen by `DATA_SOURCE` in
 * `MarketDataModule`. Every expected failure is a `DomainError`:
 * - `validation_failed` — a bad request (details name the field: `{ symbol: [...], interval: [...] }`);
 * - `not_found` — the source has no data for the symbol;
 * - `upstream_unavailable` — the source cannot be reached (network, timeout, 5xx);
 * - `upstream_failed` — the source answered with something unusable (a malformed CSV file or Yahoo body).
 */
import { Bar } from '../backtest/engine/types';
import { DomainError, ErrorCode } from '../common/domain-error';

/** History lengths the Django API accepts (`test_config.period`). */
export const PERIODS = ['1mo', '3mo', '6mo', '1y', '2y', '5y', 'max'] as const;
export type Period = (typeof PERIODS)[number];

/**
 * Bar sizes. The Django contract passes `interval` straight to yfinance without listing values, so this is
 * yfinance's (and Yahoo's chart API's) set. `60m` and `1h` are the same size.
 */
export const INTERVALS = ['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h', '1d', '5d', '1wk', '1mo', '3mo'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Calendar days of history per period, as in the Django contract (`max` is capped at 10 years). */
export const PERIOD_DAYS: Readonly<Record<Period, number>> = Object.freeze({
  '1mo': 30,
  '3mo': 90,
  '6mo': 180,
  '1y': 365,
  '2y': 730,
  '5y': 1825,
  max: 3650,
});

const MINUTE = 60_000;
export const DAY_MS = 86_400_000;

/** Nominal length of one bar (months count as 30 and 90 days). */
export const INTERVAL_MS: Readonly<Record<Interval, number>> = Object.freeze({
  '1m': MINUTE,
  '2m': 2 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '60m': 60 * MINUTE,
  '90m': 90 * MINUTE,
  '1h': 60 * MINUTE,
  '1d': DAY_MS,
  '5d': 5 * DAY_MS,
  '1wk': 7 * DAY_MS,
  '1mo': 30 * DAY_MS,
  '3mo': 90 * DAY_MS,
});

/** Bars shorter than a day. */
export function isIntraday(interval: Interval): boolean {
  return INTERVAL_MS[interval] < DAY_MS;
}

/** Longest history (days) Yahoo serves for an intraday interval; daily and longer have no limit. */
export const INTRADAY_MAX_DAYS: Readonly<Partial<Record<Interval, number>>> = Object.freeze({
  '1m': 7,
  '2m': 60,
  '5m': 60,
  '15m': 60,
  '30m': 60,
  '90m': 60,
  '60m': 730,
  '1h': 730,
});

export type MarketDataSource = 'synthetic' | 'csv' | 'yahoo';

export interface MarketDataRequest {
  /** Upper case, 1–20 of `A-Z 0-9 . ^ = -` (so never a path). */
  symbol: string;
  period: Period;
  interval: Interval;
  /**
   * Calendar days of history when they differ from `PERIOD_DAYS[period]` (the data API's `1d`, `5d`, `ytd`);
   * set by callers that checked it (`checkIntervalForDays`), never by `parseMarketDataRequest`.
   */
  days?: number;
}

/** Calendar days of history a request asks for. */
export function requestDays(req: MarketDataRequest): number {
  return req.days ?? PERIOD_DAYS[req.period];
}

/**
 * Why `interval` cannot serve `days` of history (Yahoo's intraday limits, or a bar longer than the span), or
 * null when it can. `label` names the span in the message (a period such as `1mo`).
 */
export function intervalProblem(interval: Interval, days: number, label: string): string | null {
  const maxDays = INTRADAY_MAX_DAYS[interval];
  if (maxDays !== undefined && days > maxDays) {
    return `interval ${interval} allows at most ${maxDays} days of history, but period ${label} is ${days} days`;
  }
  if (INTERVAL_MS[interval] > days * DAY_MS) return `interval ${interval} is longer than period ${label}`;
  return null;
}

/** The defaults of the Django API's `test_config`. */
export const DEFAULT_MARKET_DATA_REQUEST: Readonly<MarketDataRequest> = Object.freeze({ symbol: 'AAPL', period: '1y', interval: '1d' });

export interface MarketData {
  symbol: string;
  period: Period;
  interval: Interval;
  source: MarketDataSource;
  /** True for generated data, so the UI can say so. */
  synthetic: boolean;
  /** Ascending by `time`, no duplicates. */
  bars: Bar[];
}

/**
 * The market-data port (the abstract class is the DI token): what backtests and bot runs read — the configured
 * source, behind the `MarketDataLayer` when one is provided (the data module's stored bars).
 */
export abstract class MarketDataProvider {
  abstract readonly name: MarketDataSource;
  /** Throws `DomainError` (see the file comment). `req` is expected to come from `parseMarketDataRequest`. */
  abstract getBars(req: MarketDataRequest): Promise<MarketData>;
}

/** DI token of the configured source itself (`DATA_SOURCE`, no layer in front), for callers that must ask it (the fetch action). */
export abstract class UpstreamMarketData extends MarketDataProvider {}

/** Optional decorator of the source (DI token); absent → `MarketDataProvider` is the source. */
export abstract class MarketDataLayer {
  abstract wrap(source: MarketDataProvider): MarketDataProvider;
}

export const SYMBOL_PATTERN = /^[A-Z0-9.^=-]{1,20}$/;

/** A symbol is also a file name for the CSV source: `.`/`..` alone are refused on top of the pattern. */
export function isValidSymbol(symbol: string): boolean {
  return SYMBOL_PATTERN.test(symbol) && !/^\.+$/.test(symbol);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return typeof value === 'string' ? `"${value.length > 24 ? `${value.slice(0, 24)}…` : value}"` : `a ${typeof value}`;
}

/**
 * `parseMarketDataRequest` of `given` over the defaults (AAPL, 1y, 1d): fields that are absent or undefined
 * (as in DTO instances) keep their default.
 */
export function marketDataRequestOrDefaults(
  given: { symbol?: unknown; period?: unknown; interval?: unknown } | undefined,
): MarketDataRequest {
  const set = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined));
  return parseMarketDataRequest({ ...DEFAULT_MARKET_DATA_REQUEST, ...set });
}

/**
 * Validates an untrusted `{ symbol, period, interval }` (for instance the API's `test_config` merged over
 * `DEFAULT_MARKET_DATA_REQUEST`). Symbols are trimmed and upper-cased. Throws `validation_failed` whose
 * details map each bad field to its messages; an interval too fine for the period (Yahoo's limits: 1m ≤ 7
 * days, other intraday ≤ 60 days, 60m/1h ≤ 730 days) or longer than the period is reported on `interval`.
 */
export function parseMarketDataRequest(raw: unknown): MarketDataRequest {
  const problems: Record<string, string[]> = {};
  const add = (field: string, message: string) => (problems[field] ??= []).push(message);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid market data request: expected an object with symbol, period and interval', {
      request: ['must be an object with symbol, period and interval'],
    });
  }
  const r = raw as Record<string, unknown>;

  let symbol = '';
  if (typeof r.symbol !== 'string') add('symbol', `symbol must be a string (got ${describe(r.symbol)})`);
  else {
    symbol = r.symbol.trim().toUpperCase();
    if (!isValidSymbol(symbol)) add('symbol', 'symbol must be 1-20 characters of letters, digits, ".", "^", "=" or "-"');
  }

  const period = r.period as Period;
  const periodOk = typeof period === 'string' && (PERIODS as readonly string[]).includes(period);
  if (!periodOk) add('period', `period must be one of ${PERIODS.join(', ')} (got ${describe(r.period)})`);

  const interval = r.interval as Interval;
  const intervalOk = typeof interval === 'string' && (INTERVALS as readonly string[]).includes(interval);
  if (!intervalOk) add('interval', `interval must be one of ${INTERVALS.join(', ')} (got ${describe(r.interval)})`);

  if (periodOk && intervalOk) {
    const problem = intervalProblem(interval, PERIOD_DAYS[period], period);
    if (problem) add('interval', problem);
  }

  const fields = Object.keys(problems);
  if (fields.length > 0) throw new DomainError(ErrorCode.ValidationFailed, `Invalid market data request: ${fields.join(', ')}`, problems);
  return { symbol, period, interval };
}
