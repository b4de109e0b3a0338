import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/current-user.decorator';
import type { Bar } from '../backtest/engine/types';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { MarketData, requestDays, UpstreamMarketData } from '../market-data/market-data.port';
import { DataPeriod, parseSymbol, toMarketDataRequest } from './core/data-request';
import { computeIndicator, resolveIndicator, ResolvedIndicator } from './core/django-indicators';
import { FetchDataDto, FetchDataResultDto, IndicatorResultDto } from './data-api.dto';
import { DataRequestsRepository } from './data-requests.repository';
import { newRequestId } from './data-requests.service';
import { MarketDataRepository } from './market-data.repository';
import { SymbolsRepository } from './symbols.repository';

/** Seconds a client is told to wait when the source is down. */
export const PROVIDER_RETRY_AFTER_SEC = 30;
const SAMPLE_BARS = 5;
const NO_DATA = 'No data found for the specified symbol and period';

/** The indicator block of a response: resolved parameters, column names and one row per bar. */
export function indicatorResult(bars: readonly Bar[], r: ResolvedIndicator): IndicatorResultDto {
  const rows = computeIndicator(bars, r);
  return {
    source_hint: 'technicalindicators',
    params: r.params,
    outputs: Object.values(r.columns),
    values: rows.map((row, i) => ({ timestamp: new Date(bars[i].time).toISOString(), ...row })),
  };
}

/** pandas' `df.head().to_dict()` of the yfinance frame: column → ISO time → value. */
export function dataSample(bars: readonly Bar[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = { Open: {}, High: {}, Low: {}, Close: {}, 'Adj Close': {}, Volume: {} };
  for (const b of bars.slice(0, SAMPLE_BARS)) {
    const t = new Date(b.time).toISOString();
    out.Open[t] = b.open;
    out.High[t] = b.high;
    out.Low[t] = b.low;
    out.Close[t] = b.close;
    out['Adj Close'][t] = b.close;
    out.Volume[t] = b.volume;
  }
  return out;
}

/** A source failure as the client sees it: 503 naming the source (+ Retry-After), 502, 404 or the source's 400. */
function providerError(e: unknown, source: string): unknown {
  if (!(e instanceof DomainError)) return e;
  switch (e.code) {
    case ErrorCode.UpstreamUnavailable:
      return new DomainError(
        ErrorCode.UpstreamUnavailable,
        `Market data provider ${source} is unavailable`,
        e.message,
        PROVIDER_RETRY_AFTER_SEC,
      );
    case ErrorCode.UpstreamFailed:
      return new DomainError(ErrorCode.UpstreamFailed, `Market data provider ${source} answered with unusable data`, e.message);
    case ErrorCode.NotFound:
      return new DomainError(ErrorCode.NotFound, NO_DATA, e.message);
    default:
      return e;
  }
}

/**
 * `POST /api/data/api/fetch_data/`: pulls bars from the configured source, stores them, computes indicators.
 * Lifecycle of the DataRequest: `pending` (with the symbol, in one transaction) → `processing` → `completed`
 * (bars, coverage and status in one transaction) or `failed` with the reason. Everything a client can get
 * wrong is checked before anything is written.
 */
@Injectable()
export class FetchDataService {
  constructor(
    private readonly source: UpstreamMarketData,
    private readonly database: Database,
    private readonly symbols: SymbolsRepository,
    private readonly requests: DataRequestsRepository,
    private readonly bars: MarketDataRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  /** `now` (the Clock's) sets the period's end and dates the coverage that stored-bar freshness is judged by. */
  async fetch(user: AuthUser, b: FetchDataDto, now = this.clock.now()): Promise<FetchDataResultDto> {
    const symbol = parseSymbol(b.symbol);
    const period: DataPeriod = b.period ?? '1y';
    const interval = b.interval ?? '1d';
    const req = toMarketDataRequest(symbol, period, interval, now);
    const indicators = (b.indicators ?? []).map((name, i) => ({
      name,
      resolved: resolveIndicator(name, {}, `indicators[${i}]`, `indicators[${i}]`),
    }));

    const { symbolId, requestRowId, requestId } = await this.open(user, symbol, period, interval);
    await this.requests.update(requestRowId, { status: 'processing' });
    let data: MarketData;
    try {
      data = await this.source.getBars(req);
    } catch (e) {
      await this.fail(requestRowId, e instanceof Error ? e.message : String(e));
      throw providerError(e, this.source.name);
    }
    if (data.bars.length === 0) {
      await this.fail(requestRowId, 'No data retrieved');
      throw new DomainError(ErrorCode.NotFound, NO_DATA, `${this.source.name} returned no ${interval} bars for ${symbol} over ${period}`);
    }
    const computed = Object.fromEntries(indicators.map((x) => [x.name, indicatorResult(data.bars, x.resolved)]));

    let counts;
    try {
      counts = await this.db.transaction(async (t) => {
        const tx = t as unknown as Db;
        const n = await this.bars.upsertBars(tx, symbolId, interval, data.bars, this.config.marketData.upsertBatch);
        await this.bars.saveCoverage(tx, {
          symbolId,
          interval,
          source: this.source.name,
          days: requestDays(req),
          firstBar: new Date(data.bars[0].time),
          lastBar: new Date(data.bars[data.bars.length - 1].time),
          bars: data.bars.length,
          synthetic: data.synthetic,
          fetchedAt: new Date(now),
        });
        // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
        await this.requests.update(requestRowId, { status: 'completed', completedAt: new Date() }, tx);
        return n;
      });
    } catch (e) {
      await this.fail(requestRowId, 'Storing the bars failed');
      throw e;
    }
    return {
      request_id: requestId,
      status: 'completed',
      symbol,
      records_saved: counts.inserted,
      records_updated: counts.updated,
      total_records: data.bars.length,
      source: this.source.name,
      synthetic: data.synthetic,
      indicators: computed,
      data_sample: dataSample(data.bars),
    };
  }

  /** Gets or creates the symbol and records the request as pending, together. */
  private async open(user: AuthUser, symbol: string, period: string, interval: string) {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const { row } = await this.symbols.getOrCreate({ symbol, name: symbol, isActive: true }, tx);
      const requestId = newRequestId();
      const requestRowId = await this.requests.insert(
        { requestId, symbolId: row.id, period, interval, status: 'pending', requestedBy: user.id },
        tx,
      );
      return { symbolId: row.id, requestRowId, requestId };
    });
  }

  private async fail(id: number, message: string): Promise<void> {
    await this.requests.update(id, { status: 'failed', errorMessage: message.slice(0, 2000) });
  }
}
