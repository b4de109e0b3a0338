import { Module } from '@nestjs/common';
import { ErrorFixerModule } from '../../error-fixer/error-fixer.module';
import { KeyRotationModule } from '../../key-rotation/key-rotation.module';
import { MarketDataModule } from '../../market-data/market-data.module';
import { StrategyCoreModule } from '../strategy-core.module';
import { StrategiesController } from './strategies.controller';
import { StrategiesService } from './strategies.service';
import { StrategyApiController } from './strategy-api.controller';
import { StrategyApiHealthService } from './strategy-api-health.service';
import { StrategyCrudRepository } from './strategy-crud.repository';
import { BotValidationService } from './bot-validation.service';
import { ValidateStrategyJob } from './validate-strategy.job';

/**
 * Strategy CRUD (`/api/strategies/strategies/`), validation with the sandbox, and the non-AI actions of
 * `/api/strategies/api/` (create_strategy, search, categories, health).
 */
@Module({
  imports: [StrategyCoreModule, ErrorFixerModule, MarketDataModule, KeyRotationModule],
  controllers: [StrategiesController, StrategyApiController],
  providers: [StrategyCrudRepository, BotValidationService, StrategiesService, StrategyApiHealthService, ValidateStrategyJob],
  exports: [BotValidationService],
})
export class StrategyCrudModule {}
