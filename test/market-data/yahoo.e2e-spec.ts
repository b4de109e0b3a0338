/**
 * `YahooMarketDataProvider` against the wire-level Yahoo fake: the real `yahoo-finance2` library, real HTTP
 * on 127.0.0.1 (the fake's `fetch` only rewrites the Yahoo host).
 */
import { Logger } from '@nestjs/common';
import { ErrorCode } from '../../src/common/domain-error';
import { MarketDataRequest } from '../../src/market-data/market-data.port';
import { YahooMarketDataProvider } from '../../src/market-data/yahoo.provider';
import { FakeYahoo, FakeYahooBar } from '../fakes/fake-yahoo';
import { domainError } from '../support/domain-error';

const NOW = Date.UTC(2024, 5, 14, 22, 0, 0); // Friday 2024-06-14, after the close
const DAY_S = 86400;

function dailyBars(count: number, lastDayS = NOW / 1000 - ((NOW / 1000) % DAY_S) + 13.5 * 3600): FakeYahooBar[] {
  return Array.from({ length: count }, (_, i) => {
    const close = 100 + i;
    return { time: lastDayS - (count - 1 - i) * DAY_S, open: close - 0.5, high: close + 1, low: close - 1, close, volume: 1000 + i };
  });
}

describe(YahooMarketDataProvider.name, () => {
  const fake = new FakeYahoo();
  const req: MarketDataRequest = { symbol: 'AAPL', period: '1mo', interval: '1d' };
  const provider = (timeoutMs = 2000) => new YahooMarketDataProvider({ timeoutMs, fetch: fake.fetch, now: () => NOW });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await fake.stop();
  });

  it('maps the chart timestamps (seconds ×1000) and OHLCV into bars', async () => {
    const bars = dailyBars(5);
    fake.setBars('AAPL', bars);

    const data = await provider().getBars(req);

    expect(data).toMatchObject({ symbol: 'AAPL', period: '1mo', interval: '1d', source: 'yahoo', synthetic: false });
    expect(data.bars).toEqual(
      bars.map((b) => ({ time: b.time * 1000, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })),
    );
    expect(fake.unexpected).toEqual([]);
  });

  it('asks the chart endpoint for the period ending at the clock, with the interval, over one request', async () => {
    fake.setBars('MSFT', dailyBars(3));

    await provider().getBars({ symbol: 'MSFT', period: '6mo', interval: '1wk' });

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: 'GET', path: '/v8/finance/chart/MSFT', host: 'query2.finance.yahoo.com' });
    expect(sent.query).toMatchObject({ interval: '1wk', period1: String((NOW - 180 * 86_400_000) / 1000), period2: String(NOW / 1000) });
  });

  it('drops rows whose open, high, low or close is null and turns a null volume into 0', async () => {
    const bars = dailyBars(6);
    bars[1] = { ...bars[1], open: null };
    bars[2] = { ...bars[2], close: null, high: null, low: null, open: null, volume: null };
    bars[3] = { ...bars[3], low: null };
    bars[4] = { ...bars[4], volume: null };
    fake.setBars('AAPL', bars);

    const data = await provider().getBars(req);

    expect(data.bars.map((b) => b.time)).toEqual([bars[0].time, bars[4].time, bars[5].time].map((s) => s * 1000));
    expect(data.bars[1].volume).toBe(0);
  });

  it('answers not_found for a symbol Yahoo does not know (404)', async () => {
    const err = await domainError(provider().getBars({ ...req, symbol: 'NOPE' }));

    expect(err.code).toBe(ErrorCode.NotFound);
    expect(err.message).toContain('NOPE');
  });

  it('answers not_found when every row is empty', async () => {
    fake.setBars('AAPL', [{ time: NOW / 1000 - DAY_S, open: null, high: null, low: null, close: null, volume: null }]);

    const err = await domainError(provider().getBars(req));

    expect(err.code).toBe(ErrorCode.NotFound);
  });

  it('answers not_found when Yahoo has no bars in the period (no timestamp array)', async () => {
    fake.setBars('AAPL', dailyBars(3, NOW / 1000 - 400 * DAY_S));

    const err = await domainError(provider().getBars(req));

    expect(err.code).toBe(ErrorCode.NotFound);
    expect(err.message).toBe('Yahoo Finance has no 1d data for AAPL over 1mo');
  });

  it('answers upstream_unavailable on a 500', async () => {
    fake.failWith('AAPL', 500);

    const err = await domainError(provider().getBars(req));

    expect(err.code).toBe(ErrorCode.UpstreamUnavailable);
    expect(err.message).toContain('HTTP 500');
  });

  it('answers upstream_unavailable on a 429', async () => {
    fake.failWith('AAPL', 429, 'Too Many Requests');

    expect((await domainError(provider().getBars(req))).code).toBe(ErrorCode.UpstreamUnavailable);
  });

  it("answers validation_failed with Yahoo's reason on a 400", async () => {
    fake.failWith('AAPL', 400, {
      chart: { result: null, error: { code: 'Bad Request', description: 'Invalid input - interval=1m is not supported' } },
    });

    const err = await domainError(provider().getBars(req));

    expect(err.code).toBe(ErrorCode.ValidationFailed);
    expect(err.message).toContain('interval=1m is not supported');
  });

  it('answers upstream_unavailable within the timeout when Yahoo hangs', async () => {
    fake.setBars('AAPL', dailyBars(3));
    fake.delayMs = 5000;

    const started = Date.now();
    const err = await domainError(provider(300).getBars(req));
    const elapsed = Date.now() - started;

    expect(err.code).toBe(ErrorCode.UpstreamUnavailable);
    expect(err.message).toContain('300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(280);
  });

  it('answers upstream_unavailable when the connection is refused', async () => {
    const down = new FakeYahoo();
    await down.start();
    await down.stop(); // its fetch still points at the now closed port

    const err = await domainError(new YahooMarketDataProvider({ timeoutMs: 2000, fetch: down.fetch, now: () => NOW }).getBars(req));

    expect(err.code).toBe(ErrorCode.UpstreamUnavailable);
    expect(err.message).toBe('Yahoo Finance could not be reached');
  });

  it('answers upstream_failed when the body is not the chart shape', async () => {
    fake.failWith('AAPL', 200, { chart: { result: [{ meta: { symbol: 'AAPL' }, timestamp: 'soon', indicators: {} }], error: null } });

    expect((await domainError(provider().getBars(req))).code).toBe(ErrorCode.UpstreamFailed);
  });

  it('fake fetch refuses hosts other than Yahoo Finance (fails closed)', async () => {
    await expect(fake.fetch('https://example.com/v8/finance/chart/AAPL')).rejects.toThrow(
      'fake-yahoo: refusing request to https://example.com',
    );
  });
});
