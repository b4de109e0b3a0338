import { DomainError, ErrorCode } from '../common/domain-error';
import { CachedMarketDataProvider } from './cached.provider';
import { DAY_MS, MarketData, MarketDataProvider, MarketDataRequest } from './market-data.port';

/** A provider that counts its calls and can be told to fail. */
class CountingProvider implements MarketDataProvider {
  readonly name = 'yahoo' as const;
  calls = 0;
  fail = false;

  async getBars(req: MarketDataRequest): Promise<MarketData> {
    this.calls++;
    if (this.fail) throw new DomainError(ErrorCode.UpstreamUnavailable, 'down');
    return { ...req, source: 'yahoo', synthetic: false, bars: [{ time: this.calls, open: 1, high: 1, low: 1, close: 1, volume: 1 }] };
  }
}

describe(CachedMarketDataProvider.name, () => {
  const req: MarketDataRequest = { symbol: 'AAPL', period: '1y', interval: '1d' };
  let now = Date.UTC(2024, 5, 14, 15);
  const clock = () => now;

  beforeEach(() => {
    now = Date.UTC(2024, 5, 14, 15);
  });

  it('answers the same request from memory the same day, with its own copy', async () => {
    const inner = new CountingProvider();
    const cached = new CachedMarketDataProvider(inner, 32, clock);
    const first = await cached.getBars(req);
    first.bars[0].close = 999;
    now += 3_600_000;
    const second = await cached.getBars(req);
    expect(inner.calls).toBe(1);
    expect(second.bars[0].close).toBe(1);
    expect(cached.name).toBe('yahoo');
  });

  it('asks again the next day, and for another symbol, period or interval', async () => {
    const inner = new CountingProvider();
    const cached = new CachedMarketDataProvider(inner, 32, clock);
    await cached.getBars(req);
    await cached.getBars({ ...req, symbol: 'MSFT' });
    await cached.getBars({ ...req, period: '5y' });
    await cached.getBars({ ...req, interval: '1wk' });
    now += DAY_MS;
    await cached.getBars(req);
    expect(inner.calls).toBe(5);
  });

  it('keys intraday requests by the current bar', async () => {
    const inner = new CountingProvider();
    const cached = new CachedMarketDataProvider(inner, 32, clock);
    const r: MarketDataRequest = { ...req, period: '1mo', interval: '5m' };
    await cached.getBars(r);
    await cached.getBars(r);
    now += 5 * 60_000;
    await cached.getBars(r);
    expect(inner.calls).toBe(2);
  });

  it('shares one upstream call between concurrent identical requests', async () => {
    const inner = new CountingProvider();
    const cached = new CachedMarketDataProvider(inner, 32, clock);
    await Promise.all([cached.getBars(req), cached.getBars(req), cached.getBars(req)]);
    expect(inner.calls).toBe(1);
  });

  it('does not cache failures', async () => {
    const inner = new CountingProvider();
    const cached = new CachedMarketDataProvider(inner, 32, clock);
    inner.fail = true;
    await expect(cached.getBars(req)).rejects.toThrow('down');
    inner.fail = false;
    await expect(cached.getBars(req)).resolves.toMatchObject({ symbol: 'AAPL' });
    expect(inner.calls).toBe(2);
  });

  it('evicts the least recently used entry beyond its size', async () => {
    const inner = new CountingProvider();
    const cached = new CachedMarketDataProvider(inner, 2, clock);
    await cached.getBars({ ...req, symbol: 'A' });
    await cached.getBars({ ...req, symbol: 'B' });
    await cached.getBars({ ...req, symbol: 'A' }); // A is now the most recent
    await cached.getBars({ ...req, symbol: 'C' }); // evicts B
    expect(cached.size).toBe(2);
    await cached.getBars({ ...req, symbol: 'A' });
    expect(inner.calls).toBe(3);
    await cached.getBars({ ...req, symbol: 'B' });
    expect(inner.calls).toBe(4);
  });
});
