import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/bots.module';
import { MarketDataModule } from '../market-data/market-data.module';
import { StrategyBotsModule } from '../strategy/bots/strategy-bots.module';
import { StrategyCoreModule } from '../strategy/strategy-core.module';
import { LifecycleRepository } from './lifecycle.repository';
import { LifecycleService } from './lifecycle.service';
import { ProductionBacktestsController } from './production-backtests.controller';
import { ProductionBacktestsService } from './production-backtests.service';
import { ProductionHealthService } from './production-health.service';
import { ProductionRootController } from './production-root.controller';
import { ProductionStrategiesController } from './production-strategies.controller';
import { ProductionStrategiesService } from './production-strategies.service';
import { ProductionValidationService } from './production-validation.service';
import { InProcessSandboxDispatcher, SandboxDispatcher } from './sandbox-dispatcher';
import { SandboxRunHandler } from './sandbox-run.handler';
import { SandboxRunsRepository } from './sandbox-runs.repository';
import { StrategyVersionsModule } from './versions/strategy-versions.module';

/**
 * `/api/production/`: validated strategy definitions, sandbox tests, the lifecycle with its audit log, and
 * deploy/rollback of immutable strategy versions. Sandbox runs go through `SandboxDispatcher` (in process
 * here; the job system provides another implementation of the same port).
 */
@Module({
  imports: [StrategyCoreModule, StrategyBotsModule, BotsModule, MarketDataModule, StrategyVersionsModule],
  controllers: [ProductionRootController, ProductionStrategiesController, ProductionBacktestsController],
  providers: [
    LifecycleRepository,
    LifecycleService,
    SandboxRunsRepository,
    SandboxRunHandler,
    {
      provide: SandboxDispatcher,
      inject: [SandboxRunHandler],
      useFactory: (handler: SandboxRunHandler) => new InProcessSandboxDispatcher(handler.handle),
    },
    ProductionValidationService,
    ProductionStrategiesService,
    ProductionBacktestsService,
    ProductionHealthService,
  ],
})
export class ProductionModule {}
