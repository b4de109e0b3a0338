/**
 * The data API's request vocabulary (pure): Django's `DataRequest` periods and intervals, symbols, and the
 * mapping of a period onto the market-data port (which knows `1mo`…`max`; `1d`, `5d`, `10y` and `ytd` travel
 * as an explicit number of days). Every refusal is a `validation_failed` naming the field.
 */
import { DomainError, ErrorCode } from '../../common/domain-error';
import {
  DAY_MS,
  Interval,
  intervalProblem,
  INTERVALS,
  isValidSymbol,
  MarketDataRequest,
  PERIOD_DAYS,
  Period,
  PERIODS,
} from '../../market-data/market-data.port';

export const DATA_PERIODS = ['1d', '5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'ytd', 'max'] as const;
export type DataPeriod = (typeof DATA_PERIODS)[number];
export const DATA_INTERVALS = INTERVALS;
export const DATA_REQUEST_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type DataRequestStatus = (typeof DATA_REQUEST_STATUSES)[number];

export function invalidField(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });
}

/** Why `raw` is not a symbol the data API stores (null when it is). Checked after trimming and upper-casing. */
export function symbolProblem(raw: unknown): string | null {
  if (typeof raw !== 'string') return 'symbol must be a string';
  const s = raw.trim();
  if (s === '') return 'symbol must not be blank';
  if (/\s/.test(s)) return 'symbol must not contain spaces';
  if (s.length > 20) return `symbol must be at most 20 characters (got ${s.length})`;
  if (!isValidSymbol(s.toUpperCase())) return 'symbol may hold only letters, digits, ".", "^", "=" and "-" (e.g. BRK-B, ^GSPC, EURUSD=X)';
  return null;
}

/** `raw` trimmed and upper-cased, or a 400 naming `field`. */
export function parseSymbol(raw: unknown, field = 'symbol'): string {
  const problem = symbolProblem(raw);
  if (problem) throw invalidField(field, problem.replace(/^symbol/, field));
  return (raw as string).trim().toUpperCase();
}

/** Calendar days of a data period at `now` (`ytd`: from 1 January UTC, today included; `max`: 10 years). */
export function dataPeriodDays(period: DataPeriod, now: number): number {
  switch (period) {
    case '1d':
      return 1;
    case '5d':
      return 5;
    case '10y':
      return 3650;
    case 'ytd': {
      const d = new Date(now);
      return Math.floor((now - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
    }
    default:
      return PERIOD_DAYS[period];
  }
}

/**
 * The market-data request for a data period: `1mo`…`5y` and `max` as they are; the others as the shortest
 * port period covering them plus their exact `days`. Refuses intervals that cannot serve the span, on
 * `interval` (1m over more than 7 days, a 1wk bar over 5 days…).
 */
export function toMarketDataRequest(symbol: string, period: DataPeriod, interval: Interval, now: number): MarketDataRequest {
  const days = dataPeriodDays(period, now);
  const problem = intervalProblem(interval, days, period);
  if (problem) throw invalidField('interval', problem);
  if ((PERIODS as readonly string[]).includes(period)) return { symbol, period: period as Period, interval };
  const covering = PERIODS.find((p) => PERIOD_DAYS[p] >= days) ?? 'max';
  return { symbol, period: covering, interval, days };
}

export function isDataPeriod(v: unknown): v is DataPeriod {
  return typeof v === 'string' && (DATA_PERIODS as readonly string[]).includes(v);
}

export function isInterval(v: unknown): v is Interval {
  return typeof v === 'string' && (INTERVALS as readonly string[]).includes(v);
}
