/** Query-string filters of the data lists (pure): each bad value is a 400 naming its parameter. */
import { parseCsvTime } from '../market-data/csv.provider';
import { DAY_MS } from '../market-data/market-data.port';
import { invalidField, isInterval, parseSymbol } from './core/data-request';

const empty = (v: string | undefined): v is undefined => v === undefined || v === '';

export function optionalSymbol(raw: string | undefined): string | undefined {
  return empty(raw) ? undefined : parseSymbol(raw, 'symbol');
}

export function optionalInterval(raw: string | undefined): string | undefined {
  if (empty(raw)) return undefined;
  if (!isInterval(raw)) throw invalidField('interval', `interval must be one of 1m, 2m, 5m, 15m, 30m, 60m, 90m, 1h, 1d, 5d, 1wk, 1mo, 3mo`);
  return raw;
}

/**
 * An ISO date or date-time (UTC unless it carries an offset). A bare date as `end` means the whole day
 * (…T23:59:59.999Z), so `end_date=2026-01-31` includes that day's bars.
 */
export function optionalTime(raw: string | undefined, field: string, end = false): Date | undefined {
  if (empty(raw)) return undefined;
  const ms = raw.length <= 40 ? parseCsvTime(raw.trim()) : Number.NaN;
  if (!Number.isFinite(ms) || /^\d+(\.\d+)?$/.test(raw.trim()))
    throw invalidField(field, `${field} must be an ISO date (2026-01-31) or date-time`);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw.trim());
  return new Date(end && dateOnly ? ms + DAY_MS - 1 : ms);
}

/** `start_date`/`end_date` with start ≤ end (else a 400 on start_date). */
export function timeRange(start: string | undefined, end: string | undefined): { from?: Date; to?: Date } {
  const from = optionalTime(start, 'start_date');
  const to = optionalTime(end, 'end_date', true);
  if (from && to && from > to) throw invalidField('start_date', 'start_date must not be after end_date');
  return { from, to };
}
