import { Module } from '@nestjs/common';
import { BotsModule } from '../../bots/bots.module';
import { ErrorFixerModule } from '../../error-fixer/error-fixer.module';
import { MarketDataModule } from '../../market-data/market-data.module';
import { StrategyVersionsModule } from '../../production/versions/strategy-versions.module';
import { StrategyCoreModule } from '../strategy-core.module';
import { GenerateWithAutoFixJob } from './auto-fix.job';
import { StrategyBotPipeline } from './strategy-bot-pipeline';
import { StrategyBotsController } from './strategy-bots.controller';
import { StrategyBotsService } from './strategy-bots.service';
import { StrategyCodegenController } from './strategy-codegen.controller';

/** generate_with_ai, fix_errors, execute, execution_history, generate_code, generate_executable_code, generate_with_auto_fix. */
@Module({
  imports: [StrategyCoreModule, BotsModule, ErrorFixerModule, MarketDataModule, StrategyVersionsModule],
  controllers: [StrategyBotsController, StrategyCodegenController],
  providers: [StrategyBotsService, StrategyBotPipeline, GenerateWithAutoFixJob],
  exports: [StrategyBotPipeline, StrategyBotsService],
})
export class StrategyBotsModule {}
