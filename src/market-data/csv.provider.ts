/**
 * Market data from CSV files: `<csvDir>/<SYMBOL>.csv`, one bar per row after a header row.
 *
 * Columns (case-insensitive, any order): `date` | `datetime` | `timestamp`, `open`, `high`, `low`, `close`,
 * optional `volume` (missing → 0); others (`adj close`, …) are ignored. Times are ISO 8601 (a date alone or a
 * date-time without offset is UTC) or epoch seconds / milliseconds. Rows may come in any order; they are
 * sorted. The period is counted back from the file's LAST bar, not from today, so fixtures stay valid.
 * No resampling: the file's bar spacing must match the requested interval.
 *
 * Errors: no file → `not_found` naming the symbol; a bad row → `upstream_failed` naming the file and line;
 * a spacing that does not match → `validation_failed` on `interval`. Messages never hold the server path.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Bar } from '../backtest/engine/types';
import { DomainError, ErrorCode } from '../common/domain-error';
import {
  DAY_MS,
  INTERVAL_MS,
  Interval,
  isIntraday,
  isValidSymbol,
  MarketData,
  MarketDataProvider,
  MarketDataRequest,
  requestDays,
} from './market-data.port';

const TIME_COLUMNS = ['date', 'datetime', 'timestamp'];
const HOUR_MS = 3_600_000;

function splitLine(line: string): string[] {
  return line.split(',').map((cell) =>
    cell
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
}

/** Epoch ms of an ISO date / date-time (UTC unless it carries an offset) or epoch seconds / ms; NaN if neither. */
export function parseCsvTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) return Number.NaN;
  const iso = m[2] ? `${m[1]}T${m[2]}${m[3] ?? 'Z'}` : `${m[1]}T00:00:00Z`;
  // Date.parse may roll 2024-02-31 over to March: refuse calendar dates that do not exist.
  const [y, mo, d] = m[1].split('-').map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return Number.NaN;
  return Date.parse(iso);
}

/**
 * Parses a whole CSV file into bars sorted by time. `file` is the name used in error messages.
 * Throws `upstream_failed` naming the file and the (1-based) line of the first problem.
 */
export function parseCsvBars(text: string, file: string): Bar[] {
  const bad = (line: number, why: string) => new DomainError(ErrorCode.UpstreamFailed, `${file} line ${line}: ${why}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new DomainError(ErrorCode.UpstreamFailed, `${file} is empty`);
  const header = splitLine(lines[headerAt]).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const timeCol = header.findIndex((h) => TIME_COLUMNS.includes(h));
  if (timeCol < 0) throw bad(headerAt + 1, 'header has no date, datetime or timestamp column');
  const cols = { open: col('open'), high: col('high'), low: col('low'), close: col('close') };
  const missing = Object.entries(cols)
    .filter(([, i]) => i < 0)
    .map(([name]) => name);
  if (missing.length > 0) throw bad(headerAt + 1, `header has no ${missing.join(', ')} column`);
  const volumeCol = col('volume');

  const rows: { bar: Bar; line: number }[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const line = i + 1;
    const cells = splitLine(lines[i]);
    if (cells.length < header.length) throw bad(line, `expected ${header.length} columns, found ${cells.length}`);
    const time = parseCsvTime(cells[timeCol]);
    if (!Number.isFinite(time)) throw bad(line, `${header[timeCol]} "${cells[timeCol].slice(0, 40)}" is not an ISO date or epoch time`);
    const num = (name: string, at: number): number => {
      const v = cells[at] === '' ? Number.NaN : Number(cells[at]);
      if (!Number.isFinite(v)) throw bad(line, `${name} "${cells[at].slice(0, 40)}" is not a number`);
      return v;
    };
    const bar: Bar = {
      time,
      open: num('open', cols.open),
      high: num('high', cols.high),
      low: num('low', cols.low),
      close: num('close', cols.close),
      volume: volumeCol < 0 || cells[volumeCol] === '' ? 0 : num('volume', volumeCol),
    };
    if (bar.open <= 0 || bar.high <= 0 || bar.low <= 0 || bar.close <= 0) throw bad(line, 'prices must be greater than 0');
    if (bar.volume < 0) throw bad(line, 'volume must not be negative');
    if (bar.high < Math.max(bar.open, bar.close, bar.low) || bar.low > Math.min(bar.open, bar.close)) {
      throw bad(line, 'high/low do not bracket open and close');
    }
    rows.push({ bar, line });
  }
  if (rows.length === 0) throw new DomainError(ErrorCode.UpstreamFailed, `${file} has no data rows`);
  rows.sort((a, b) => a.bar.time - b.bar.time || a.line - b.line);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].bar.time === rows[i - 1].bar.time) throw bad(rows[i].line, `duplicate time (same as line ${rows[i - 1].line})`);
  }
  return rows.map((r) => r.bar);
}

/** The interval family a file's median bar spacing belongs to, as a label for messages; null = irregular. */
export function describeSpacing(bars: Bar[]): { label: string; matches: (interval: Interval) => boolean } | null {
  if (bars.length < 2) return null;
  const gaps = bars
    .slice(1)
    .map((b, i) => b.time - bars[i].time)
    .sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  if (median < DAY_MS - 4 * HOUR_MS) {
    const minutes = Math.round(median / 60_000);
    return { label: `${minutes}-minute`, matches: (iv) => isIntraday(iv) && INTERVAL_MS[iv] === minutes * 60_000 };
  }
  if (median <= DAY_MS + 4 * HOUR_MS) return { label: 'daily', matches: (iv) => iv === '1d' };
  if (median >= 5 * DAY_MS && median <= 8 * DAY_MS) return { label: 'weekly', matches: (iv) => iv === '1wk' || iv === '5d' };
  if (median >= 27 * DAY_MS && median <= 32 * DAY_MS) return { label: 'monthly', matches: (iv) => iv === '1mo' };
  if (median >= 88 * DAY_MS && median <= 93 * DAY_MS) return { label: 'quarterly', matches: (iv) => iv === '3mo' };
  return { label: 'irregularly spaced', matches: () => false };
}

export class CsvMarketDataProvider implements MarketDataProvider {
  readonly name = 'csv' as const;
  private readonly dir: string;

  constructor(csvDir: string) {
    this.dir = path.resolve(csvDir);
  }

  async getBars(req: MarketDataRequest): Promise<MarketData> {
    const file = `${req.symbol}.csv`;
    const full = path.resolve(this.dir, file);
    if (!isValidSymbol(req.symbol) || path.dirname(full) !== this.dir) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid market data request: symbol', {
        symbol: ['symbol is not a valid ticker'],
      });
    }
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') throw new DomainError(ErrorCode.NotFound, `No CSV market data for symbol ${req.symbol}`);
      throw new DomainError(ErrorCode.UpstreamUnavailable, `CSV market data for ${req.symbol} could not be read (${code ?? 'error'})`);
    }
    const all = parseCsvBars(text, file);
    const spacing = describeSpacing(all);
    if (spacing && !spacing.matches(req.interval)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid market data request: interval', {
        interval: [
          `CSV data for ${req.symbol} is ${spacing.label}; interval ${req.interval} is not available (resampling is not supported)`,
        ],
      });
    }
    const since = all[all.length - 1].time - requestDays(req) * DAY_MS;
    return { ...req, source: 'csv', synthetic: false, bars: all.filter((b) => b.time > since) };
  }
}
