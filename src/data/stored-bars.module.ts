import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { MarketDataLayer, MarketDataProvider } from '../market-data/market-data.port';
import { MarketDataRepository } from './market-data.repository';
import { StoredBarsProvider } from './stored-bars.provider';

/** Puts the stored bars in front of every `MarketDataProvider` consumer (global: `MarketDataModule` looks for it). */
class StoredBarsLayer extends MarketDataLayer {
  constructor(
    private readonly repo: MarketDataRepository,
    private readonly maxAgeSec: number,
    private readonly clock: Clock,
  ) {
    super();
  }

  wrap(source: MarketDataProvider): MarketDataProvider {
    return new StoredBarsProvider(source, this.repo, this.maxAgeSec, () => this.clock.now());
  }
}

@Global()
@Module({
  providers: [
    MarketDataRepository,
    {
      provide: MarketDataLayer,
      inject: [MarketDataRepository, AppConfig, Clock],
      useFactory: (repo: MarketDataRepository, config: AppConfig, clock: Clock) =>
        new StoredBarsLayer(repo, config.marketData.storeMaxAgeSec, clock),
    },
  ],
  exports: [MarketDataLayer, MarketDataRepository],
})
export class StoredBarsModule {}
