/**
 * fetch → store → calculate → backtest from the stored bars, end to end over HTTP: the synthetic source on
 * PostgreSQL and PGlite, a CSV folder, and Yahoo (the real `yahoo-finance2` against the wire-level fake).
 * The backtest is `POST /api/strategies/bot-performance/verify_bot/` (a real sandboxed bot run).
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { dataRequests, marketData, marketDataCoverage } from '../../src/database/schema';
import { UpstreamMarketData, MarketDataProvider } from '../../src/market-data/market-data.port';
import { YahooMarketDataProvider } from '../../src/market-data/yahoo.provider';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { SMA_CROSS_BOT, syntheticBars } from '../bots/bot-fixtures';
import { FakeYahoo } from '../fakes/fake-yahoo';
import { createTestApp, TestApp } from '../support/app';
import { bearer, DATABASES, OpenedDatabase, register, Registered } from '../support/auth';

jest.setTimeout(180_000);

const DAY = 86_400_000;
const AAPL_1Y = { symbol: 'AAPL', period: '1y', interval: '1d' } as const;

interface Ctx {
  t: TestApp;
  user: Registered;
  strategyId: number;
  dir: string;
  close: () => Promise<void>;
}

async function boot(db: OpenedDatabase, env: Record<string, string> = {}, overrides: Array<[unknown, unknown]> = []): Promise<Ctx> {
  const dir = mkdtempSync(join(tmpdir(), 'data-e2e-'));
  const t = await createTestApp({ ...db.env, BOTS_DIR: dir, BOT_TIMEOUT_MS: '10000', ...env }, { overrides });
  const user = await register(t.app, 'trader');
  const strategy = await t.app.get(StrategiesRepository).create({ name: 'SMA cross', strategyCode: SMA_CROSS_BOT, createdBy: user.id });
  return {
    t,
    user,
    strategyId: strategy.id,
    dir,
    close: async () => {
      await t.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const http = (c: Ctx) => request(c.t.app.getHttpServer());
const post = (c: Ctx, path: string, body: Record<string, unknown>) => http(c).post(path).set(bearer(c.user.access)).send(body);
const fetchData = (c: Ctx, body: Record<string, unknown>) => post(c, '/api/data/api/fetch_data/', body);
const verify = (c: Ctx, body: Record<string, unknown>) =>
  post(c, '/api/strategies/bot-performance/verify_bot/', { strategy_id: c.strategyId, ...body });
const db = (c: Ctx) => c.t.app.get(Database).connection.db;
const storedCount = async (c: Ctx) =>
  Number(
    (
      await db(c)
        .select({ n: sql<number>`count(*)` })
        .from(marketData)
    )[0].n,
  );

describe.each(DATABASES)('fetch → store → calculate → backtest with the synthetic source on %s', (_name, open) => {
  let c: Ctx;
  beforeAll(async () => {
    c = await boot(await open());
  });
  afterAll(() => c.close());

  it('stores a year of bars, calculates over them, and backtests from them', async () => {
    const fetched = await fetchData(c, { ...AAPL_1Y, indicators: ['EMA'] }).expect(200);
    expect(fetched.body.records_saved).toBe(fetched.body.total_records);
    expect(await storedCount(c)).toBe(fetched.body.total_records);

    const calc = await post(c, '/api/data/api/calculate_indicator/', {
      symbol: 'AAPL',
      indicator: 'ema',
      parameters: { timeperiod: 10 },
    }).expect(200);
    expect(calc.body.result.values).toHaveLength(fetched.body.total_records);
    const ema = calc.body.result.values.map((v: Record<string, number | null>) => v.EMA_10);
    expect(ema.slice(0, 9).every((v: number | null) => v === null)).toBe(true);
    expect(ema.slice(9).every((v: number | null) => typeof v === 'number')).toBe(true);

    // The layer answers with exactly the stored bars, which equal what the source gave.
    const source = c.t.app.get(UpstreamMarketData);
    const layered = c.t.app.get(MarketDataProvider);
    const [direct, stored] = await Promise.all([source.getBars(AAPL_1Y), layered.getBars(AAPL_1Y)]);
    expect(stored.bars).toEqual(direct.bars);

    const traded = await verify(c, { symbol: 'AAPL', timeframe: '1d' }).expect(200);
    expect(traded.body.performance.total_trades).toBeGreaterThan(0);

    // Flatten the stored bars: a backtest reading them cannot trade an SMA cross any more.
    await db(c).update(marketData).set({ openPrice: '100', highPrice: '100', lowPrice: '100', closePrice: '100' });
    const flat = await verify(c, { symbol: 'AAPL', timeframe: '1d' }).expect(200);
    expect(flat.body.performance).toMatchObject({ total_trades: 0, is_verified: false });
    expect((await layered.getBars(AAPL_1Y)).bars.every((b) => b.close === 100)).toBe(true);
  });

  it('serves a shorter period from a longer fetch, and goes back to the source once the fetch is stale', async () => {
    const layered = c.t.app.get(MarketDataProvider);
    const shorter = await layered.getBars({ symbol: 'AAPL', period: '1mo', interval: '1d' });
    expect(shorter.bars.length).toBeGreaterThan(15);
    expect(shorter.bars.every((b) => b.close === 100)).toBe(true);
    const newest = shorter.bars[shorter.bars.length - 1].time;
    expect(newest - shorter.bars[0].time).toBeLessThan(30 * DAY);

    await db(c)
      .update(marketDataCoverage)
      .set({ fetchedAt: new Date(Date.now() - 2 * DAY) });
    const fresh = await layered.getBars(AAPL_1Y);
    expect(fresh.bars.some((b) => b.close !== 100)).toBe(true);
    // Not fetched at all: the source answers.
    expect((await layered.getBars({ symbol: 'MSFT', period: '1y', interval: '1d' })).bars.length).toBeGreaterThan(200);
  });
});

describe('fetch → store → calculate → backtest with the CSV source', () => {
  let c: Ctx;
  let csvDir: string;
  beforeAll(async () => {
    csvDir = mkdtempSync(join(tmpdir(), 'data-csv-'));
    const rows = syntheticBars(300).map(
      (b) => `${new Date(b.time).toISOString().slice(0, 10)},${b.open},${b.high},${b.low},${b.close},${b.volume}`,
    );
    writeFileSync(join(csvDir, 'ACME.csv'), ['date,open,high,low,close,volume', ...rows].join('\n'));
    c = await boot(await DATABASES[1][1](), { DATA_SOURCE: 'csv', MARKET_DATA_CSV_DIR: csvDir });
  });
  afterAll(async () => {
    await c.close();
    rmSync(csvDir, { recursive: true, force: true });
  });

  it('stores the file, then backtests from the database after the file is gone', async () => {
    const fetched = await fetchData(c, { symbol: 'acme', period: '1y', interval: '1d', indicators: ['sma'] }).expect(200);
    expect(fetched.body).toMatchObject({ source: 'csv', synthetic: false, records_saved: 300, total_records: 300 });
    const again = await fetchData(c, { symbol: 'ACME', period: '1y' }).expect(200);
    expect(again.body.records_saved).toBe(0);

    const calc = await post(c, '/api/data/api/calculate_indicator/', { symbol: 'ACME', indicator: 'rsi' }).expect(200);
    expect(calc.body.result.values.at(-1).RSI_14).toEqual(expect.any(Number));

    const before = await verify(c, { symbol: 'ACME', timeframe: '1d' }).expect(200);
    unlinkSync(join(csvDir, 'ACME.csv'));
    const after = await verify(c, { symbol: 'ACME', timeframe: '1d' }).expect(200);
    expect(after.body.performance.total_trades).toBe(before.body.performance.total_trades);
    expect(after.body.performance.total_return).toBe(before.body.performance.total_return);
    expect(after.body.performance.total_trades).toBeGreaterThan(0);

    // Without stored bars, the missing file is the source's 404, and fetch_data records a failed request.
    const missing = await fetchData(c, { symbol: 'GONE' }).expect(404);
    expect(missing.body.error).toBe('No data found for the specified symbol and period');
    const [failed] = await db(c)
      .select()
      .from(dataRequests)
      .orderBy(sql`${dataRequests.id} desc`)
      .limit(1);
    expect(failed).toMatchObject({ status: 'failed', completedAt: null });
    expect(failed.errorMessage).toMatch(/GONE/);
  });
});

describe('fetch → store → calculate → backtest with Yahoo (wire-level fake)', () => {
  const fake = new FakeYahoo();
  let c: Ctx;
  beforeAll(async () => {
    await fake.start();
    const today = Math.floor(Date.now() / DAY) * DAY;
    const bars = syntheticBars(300).map((b, i) => ({ ...b, time: (today - (300 - i) * DAY + 13.5 * 3600_000) / 1000 }));
    fake.setBars('^GSPC', bars);
    const yahoo = new YahooMarketDataProvider({ timeoutMs: 3000, fetch: fake.fetch });
    c = await boot(await DATABASES[0][1](), { DATA_SOURCE: 'yahoo' }, [[UpstreamMarketData, yahoo]]);
  });
  afterAll(async () => {
    await c.close();
    await fake.stop();
  });

  it('stores Yahoo bars, backtests from them while Yahoo is down, and names Yahoo in the 503', async () => {
    const fetched = await fetchData(c, { symbol: '^gspc', period: '1y', interval: '1d', indicators: ['macd'] }).expect(200);
    expect(fetched.body).toMatchObject({ symbol: '^GSPC', source: 'yahoo', synthetic: false, total_records: 300, records_saved: 300 });
    expect(fake.requests).toHaveLength(1);
    const calc = await post(c, '/api/data/api/calculate_indicator/', { symbol: '^GSPC', indicator: 'MACD' }).expect(200);
    expect(calc.body.result.outputs).toEqual(['MACD', 'MACD_SIGNAL', 'MACD_HIST']);

    fake.failWith('^GSPC', 503);
    const run = await verify(c, { symbol: '^GSPC', timeframe: '1d' }).expect(200);
    expect(run.body.performance.total_trades).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);

    const down = await fetchData(c, { symbol: '^GSPC', period: '1y' }).expect(503);
    expect(down.body.error).toBe('Market data provider yahoo is unavailable');
    expect(down.headers['retry-after']).toBe('30');
    const [failed] = await db(c)
      .select()
      .from(dataRequests)
      .orderBy(sql`${dataRequests.id} desc`)
      .limit(1);
    expect(failed.status).toBe('failed');
    expect(await storedCount(c)).toBe(300);
    const requests = await http(c).get('/api/data/data-requests/').set(bearer(c.user.access)).expect(200);
    expect(requests.body.results.map((r: { status: string }) => r.status)).toEqual(['failed', 'completed']);
    expect(fake.unexpected).toEqual([]);
  });
});
