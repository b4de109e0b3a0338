/**
 * A small in-memory LRU in front of a slow provider (Yahoo). Keyed by symbol|period|interval and the end of
 * the series: the UTC day for daily and longer bars, the current bar for intraday ones, so a cached answer
 * never outlives the data it describes. Concurrent identical requests share one upstream call; failures are
 * not cached.
 */
import { systemClock } from '../common/clock';
import { DAY_MS, INTERVAL_MS, isIntraday, MarketData, MarketDataProvider, MarketDataRequest } from './market-data.port';

export class CachedMarketDataProvider implements MarketDataProvider {
  private readonly entries = new Map<string, Promise<MarketData>>();

  constructor(
    private readonly inner: MarketDataProvider,
    private readonly maxEntries = 32,
    /** Decides which entries are current (the day or bar they describe); the module passes the app's Clock. */
    private readonly now: () => number = () => systemClock.now(),
  ) {}

  get name(): MarketDataProvider['name'] {
    return this.inner.name;
  }

  /** Number of cached (or in-flight) answers. */
  get size(): number {
    return this.entries.size;
  }

  getBars(req: MarketDataRequest): Promise<MarketData> {
    const step = isIntraday(req.interval) ? INTERVAL_MS[req.interval] : DAY_MS;
    const key = `${req.symbol}|${req.period}|${req.days ?? ''}|${req.interval}|${Math.floor(this.now() / step)}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.then(copy);
    }
    const pending = this.inner.getBars(req);
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return pending.then(copy);
  }
}

/** Callers get their own arrays and bars, so one caller cannot change another's cached data. */
function copy(data: MarketData): MarketData {
  return { ...data, bars: data.bars.map((b) => ({ ...b })) };
}
