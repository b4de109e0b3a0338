/**
 * In-process Yahoo Finance chart API fake on 127.0.0.1 for wire-level tests of `YahooMarketDataProvider`.
 *
 * Serves `GET /v8/finance/chart/:symbol?period1=&period2=&interval=` with the real JSON shape
 * (`{ chart: { result: [{ meta, timestamp, indicators: { quote: [...], adjclose: [...] } }], error: null } }`,
 * times in epoch seconds, nulls where Yahoo has gaps) and Yahoo's error bodies (unknown symbol → 404
 * `{ chart: { result: null, error: { code: 'Not Found', ... } } }`). `chart()` needs no cookie or crumb, so
 * nothing else is served: any other path is a 404 recorded in `unexpected`.
 *
 * `yahoo-finance2` always builds `https://query{1,2}.finance.yahoo.com/...` URLs and only lets callers inject
 * `fetch`, so `fake.fetch` rewrites those hosts to this server and calls the real global fetch (a real HTTP
 * round trip). Any other host is refused (fail closed).
 */
import type http from 'node:http';
import { Sleeper, writeJson } from './fake-gemini-http';
import { LoopbackServer } from './loopback-server';

export interface FakeYahooBar {
  /** Epoch seconds. */
  time: number;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
}

export interface FakeYahooRequest {
  method: string;
  path: string;
  symbol: string | null;
  query: Record<string, string>;
  /** The host the client meant to reach (before `fetch` rewrote it). */
  host: string | null;
}

const YAHOO_HOSTS = new Set(['query1.finance.yahoo.com', 'query2.finance.yahoo.com']);
const CHART_RE = /^\/v8\/finance\/chart\/([^/]+)$/;

export class FakeYahoo {
  readonly requests: FakeYahooRequest[] = [];
  /** Requests to anything but the chart endpoint (the library should send none). */
  readonly unexpected: FakeYahooRequest[] = [];
  /** Delay before every answer, in ms. */
  delayMs = 0;

  private readonly series = new Map<string, FakeYahooBar[]>();
  private readonly failures = new Map<string, { status: number; body: unknown }>();
  private readonly sleeper = new Sleeper();
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res) => writeJson(res, 500, { chart: { result: null, error: { code: 'Internal Server Error', description: 'fake-yahoo crashed' } } }),
  );

  /**
   * fetch for `new YahooMarketDataProvider({ fetch })`: Yahoo hosts go to this server over real HTTP, any
   * other URL is refused. Start the server first.
   */
  readonly fetch: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    if (!YAHOO_HOSTS.has(url.hostname) || !this.server.url) {
      return Promise.reject(
        new Error(`fake-yahoo: refusing request to ${url.origin} (not a Yahoo Finance host, or the fake is not started)`),
      );
    }
    const target = new URL(url.pathname + url.search, this.server.url);
    const headers = new Headers(init?.headers);
    headers.set('x-original-host', url.hostname);
    return globalThis.fetch(target, { ...init, headers });
  };

  async start(): Promise<string> {
    return this.server.start();
  }

  /** Stops the server, dropping hanging and delayed requests. */
  async stop(): Promise<void> {
    this.sleeper.clear();
    await this.server.stop();
  }

  /** Sets the bars served for a symbol (case-sensitive, as Yahoo's upper-case tickers). */
  setBars(symbol: string, bars: FakeYahooBar[]): void {
    this.series.set(symbol, bars);
    this.failures.delete(symbol);
  }

  /** Makes every chart request for `symbol` answer `status` with `body` (default: a Yahoo-style error body). */
  failWith(symbol: string, status: number, body?: unknown): void {
    this.failures.set(symbol, {
      status,
      body: body ?? {
        chart: {
          result: null,
          error: { code: status >= 500 ? 'Internal Server Error' : 'Bad Request', description: `fake failure ${status}` },
        },
      },
    });
  }

  reset(): void {
    this.series.clear();
    this.failures.clear();
    this.requests.length = 0;
    this.unexpected.length = 0;
    this.delayMs = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = CHART_RE.exec(url.pathname);
    const record: FakeYahooRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      symbol: m ? decodeURIComponent(m[1]) : null,
      query: Object.fromEntries(url.searchParams),
      host: typeof req.headers['x-original-host'] === 'string' ? req.headers['x-original-host'] : null,
    };
    this.requests.push(record);
    if (this.delayMs > 0 && !(await this.sleeper.sleep(this.delayMs, res))) return;
    if (!m || record.method !== 'GET') {
      this.unexpected.push(record);
      writeJson(res, 404, { finance: { result: null, error: { code: 'Not Found', description: 'HTTP 404 Not Found' } } });
      return;
    }
    const symbol = record.symbol!;
    const failure = this.failures.get(symbol);
    if (failure) {
      writeJson(res, failure.status, failure.body);
      return;
    }
    const bars = this.series.get(symbol);
    if (!bars) {
      writeJson(res, 404, { chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } });
      return;
    }
    const p1 = Number(record.query.period1 ?? 0);
    const p2 = Number(record.query.period2 ?? Number.MAX_SAFE_INTEGER);
    const interval = record.query.interval ?? '1d';
    writeJson(
      res,
      200,
      chartBody(
        symbol,
        interval,
        bars.filter((b) => b.time >= p1 && b.time < p2),
      ),
    );
  }
}

/** A chart API 200 body as Yahoo sends it (meta trimmed to its usual fields). */
export function chartBody(symbol: string, interval: string, bars: FakeYahooBar[]): unknown {
  const last = bars[bars.length - 1];
  const tp = (start: number, end: number) => ({ timezone: 'EST', start, end, gmtoffset: -18000 });
  const highs = bars.flatMap((b) => (b.high === null ? [] : [b.high]));
  const lows = bars.flatMap((b) => (b.low === null ? [] : [b.low]));
  const day = last ? last.time - (last.time % 86400) : 1_700_000_000;
  const result: Record<string, unknown> = {
    meta: {
      currency: 'USD',
      symbol,
      exchangeName: 'NMS',
      fullExchangeName: 'NasdaqGS',
      instrumentType: 'EQUITY',
      firstTradeDate: 345479400,
      regularMarketTime: last?.time ?? day,
      hasPrePostMarketData: true,
      gmtoffset: -18000,
      timezone: 'EST',
      exchangeTimezoneName: 'America/New_York',
      regularMarketPrice: last?.close ?? 0,
      fiftyTwoWeekHigh: Math.max(0, ...highs),
      fiftyTwoWeekLow: lows.length > 0 ? Math.min(...lows) : 0,
      regularMarketDayHigh: last?.high ?? 0,
      regularMarketDayLow: last?.low ?? 0,
      regularMarketVolume: last?.volume ?? 0,
      longName: `${symbol} Inc.`,
      shortName: `${symbol} Inc.`,
      chartPreviousClose: bars[0]?.close ?? 0,
      priceHint: 2,
      currentTradingPeriod: {
        pre: tp(day + 32400, day + 52200),
        regular: tp(day + 52200, day + 75600),
        post: tp(day + 75600, day + 90000),
      },
      dataGranularity: interval,
      range: '',
      validRanges: ['1d', '5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'ytd', 'max'],
    },
    indicators: { quote: [{}] },
  };
  if (bars.length > 0) {
    result.timestamp = bars.map((b) => b.time);
    result.indicators = {
      quote: [
        {
          open: bars.map((b) => b.open),
          high: bars.map((b) => b.high),
          low: bars.map((b) => b.low),
          close: bars.map((b) => b.close),
          volume: bars.map((b) => b.volume),
        },
      ],
      adjclose: [{ adjclose: bars.map((b) => b.close) }],
    };
  }
  return { chart: { result: [result], error: null } };
}
