/**
 * Market data from Yahoo Finance's chart API through `yahoo-finance2` (v3, `chart()` — needs no cookie or
 * crumb). The library builds `https://query2.finance.yahoo.com/v8/finance/chart/<symbol>` and calls the
 * `fetch` it is given: this provider always hands it a wrapper that adds the timeout's abort signal and turns
 * a non-2xx answer into an error carrying the status (so the library does not log it and we can classify it).
 * Tests pass `fetch` to point the wrapper at a fake server.
 *
 * Failures: unknown symbol (404) or no bars → `not_found`; network error, timeout, 429, 5xx →
 * `upstream_unavailable`; 400 → `validation_failed`; a body the library cannot validate → `upstream_failed`.
 * Rows with a null open/high/low/close are dropped; a null volume becomes 0.
 */
import type YahooFinance from 'yahoo-finance2';
import { AppLogger } from '../logging/app-logger';
import { Bar } from '../backtest/engine/types';
import { systemClock } from '../common/clock';
import { DomainError, ErrorCode } from '../common/domain-error';
import { DAY_MS, MarketData, MarketDataProvider, MarketDataRequest, requestDays } from './market-data.port';

export interface YahooProviderOptions {
  /** Longest wait for one request, queueing in the library included. */
  timeoutMs: number;
  /** The fetch under the wrapper (default: the global fetch at call time). */
  fetch?: typeof fetch;
  /** Clock for the end of the period (epoch ms); the module passes the app's Clock. */
  now?: () => number;
}

/** A non-2xx answer, thrown from inside the fetch wrapper. */
class YahooHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Yahoo Finance answered HTTP ${status}`);
    this.name = 'YahooHttpError';
  }
}

/** undici's "fetch failed" hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function describeReason(reason: unknown): string {
  const message = (x: unknown) => (x && typeof x === 'object' && 'message' in x ? String(x.message) : String(x));
  const cause = reason && typeof reason === 'object' && 'cause' in reason ? reason.cause : undefined;
  return cause === undefined ? message(reason) : `${message(reason)} (${message(cause)})`;
}

/** fetch itself failed: DNS, refused or reset connection, TLS, abort. */
class YahooNetworkError extends Error {
  constructor(readonly reason: unknown) {
    super(`Yahoo Finance could not be reached: ${describeReason(reason)}`);
    this.name = 'YahooNetworkError';
  }
}

class YahooTimeout extends Error {
  constructor() {
    super('timeout');
    this.name = 'YahooTimeout';
  }
}

/** Yahoo's own explanation in an error body (`{ chart: { error: { description } } }`), shortened; null if none. */
function yahooDescription(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { chart?: { error?: { description?: unknown } } };
    const text = parsed.chart?.error?.description;
    return typeof text === 'string' && text.trim() ? text.trim().slice(0, 200) : null;
  } catch {
    return null;
  }
}

export class YahooMarketDataProvider implements MarketDataProvider {
  readonly name = 'yahoo' as const;
  private readonly logger = new AppLogger('YahooMarketData');
  /** The library is loaded on first use: it is large, and most deployments never configure Yahoo. */
  private yf: Promise<InstanceType<typeof YahooFinance>> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: YahooProviderOptions) {
    this.now = options.now ?? (() => systemClock.now());
  }

  private client(): Promise<InstanceType<typeof YahooFinance>> {
    this.yf ??= import('yahoo-finance2').then(({ default: Yahoo }) => {
      const text = (args: unknown[]) => args.map(String).join(' ');
      const quiet = (...args: unknown[]) => this.logger.debug(text(args));
      // The library warns that it wants Node >= 22 at construction; chart() works on Node 20 (see the e2e tests).
      const warn = (...args: unknown[]) => (/Unsupported environment/.test(text(args)) ? quiet(...args) : this.logger.warn(text(args)));
      return new Yahoo({
        versionCheck: false, // no calls to the npm registry on errors
        suppressNotices: ['yahooSurvey'],
        validation: { logErrors: false, logOptionsErrors: false },
        logger: { info: quiet, warn, error: warn, debug: quiet, dir: quiet },
      });
    });
    return this.yf;
  }

  async getBars(req: MarketDataRequest): Promise<MarketData> {
    const { timeoutMs } = this.options;
    const controller = new AbortController();
    const base = this.options.fetch;
    const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
      let res: Response;
      try {
        res = await (base ?? globalThis.fetch)(input, { ...init, signal: controller.signal });
      } catch (error) {
        throw new YahooNetworkError(error);
      }
      if (!res.ok) throw new YahooHttpError(res.status, await res.text().catch(() => ''));
      return res;
    }) as typeof fetch;

    const end = this.now();
    const yf = await this.client();
    const work = yf.chart(
      req.symbol,
      {
        period1: new Date(end - requestDays(req) * DAY_MS),
        period2: new Date(end),
        interval: req.interval,
        includePrePost: false,
        return: 'array',
      },
      { fetch: wrapped },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new YahooTimeout());
      }, timeoutMs);
    });

    let quotes: Awaited<typeof work>['quotes'];
    try {
      quotes = (await Promise.race([work, timeout])).quotes;
    } catch (error) {
      throw this.classify(error, req, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }

    const bars: Bar[] = [];
    for (const q of quotes) {
      if (q.open == null || q.high == null || q.low == null || q.close == null) continue;
      const time = q.date.getTime();
      if (!Number.isFinite(time)) continue;
      const bar = { time, open: q.open, high: q.high, low: q.low, close: q.close, volume: q.volume ?? 0 };
      // Yahoo may repeat the live bar at the end: keep one bar per time, the latest.
      if (bars.length > 0 && bars[bars.length - 1].time >= time) {
        if (bars[bars.length - 1].time === time) bars[bars.length - 1] = bar;
        continue;
      }
      bars.push(bar);
    }
    if (bars.length === 0) {
      throw new DomainError(ErrorCode.NotFound, `Yahoo Finance has no ${req.interval} data for ${req.symbol} over ${req.period}`);
    }
    return { ...req, source: 'yahoo', synthetic: false, bars };
  }

  private classify(error: unknown, req: MarketDataRequest, aborted: boolean): DomainError {
    const { timeoutMs } = this.options;
    if (error instanceof YahooTimeout || aborted) {
      return new DomainError(ErrorCode.UpstreamUnavailable, `Yahoo Finance did not answer within ${timeoutMs} ms`);
    }
    if (error instanceof YahooHttpError) {
      const why = yahooDescription(error.body);
      if (error.status === 404)
        return new DomainError(ErrorCode.NotFound, `Unknown symbol ${req.symbol}: Yahoo Finance has no data for it`);
      if (error.status === 400) {
        return new DomainError(ErrorCode.ValidationFailed, `Yahoo Finance rejected the request${why ? `: ${why}` : ''}`, {
          interval: [why ?? `Yahoo Finance rejected ${req.interval} over ${req.period}`],
        });
      }
      return new DomainError(ErrorCode.UpstreamUnavailable, `Yahoo Finance is unavailable (HTTP ${error.status})`);
    }
    if (error instanceof YahooNetworkError) {
      this.logger.warn(`chart(${req.symbol}) failed: ${error.message}`);
      return new DomainError(ErrorCode.UpstreamUnavailable, 'Yahoo Finance could not be reached');
    }
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.warn(`chart(${req.symbol}) failed: ${err.name}: ${err.message}`);
    if (err.name === 'FailedYahooValidationError') {
      return new DomainError(ErrorCode.UpstreamFailed, 'Yahoo Finance answered with data in an unexpected shape');
    }
    // An error object inside a 2xx body ("Not Found: No data found, symbol may be delisted").
    if (/not found|delisted/i.test(err.message))
      return new DomainError(ErrorCode.NotFound, `Unknown symbol ${req.symbol}: Yahoo Finance has no data for it`);
    return new DomainError(ErrorCode.UpstreamFailed, 'Yahoo Finance answered with an unusable response');
  }
}
