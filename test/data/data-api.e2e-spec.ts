/**
 * `/api/data/`: every route of Django's data_api over HTTP, on PostgreSQL and PGlite, with synthetic market
 * data: shapes field by field, filters and pages, who may write, bad input named by field.
 */
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../../src/database/database.module';
import { dataRequests, marketData, users } from '../../src/database/schema';
import { bearer, DATABASES, Registered } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';

jest.setTimeout(120_000);

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const DEC6 = expect.stringMatching(/^\d+\.\d{6}$/);
const BASE = '/api/data';

describe.each(DATABASES)('data API (/api/data/) on %s', (_name, open) => {
  let s: TwoUsers;
  let alice: Registered;
  let bob: Registered;
  const http = () => request(s.t.app.getHttpServer());
  const db = () => s.t.app.get(Database).connection.db;
  const as = (u: Registered) => bearer(u.access);
  const count = async (table: typeof dataRequests | typeof marketData) => (await db().select().from(table)).length;

  beforeAll(async () => {
    s = await appWithTwoUsers(open, [{ id: 'k1', project: 'p1' }]);
    ({ alice, bob } = s);
    await db().update(users).set({ isStaff: true }).where(eq(users.id, alice.id));
  });
  afterAll(() => s.close());

  it('answers the router root with each list route', async () => {
    const res = await http().get(`${BASE}/`).set(as(bob)).expect(200);
    expect(Object.keys(res.body)).toEqual(['symbols', 'data-requests', 'market-data', 'indicators', 'indicator-data']);
    expect(res.body.symbols).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/data\/symbols\/$/);
  });

  describe('symbols/', () => {
    let id: number;

    it('lets staff create a symbol and answers every field', async () => {
      const res = await http()
        .post(`${BASE}/symbols/`)
        .set(as(alice))
        .send({ symbol: 'brk-b', name: 'Berkshire Hathaway', exchange: 'NYSE' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        symbol: 'BRK-B',
        name: 'Berkshire Hathaway',
        exchange: 'NYSE',
        sector: '',
        industry: '',
        is_active: true,
        created_at: ISO,
        updated_at: ISO,
      });
      id = res.body.id;
    });

    it('refuses writes from non-staff with 403 and lets them read', async () => {
      await http().post(`${BASE}/symbols/`).set(as(bob)).send({ symbol: 'MSFT', name: 'Microsoft' }).expect(403);
      await http().patch(`${BASE}/symbols/${id}/`).set(as(bob)).send({ name: 'x' }).expect(403);
      await http().delete(`${BASE}/symbols/${id}/`).set(as(bob)).expect(403);
      const got = await http().get(`${BASE}/symbols/${id}/`).set(as(bob)).expect(200);
      expect(got.body.symbol).toBe('BRK-B');
    });

    it('needs a token', async () => {
      await http().get(`${BASE}/symbols/`).expect(401);
      await http().post(`${BASE}/api/fetch_data/`).send({ symbol: 'AAPL' }).expect(401);
    });

    it.each([
      ['a space', { symbol: 'BRK B', name: 'x' }, 'symbol', /spaces/],
      ['21 characters', { symbol: 'A'.repeat(21), name: 'x' }, 'symbol', /at most 20/],
      ['a slash', { symbol: 'A/B', name: 'x' }, 'symbol', /letters, digits/],
      ['no name', { symbol: 'XYZ' }, 'name', /name/],
    ])('answers 400 naming the field for a symbol with %s', async (_what, body, field, message) => {
      const res = await http().post(`${BASE}/symbols/`).set(as(alice)).send(body).expect(400);
      expect(Object.keys(res.body.details)).toEqual([field]);
      expect(res.body.details[field].join(' ')).toMatch(message);
    });

    it('answers 400 for a taken symbol', async () => {
      const res = await http().post(`${BASE}/symbols/`).set(as(alice)).send({ symbol: 'BRK-B', name: 'again' }).expect(400);
      expect(res.body.details).toEqual({ symbol: ['symbol with this symbol already exists.'] });
    });

    it('bulk_create stores the missing ones (strings or objects, upper-cased) and answers only those', async () => {
      const res = await http()
        .post(`${BASE}/symbols/bulk_create/`)
        .set(as(alice))
        .send({ symbols: ['^gspc', { symbol: 'EURUSD=X', name: 'Euro / Dollar', sector: 'FX' }, 'BRK-B', '^GSPC'] })
        .expect(201);
      expect(res.body.map((r: { symbol: string }) => r.symbol)).toEqual(['EURUSD=X', '^GSPC']);
      expect(res.body[0]).toMatchObject({ name: 'Euro / Dollar', sector: 'FX', is_active: true });
      const again = await http()
        .post(`${BASE}/symbols/bulk_create/`)
        .set(as(alice))
        .send({ symbols: ['^GSPC'] })
        .expect(201);
      expect(again.body).toEqual([]);
    });

    it.each([
      [{ symbols: 'AAPL' }, 'symbols'],
      [{}, 'symbols'],
      [{ symbols: ['OK1', { symbol: 'OK2', colour: 'red' }] }, 'symbols[1].colour'],
      [{ symbols: ['OK1', 'BAD ONE'] }, 'symbols[1].symbol'],
      [{ symbols: [42] }, 'symbols[0]'],
    ])('bulk_create answers 400 naming the item and writes nothing for %j', async (body, field) => {
      const res = await http().post(`${BASE}/symbols/bulk_create/`).set(as(alice)).send(body).expect(400);
      expect(Object.keys(res.body.details)).toEqual([field]);
      const search = await http().get(`${BASE}/symbols/search/?q=OK1`).set(as(bob)).expect(200);
      expect(search.body).toEqual([]);
    });

    it('search finds active symbols by symbol or name, any case, and needs q', async () => {
      const res = await http().get(`${BASE}/symbols/search/?q=berk`).set(as(bob)).expect(200);
      expect(res.body.map((r: { symbol: string }) => r.symbol)).toEqual(['BRK-B']);
      await http().patch(`${BASE}/symbols/${id}/`).set(as(alice)).send({ is_active: false }).expect(200);
      expect((await http().get(`${BASE}/symbols/search/?q=berk`).set(as(bob)).expect(200)).body).toEqual([]);
      await http().patch(`${BASE}/symbols/${id}/`).set(as(alice)).send({ is_active: true }).expect(200);
      const missing = await http().get(`${BASE}/symbols/search/`).set(as(bob)).expect(400);
      expect(missing.body.error).toBe('Query parameter q is required');
      expect((await http().get(`${BASE}/symbols/search/?q=%25`).set(as(bob)).expect(200)).body).toEqual([]);
    });

    it('lists by symbol in DRF pages', async () => {
      const res = await http().get(`${BASE}/symbols/`).set(as(bob)).expect(200);
      expect(res.body).toMatchObject({ count: 3, next: null, previous: null });
      expect(res.body.results.map((r: { symbol: string }) => r.symbol)).toEqual(['BRK-B', 'EURUSD=X', '^GSPC']);
      await http().get(`${BASE}/symbols/?page=0`).set(as(bob)).expect(400);
      await http().get(`${BASE}/symbols/abc/`).set(as(bob)).expect(400);
      await http().get(`${BASE}/symbols/999999/`).set(as(bob)).expect(404);
    });
  });

  describe('api/fetch_data/', () => {
    let first: request.Response;

    it('fetches, stores and answers the Django shape with indicators', async () => {
      first = await http()
        .post(`${BASE}/api/fetch_data/`)
        .set(as(bob))
        .send({ symbol: 'aapl', period: '1mo', interval: '1d', indicators: ['sma', 'RSI', 'macd'] })
        .expect(200);
      const b = first.body;
      expect(b).toMatchObject({ status: 'completed', symbol: 'AAPL', source: 'synthetic', synthetic: true, records_updated: 0 });
      expect(b.request_id).toMatch(/^req_[0-9a-f]{8}$/);
      expect(b.records_saved).toBe(b.total_records);
      expect(b.total_records).toBeGreaterThan(15);
      expect(Object.keys(b.indicators)).toEqual(['sma', 'RSI', 'macd']);
      expect(b.indicators.sma).toMatchObject({ source_hint: 'technicalindicators', params: { timeperiod: 30 }, outputs: ['SMA_30'] });
      expect(b.indicators.sma.values).toHaveLength(b.total_records);
      expect(b.indicators.RSI.outputs).toEqual(['RSI_14']);
      expect(b.indicators.macd.outputs).toEqual(['MACD', 'MACD_SIGNAL', 'MACD_HIST']);
      const last = b.indicators.RSI.values[b.total_records - 1];
      expect(last).toEqual({ timestamp: ISO, RSI_14: expect.any(Number) });
      expect(Object.keys(b.data_sample)).toEqual(['Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume']);
      expect(Object.keys(b.data_sample.Close)).toHaveLength(5);
    });

    it('stores each bar once when the same range is fetched again', async () => {
      const before = await count(marketData);
      const again = await http().post(`${BASE}/api/fetch_data/`).set(as(bob)).send({ symbol: 'AAPL', period: '1mo' }).expect(200);
      expect(again.body).toMatchObject({ records_saved: 0, records_updated: 0, total_records: first.body.total_records });
      expect(again.body.request_id).not.toBe(first.body.request_id);
      expect(await count(marketData)).toBe(before);
    });

    it.each(['BRK-B', '^GSPC', 'EURUSD=X'])('accepts the symbol %s', async (symbol) => {
      const res = await http().post(`${BASE}/api/fetch_data/`).set(as(bob)).send({ symbol, period: '5d' }).expect(200);
      expect(res.body.symbol).toBe(symbol);
    });

    it.each([
      [{ symbol: 'BRK B' }, 'symbol'],
      [{ symbol: 'X'.repeat(21) }, 'symbol'],
      [{ symbol: '' }, 'symbol'],
      [{}, 'symbol'],
      [{ symbol: 'AAPL', period: '7y' }, 'period'],
      [{ symbol: 'AAPL', interval: '4h' }, 'interval'],
      [{ symbol: 'AAPL', period: '1y', interval: '1m' }, 'interval'],
      [{ symbol: 'AAPL', period: '5d', interval: '1wk' }, 'interval'],
      [{ symbol: 'AAPL', indicators: ['sma', 'nope'] }, 'indicators[1]'],
      [{ symbol: 'AAPL', indicators: 'sma' }, 'indicators'],
      [{ symbol: 'AAPL', extra: 1 }, 'extra'],
    ])('answers 400 naming the field and writes nothing for %j', async (body, field) => {
      const requests = await count(dataRequests);
      const res = await http().post(`${BASE}/api/fetch_data/`).set(as(bob)).send(body).expect(400);
      expect(Object.keys(res.body.details)).toContain(field);
      expect(await count(dataRequests)).toBe(requests);
    });

    it('records the requests: completed, with the symbol name, only the requester sees them', async () => {
      const mine = await http().get(`${BASE}/data-requests/`).set(as(bob)).expect(200);
      expect(mine.body.count).toBe(5);
      expect(mine.body.results[mine.body.results.length - 1]).toEqual({
        id: expect.any(Number),
        symbol_name: 'AAPL',
        request_id: first.body.request_id,
        period: '1mo',
        interval: '1d',
        status: 'completed',
        created_at: ISO,
        completed_at: ISO,
        error_message: '',
        symbol: expect.any(Number),
        requested_by: bob.id,
      });
      const id = mine.body.results[0].id;
      const outsider = await s.t.app.get(Database).connection.db.select().from(users);
      expect(outsider.length).toBe(2);
      await db().update(users).set({ isStaff: false }).where(eq(users.id, alice.id));
      try {
        expect((await http().get(`${BASE}/data-requests/`).set(as(alice)).expect(200)).body.count).toBe(0);
        await http().get(`${BASE}/data-requests/${id}/`).set(as(alice)).expect(404);
        await http().delete(`${BASE}/data-requests/${id}/`).set(as(alice)).expect(404);
      } finally {
        await db().update(users).set({ isStaff: true }).where(eq(users.id, alice.id));
      }
      expect((await http().get(`${BASE}/data-requests/${id}/`).set(as(alice)).expect(200)).body.requested_by).toBe(bob.id);
    });
  });

  describe('data-requests/ CRUD', () => {
    it('creates with a req_ id and the caller, changes and deletes', async () => {
      const symbol = (await http().get(`${BASE}/symbols/search/?q=AAPL`).set(as(bob))).body[0].id;
      const made = await http().post(`${BASE}/data-requests/`).set(as(bob)).send({ symbol, period: '6mo' }).expect(201);
      expect(made.body).toMatchObject({
        request_id: expect.stringMatching(/^req_[0-9a-f]{8}$/),
        status: 'pending',
        period: '6mo',
        interval: '1d',
        requested_by: bob.id,
        symbol_name: 'AAPL',
      });
      const changed = await http()
        .patch(`${BASE}/data-requests/${made.body.id}/`)
        .set(as(bob))
        .send({ status: 'failed', error_message: 'given up' })
        .expect(200);
      expect(changed.body).toMatchObject({ status: 'failed', error_message: 'given up' });
      await http().post(`${BASE}/data-requests/`).set(as(bob)).send({ symbol: 999999 }).expect(400);
      await http().patch(`${BASE}/data-requests/${made.body.id}/`).set(as(bob)).send({ status: 'done' }).expect(400);
      await http().delete(`${BASE}/data-requests/${made.body.id}/`).set(as(bob)).expect(204);
      await http().get(`${BASE}/data-requests/${made.body.id}/`).set(as(bob)).expect(404);
    });
  });

  describe('market-data/', () => {
    it('lists stored bars by timestamp with symbol, interval and date filters; decimals as strings', async () => {
      const all = await http().get(`${BASE}/market-data/?symbol=aapl&interval=1d`).set(as(bob)).expect(200);
      expect(all.body.count).toBeGreaterThan(15);
      const bar = all.body.results[0];
      expect(bar).toEqual({
        id: expect.any(Number),
        symbol_name: 'AAPL',
        timestamp: ISO,
        open_price: DEC6,
        high_price: DEC6,
        low_price: DEC6,
        close_price: DEC6,
        volume: expect.any(Number),
        adj_close: DEC6,
        interval: '1d',
        created_at: ISO,
        symbol: expect.any(Number),
      });
      const times = all.body.results.map((r: { timestamp: string }) => r.timestamp);
      expect([...times].sort()).toEqual(times);
      const day = times[3].slice(0, 10);
      const one = await http().get(`${BASE}/market-data/?symbol=AAPL&start_date=${day}&end_date=${day}`).set(as(bob)).expect(200);
      expect(one.body.results.map((r: { timestamp: string }) => r.timestamp)).toEqual([times[3]]);
      expect((await http().get(`${BASE}/market-data/?symbol=NOPE`).set(as(bob)).expect(200)).body.count).toBe(0);
    });

    it.each([
      ['start_date=yesterday', 'start_date'],
      ['end_date=2026-02-31', 'end_date'],
      ['start_date=2026-02-01&end_date=2026-01-01', 'start_date'],
      ['interval=4h', 'interval'],
      ['symbol=A%20B', 'symbol'],
      ['page=abc', 'page'],
    ])('answers 400 naming the filter for ?%s', async (query, field) => {
      const res = await http().get(`${BASE}/market-data/?${query}`).set(as(bob)).expect(400);
      expect(Object.keys(res.body.details)).toEqual([field]);
    });

    it('lets staff write bars by hand (unique per symbol, timestamp, interval) and nobody else', async () => {
      const symbol = (await http().get(`${BASE}/symbols/search/?q=BRK`).set(as(bob))).body[0].id;
      const body = {
        symbol,
        timestamp: '2020-01-02T00:00:00Z',
        open_price: '150.00',
        high_price: '152.5',
        low_price: 149,
        close_price: '151.75',
        volume: 1000,
      };
      await http().post(`${BASE}/market-data/`).set(as(bob)).send(body).expect(403);
      const made = await http().post(`${BASE}/market-data/`).set(as(alice)).send(body).expect(201);
      expect(made.body).toMatchObject({
        open_price: '150.000000',
        high_price: '152.500000',
        low_price: '149.000000',
        adj_close: null,
        interval: '1d',
        symbol_name: 'BRK-B',
      });
      const dup = await http().post(`${BASE}/market-data/`).set(as(alice)).send(body).expect(400);
      expect(Object.keys(dup.body.details)).toEqual(['non_field_errors']);
      await http()
        .post(`${BASE}/market-data/`)
        .set(as(alice))
        .send({ ...body, open_price: 'abc' })
        .expect(400);
      await http()
        .post(`${BASE}/market-data/`)
        .set(as(alice))
        .send({ ...body, symbol: 999999 })
        .expect(400);
      const patched = await http().patch(`${BASE}/market-data/${made.body.id}/`).set(as(alice)).send({ close_price: 160 }).expect(200);
      expect(patched.body.close_price).toBe('160.000000');
      await http().delete(`${BASE}/market-data/${made.body.id}/`).set(as(alice)).expect(204);
      await http().get(`${BASE}/market-data/${made.body.id}/`).set(as(bob)).expect(404);
    });
  });

  describe('indicators/ and indicator-data/', () => {
    it('keeps definitions by category, name; categories once each', async () => {
      const mk = (name: string, category: string) =>
        http()
          .post(`${BASE}/indicators/`)
          .set(as(alice))
          .send({ name, display_name: name.toUpperCase(), description: `${name} line`, category, parameters: { timeperiod: 14 } });
      const sma = await mk('sma', 'trend').expect(201);
      expect(sma.body).toEqual({
        id: expect.any(Number),
        name: 'sma',
        display_name: 'SMA',
        description: 'sma line',
        category: 'trend',
        parameters: { timeperiod: 14 },
        is_active: true,
        created_at: ISO,
      });
      await mk('ema', 'trend').expect(201);
      await mk('rsi', 'momentum').expect(201);
      await mk('sma', 'trend').expect(400);
      await http()
        .post(`${BASE}/indicators/`)
        .set(as(bob))
        .send({ name: 'x', display_name: 'x', description: 'x', category: 'x' })
        .expect(403);
      const list = await http().get(`${BASE}/indicators/`).set(as(bob)).expect(200);
      expect(list.body.results.map((r: { name: string }) => r.name)).toEqual(['rsi', 'ema', 'sma']);
      expect((await http().get(`${BASE}/indicators/categories/`).set(as(bob)).expect(200)).body).toEqual({
        categories: ['momentum', 'trend'],
      });
    });

    it('stores indicator values (staff) and filters them by symbol, indicator name and interval', async () => {
      const symbol = (await http().get(`${BASE}/symbols/search/?q=AAPL`).set(as(bob))).body[0].id;
      const indicator = (await http().get(`${BASE}/indicators/`).set(as(bob))).body.results.find(
        (r: { name: string }) => r.name === 'sma',
      ).id;
      const body = { symbol, indicator, timestamp: '2026-11-02T00:00:00Z', value: { SMA_20: 151.2 }, parameters: { timeperiod: 20 } };
      await http().post(`${BASE}/indicator-data/`).set(as(bob)).send(body).expect(403);
      const made = await http().post(`${BASE}/indicator-data/`).set(as(alice)).send(body).expect(201);
      expect(made.body).toEqual({
        id: expect.any(Number),
        symbol_name: 'AAPL',
        indicator_name: 'sma',
        timestamp: '2026-11-02T00:00:00.000Z',
        value: { SMA_20: 151.2 },
        parameters: { timeperiod: 20 },
        interval: '1d',
        created_at: ISO,
        symbol,
        indicator,
      });
      await http().post(`${BASE}/indicator-data/`).set(as(alice)).send(body).expect(400);
      await http()
        .post(`${BASE}/indicator-data/`)
        .set(as(alice))
        .send({ ...body, indicator: 999999 })
        .expect(400);
      expect((await http().get(`${BASE}/indicator-data/?symbol=AAPL&indicator=sma&interval=1d`).set(as(bob))).body.count).toBe(1);
      expect((await http().get(`${BASE}/indicator-data/?indicator=ema`).set(as(bob))).body.count).toBe(0);
      await http().delete(`${BASE}/indicators/${indicator}/`).set(as(alice)).expect(204);
      expect((await http().get(`${BASE}/indicator-data/`).set(as(bob))).body.count).toBe(0);
    });
  });

  describe('api/calculate_indicator/, api/available_indicators/, api/health/', () => {
    const calc = (body: Record<string, unknown>) => http().post(`${BASE}/api/calculate_indicator/`).set(as(bob)).send(body);

    it('computes over the stored bars, Django names and TA-Lib or SDK parameters', async () => {
      const res = await calc({ symbol: 'AAPL', indicator: 'sma', parameters: { period: 5 }, period: '1mo' }).expect(200);
      expect(res.body).toMatchObject({ symbol: 'AAPL', indicator: 'sma', parameters: { period: 5 } });
      expect(res.body.result).toMatchObject({ source_hint: 'technicalindicators', params: { timeperiod: 5 }, outputs: ['SMA_5'] });
      const values = res.body.result.values;
      expect(values.slice(0, 4).every((v: Record<string, unknown>) => v.SMA_5 === null)).toBe(true);
      expect(values[4].SMA_5).toEqual(expect.any(Number));
      const talib = await calc({ symbol: 'AAPL', indicator: 'SMA', parameters: { timeperiod: 5 }, period: '1mo' }).expect(200);
      expect(talib.body.result.values).toEqual(values);
      const bb = await calc({ symbol: 'AAPL', indicator: 'Bollinger', period: '1mo' }).expect(200);
      expect(bb.body.result.outputs).toEqual(['BB_UPPER_5', 'BB_MIDDLE_5', 'BB_LOWER_5']);
      const stoch = await calc({ symbol: 'AAPL', indicator: 'STOCH', period: '1mo' }).expect(200);
      expect(stoch.body.result.outputs).toEqual(['STOCH_SLOWK', 'STOCH_SLOWD']);
      expect(stoch.body.result.values.at(-1)).toEqual({ timestamp: ISO, STOCH_SLOWK: expect.any(Number), STOCH_SLOWD: expect.any(Number) });
      const sar = await calc({ symbol: 'AAPL', indicator: 'sar', parameters: { acceleration: 0.03 } }).expect(200);
      expect(sar.body.result.params).toEqual({ acceleration: 0.03, maximum: 0.2 });
    });

    it.each<[Record<string, unknown>, string]>([
      [{ symbol: 'AAPL', indicator: 'nope' }, 'indicator'],
      [{ symbol: 'AAPL', indicator: 'sma', parameters: { colour: 1 } }, 'parameters.colour'],
      [{ symbol: 'AAPL', indicator: 'sma', parameters: { timeperiod: 0 } }, 'parameters'],
      [{ symbol: 'AAPL', indicator: 'bollinger', parameters: { nbdevup: 2, nbdevdn: 3 } }, 'parameters.nbdevdn'],
      [{ symbol: 'AAPL', indicator: 'bollinger', parameters: { matype: 1 } }, 'parameters.matype'],
      [{ symbol: 'AAPL', indicator: 'sma', parameters: [1] }, 'parameters'],
      [{ symbol: 'AAPL', indicator: 'wma', parameters: { timeperiod: 5, period: 6 } }, 'parameters.timeperiod'],
      [{ symbol: 'A B', indicator: 'sma' }, 'symbol'],
      [{ symbol: 'AAPL', indicator: 'sma', interval: '4h' }, 'interval'],
    ])('answers 400 naming the field for %j', async (body, field) => {
      const res = await calc(body).expect(400);
      expect(Object.keys(res.body.details)).toEqual([field]);
    });

    it('answers 404 for an unknown symbol and for a symbol without bars of that interval', async () => {
      expect((await calc({ symbol: 'ZZZZ', indicator: 'sma' }).expect(404)).body.error).toBe('Symbol ZZZZ not found');
      const none = await calc({ symbol: 'AAPL', indicator: 'sma', interval: '1wk' }).expect(404);
      expect(none.body.error).toBe('No market data found for this symbol. Fetch data first.');
    });

    it('lists the indicator names in lower case, Django twelve first', async () => {
      const res = await http().get(`${BASE}/api/available_indicators/`).set(as(bob)).expect(200);
      expect(res.body.indicators.slice(0, 12)).toEqual([
        'sma',
        'ema',
        'macd',
        'rsi',
        'adx',
        'atr',
        'bollinger',
        'stoch',
        'obv',
        'sar',
        'cci',
        'vwap',
      ]);
      expect(res.body.indicators).toContain('williams_r');
    });

    it('reports health', async () => {
      const res = await http().get(`${BASE}/api/health/`).set(as(bob)).expect(200);
      expect(res.body).toEqual({
        status: 'healthy',
        database: 'connected',
        symbols_count: expect.any(Number),
        data_fetcher_available: true,
        indicators_available: true,
        data_source: 'synthetic',
        timestamp: ISO,
      });
    });
  });

  it('deleting a symbol (staff) removes its bars and requests', async () => {
    const aapl = (await http().get(`${BASE}/symbols/search/?q=AAPL`).set(as(bob))).body[0].id;
    const bars = await count(marketData);
    await http().delete(`${BASE}/symbols/${aapl}/`).set(as(alice)).expect(204);
    expect(await count(marketData)).toBeLessThan(bars);
    expect((await http().get(`${BASE}/market-data/?symbol=AAPL`).set(as(bob))).body.count).toBe(0);
    expect(
      (await http().get(`${BASE}/data-requests/`).set(as(bob))).body.results.every(
        (r: { symbol_name: string }) => r.symbol_name !== 'AAPL',
      ),
    ).toBe(true);
  });
});
