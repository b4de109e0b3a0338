import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode } from '../common/domain-error';
import { DAY_MS, UpstreamMarketData } from '../market-data/market-data.port';
import { dataPeriodDays, DataPeriod, parseSymbol } from './core/data-request';
import { availableIndicatorNames, resolveIndicator } from './core/django-indicators';
import { AvailableIndicatorsDto, CalculateIndicatorDto, CalculateIndicatorResultDto, DataHealthDto } from './data-api.dto';
import { indicatorResult } from './fetch-data.service';
import { MarketDataRepository } from './market-data.repository';
import { SymbolsRepository } from './symbols.repository';

/** `api/calculate_indicator/`, `api/available_indicators/`, `api/health/` (Django's `DataAPIViewSet`). */
@Injectable()
export class DataApiService {
  constructor(
    private readonly source: UpstreamMarketData,
    private readonly symbols: SymbolsRepository,
    private readonly bars: MarketDataRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * An indicator over the stored bars of one symbol and interval: the last `period` calendar days up to the
   * newest stored bar (Django read every row of the interval; `max` still does).
   */
  async calculate(b: CalculateIndicatorDto): Promise<CalculateIndicatorResultDto> {
    const symbol = parseSymbol(b.symbol);
    const resolved = resolveIndicator(b.indicator, b.parameters);
    const interval = b.interval ?? '1d';
    const period: DataPeriod = b.period ?? '1y';
    const row = await this.symbols.bySymbol(symbol);
    if (!row) throw new DomainError(ErrorCode.NotFound, `Symbol ${symbol} not found`);
    const all = await this.bars.allBars(row.id, interval);
    if (all.length === 0)
      throw new DomainError(ErrorCode.NotFound, 'No market data found for this symbol. Fetch data first.', { symbol, interval });
    const since = period === 'max' ? -Infinity : all[all.length - 1].time - dataPeriodDays(period, this.clock.now()) * DAY_MS;
    const bars = all.filter((bar) => bar.time > since);
    return { symbol, indicator: b.indicator, parameters: b.parameters ?? {}, result: indicatorResult(bars, resolved) };
  }

  available(): AvailableIndicatorsDto {
    return { indicators: availableIndicatorNames() };
  }

  async health(): Promise<DataHealthDto> {
    let symbolsCount: number;
    try {
      symbolsCount = await this.symbols.count();
    } catch (e) {
      throw new DomainError(
        ErrorCode.DatabaseUnavailable,
        'Database unavailable',
        `the database did not answer (${(e as Error).name})`,
        10,
        { status: 'unhealthy' },
      );
    }
    return {
      status: 'healthy',
      database: 'connected',
      symbols_count: symbolsCount,
      data_fetcher_available: true,
      indicators_available: true,
      data_source: this.source.name,
      // eslint-disable-next-line no-restricted-syntax -- response timestamp, not a decision
      timestamp: new Date().toISOString(),
    };
  }
}
