import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { CachedMarketDataProvider } from './cached.provider';
import { CsvMarketDataProvider } from './csv.provider';
import { MarketDataLayer, MarketDataProvider, UpstreamMarketData } from './market-data.port';
import { SyntheticMarketDataProvider } from './synthetic.provider';
import { YahooMarketDataProvider } from './yahoo.provider';

/**
 * Picks the provider named by `DATA_SOURCE` (validated with its settings in `src/config`). Yahoo answers are
 * cached (32 entries); synthetic data is cheap and CSV files may change on disk, so those are not.
 */
export function createMarketDataProvider(config: AppConfig, clock: Clock): MarketDataProvider {
  const now = () => clock.now();
  const m = config.marketData;
  switch (m.source) {
    case 'synthetic':
      return new SyntheticMarketDataProvider(now);
    case 'csv':
      if (!m.csvDir) throw new Error('MARKET_DATA_CSV_DIR is required when DATA_SOURCE=csv');
      return new CsvMarketDataProvider(m.csvDir);
    case 'yahoo':
      return new CachedMarketDataProvider(new YahooMarketDataProvider({ timeoutMs: m.timeoutMs, now }), 32, now);
    default: {
      const unknown: never = m.source;
      throw new Error(`Unknown market data source ${String(unknown)}`);
    }
  }
}

/**
 * Provides `MarketDataProvider`: the source wrapped by the `MarketDataLayer` when one is provided globally (the
 * data module's stored bars), and `UpstreamMarketData`, the source alone.
 */
@Module({
  providers: [
    { provide: UpstreamMarketData, inject: [AppConfig, Clock], useFactory: createMarketDataProvider },
    {
      provide: MarketDataProvider,
      inject: [UpstreamMarketData, { token: MarketDataLayer, optional: true }],
      useFactory: (source: MarketDataProvider, layer?: MarketDataLayer) => (layer ? layer.wrap(source) : source),
    },
  ],
  exports: [MarketDataProvider, UpstreamMarketData],
})
export class MarketDataModule {}
