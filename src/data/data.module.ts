import { Module } from '@nestjs/common';
import { MarketDataModule } from '../market-data/market-data.module';
import { DataApiController } from './data-api.controller';
import { DataApiService } from './data-api.service';
import { DataRequestsController } from './data-requests.controller';
import { DataRootController } from './data-root.controller';
import { DataRequestsRepository } from './data-requests.repository';
import { DataRequestsService } from './data-requests.service';
import { FetchDataService } from './fetch-data.service';
import { IndicatorDataController } from './indicator-data.controller';
import { DataIndicatorsController } from './indicators.controller';
import { IndicatorsRepository } from './indicators.repository';
import { IndicatorsService } from './indicators.service';
import { MarketDataController } from './market-data.controller';
import { MarketDataService } from './market-data.service';
import { StoredBarsModule } from './stored-bars.module';
import { SymbolsController } from './symbols.controller';
import { SymbolsRepository } from './symbols.repository';
import { SymbolsService } from './symbols.service';

/**
 * `/api/data/`: symbols, stored bars, indicators, data requests, and the fetch action. `StoredBarsModule`
 * (global) puts the stored bars in front of `MarketDataProvider` for every backtest and bot run.
 */
@Module({
  imports: [MarketDataModule, StoredBarsModule],
  controllers: [
    DataRootController,
    SymbolsController,
    DataRequestsController,
    MarketDataController,
    DataIndicatorsController,
    IndicatorDataController,
    DataApiController,
  ],
  providers: [
    SymbolsRepository,
    DataRequestsRepository,
    IndicatorsRepository,
    SymbolsService,
    DataRequestsService,
    MarketDataService,
    IndicatorsService,
    FetchDataService,
    DataApiService,
  ],
  exports: [SymbolsRepository, StoredBarsModule],
})
export class DataModule {}
