import { Module } from '@nestjs/common';
import { BotsModule } from '../../bots/bots.module';
import { ErrorFixerModule } from '../../error-fixer/error-fixer.module';
import { MarketDataModule } from '../../market-data/market-data.module';
import { StrategyBotsModule } from '../bots/strategy-bots.module';
import { StrategyVersionsModule } from '../../production/versions/strategy-versions.module';
import { StrategyCoreModule } from '../strategy-core.module';
import { BotPerformanceController } from './bot-performance.controller';
import { BotPerformanceRecordsController } from './bot-performance-records.controller';
import { BotPerformanceRecordsService } from './bot-performance-records.service';
import { BotPerformanceRepository } from './bot-performance.repository';
import { BotPerformanceService } from './bot-performance.service';
import { BotTestRunner } from './bot-test-runner';
import { VerifyAllJob } from './verify-all.job';

/** `/api/strategies/bot-performance/`: bot verification (Django's BotPerformanceViewSet). */
@Module({
  imports: [StrategyCoreModule, StrategyBotsModule, BotsModule, ErrorFixerModule, MarketDataModule, StrategyVersionsModule],
  controllers: [BotPerformanceController, BotPerformanceRecordsController],
  providers: [BotPerformanceRepository, BotPerformanceService, BotPerformanceRecordsService, BotTestRunner, VerifyAllJob],
})
export class BotPerformanceModule {}
