import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/bots.module';

import { MarketDataModule } from '../market-data/market-data.module';
import { StrategyBotsModule } from '../strategy/bots/strategy-bots.module';
import { StrategyCoreModule } from '../strategy/strategy-core.module';
import { BacktestApiController } from './backtest-api.controller';
import { BacktestApiService } from './backtest-api.service';
import { ConfigsController } from './configs.controller';
import { ConfigsRepository } from './configs.repository';
import { ConfigsService } from './configs.service';
import { BacktestRunHandler } from './execution/backtest-run.handler';
import { BacktestRunDispatcher } from './execution/backtest-run.port';
import { BacktestRunJob, JobsBacktestDispatcher } from './execution/backtest-run.job';
import { StrategyCode } from './execution/strategy-code';
import { SymbolBacktester } from './execution/symbol-backtester';
import { RecordsController } from './records.controller';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';
import { BacktestStreamGateway } from './stream/backtest-stream.gateway';
import { BacktestResultsRepository } from '../strategy/records/backtest-results.repository';
import { StrategyValidationController } from './validation/strategy-validation.controller';
import { StrategyValidationService } from './validation/strategy-validation.service';

/**
 * `/api/backtests/` (Django's backtest_api): configs, runs executed in the background by
 * `BacktestRunDispatcher` (runs are `backtests.run` jobs on the job queue; the job calls `BacktestRunHandler.handle`),
 * results, trades, alerts and the analysis endpoints.
 */
@Module({
  imports: [StrategyCoreModule, StrategyBotsModule, BotsModule, MarketDataModule],
  controllers: [BacktestApiController, ConfigsController, RunsController, RecordsController, StrategyValidationController],
  providers: [
    ConfigsRepository,
    RunsRepository,
    RecordsRepository,
    ConfigsService,
    RunsService,
    RecordsService,
    BacktestApiService,
    StrategyCode,
    StrategyValidationService,
    BacktestResultsRepository,
    BacktestStreamGateway,
    SymbolBacktester,
    BacktestRunHandler,
    BacktestRunJob,
    { provide: BacktestRunDispatcher, useClass: JobsBacktestDispatcher },
  ],
  exports: [BacktestRunHandler, SymbolBacktester, StrategyCode],
})
export class BacktestsModule {}
