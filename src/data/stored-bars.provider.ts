/**
 * The database in front of the market-data source: a backtest or bot run asking for bars that a fetch
 * (`POST /api/data/api/fetch_data/`) stored reads them from `market_data` instead of calling the source again.
 *
 * Freshness rule. Stored bars answer a request for (symbol, interval, period) when the newest completed fetch of
 * that symbol and interval from the configured source
 * - covered at least the requested number of days, and
 * - is younger than `MARKET_DATA_STORE_MAX_AGE_SECONDS` (default one day) — for intraday intervals younger than
 *   one bar as well (a 5m series fetched 6 minutes ago already misses a bar).
 * The answer is what that fetch stored: all of it for the same number of days, else the last `days` calendar
 * days up to the newest stored bar. Anything else (never fetched, too old, too short, `0` = off, the database
 * failing) goes to the source, untouched; backtests never write bars (only the fetch action does).
 */
import type { Bar } from '../backtest/engine/types';
import { systemClock } from '../common/clock';
import { AppLogger } from '../logging/app-logger';
import {
  DAY_MS,
  INTERVAL_MS,
  isIntraday,
  MarketData,
  MarketDataProvider,
  MarketDataRequest,
  requestDays,
} from '../market-data/market-data.port';

export interface StoredCoverage {
  symbolId: number;
  days: number;
  firstBar: Date;
  lastBar: Date;
  synthetic: boolean;
  fetchedAt: Date;
}

/** What the layer reads (implemented by `MarketDataRepository`). */
export interface StoredBarsReader {
  coverage(symbol: string, interval: string, source: string): Promise<StoredCoverage | null>;
  bars(symbolId: number, interval: string, from: Date, to: Date): Promise<Bar[]>;
}

/** The longest a stored series stays fresh, in ms (0 = never). */
export function maxAgeMs(req: MarketDataRequest, maxAgeSec: number): number {
  const limit = maxAgeSec * 1000;
  return isIntraday(req.interval) ? Math.min(limit, INTERVAL_MS[req.interval]) : limit;
}

/** The window of stored bars to serve, or null when the coverage is not fresh enough for `req` at `now`. */
export function storedWindow(req: MarketDataRequest, c: StoredCoverage, maxAgeSec: number, now: number): { from: Date; to: Date } | null {
  const days = requestDays(req);
  const age = now - c.fetchedAt.getTime();
  if (maxAgeSec <= 0 || c.days < days || age < 0 || age > maxAgeMs(req, maxAgeSec)) return null;
  const from = c.days === days ? c.firstBar : new Date(c.lastBar.getTime() - days * DAY_MS + 1);
  return { from, to: c.lastBar };
}

export class StoredBarsProvider implements MarketDataProvider {
  private readonly logger = new AppLogger('StoredBars');

  constructor(
    private readonly inner: MarketDataProvider,
    private readonly store: StoredBarsReader,
    private readonly maxAgeSec: number,
    /** Decides whether stored bars are still fresh (`MARKET_DATA_STORE_MAX_AGE_SECONDS`); the module passes the app's Clock. */
    private readonly now: () => number = () => systemClock.now(),
  ) {}

  get name(): MarketDataProvider['name'] {
    return this.inner.name;
  }

  async getBars(req: MarketDataRequest): Promise<MarketData> {
    return (await this.stored(req)) ?? this.inner.getBars(req);
  }

  /** The stored answer, or null to ask the source. */
  async stored(req: MarketDataRequest): Promise<MarketData | null> {
    if (this.maxAgeSec <= 0) return null;
    try {
      const c = await this.store.coverage(req.symbol, req.interval, this.inner.name);
      const window = c && storedWindow(req, c, this.maxAgeSec, this.now());
      if (!c || !window) return null;
      const bars = await this.store.bars(c.symbolId, req.interval, window.from, window.to);
      if (bars.length === 0) return null;
      return { symbol: req.symbol, period: req.period, interval: req.interval, source: this.inner.name, synthetic: c.synthetic, bars };
    } catch (e) {
      this.logger.warn('stored bars unavailable, asking the source', { source: this.inner.name, err: e });
      return null;
    }
  }
}
