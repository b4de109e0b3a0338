import { Module } from '@nestjs/common';
import { StrategyAiModule } from './ai/strategy-ai.module';
import { StrategyCrudModule } from './crud/strategy-crud.module';
import { StrategyBotsModule } from './bots/strategy-bots.module';
import { StrategyCoreModule } from './strategy-core.module';
import { BotPerformanceModule } from './performance/bot-performance.module';
import { StrategyRecordsModule } from './records/strategy-records.module';

/**
 * Django's `strategy_api`: strategies, templates, validations, performance, comments, tags, backtest results,
 * and the AI paths (validation with structured JSON, bot generation, fixing, execution).
 * Route order matters: static actions (`available_indicators/`, `generate_with_ai/`) are registered before `:id`.
 */
@Module({
  imports: [StrategyCoreModule, StrategyBotsModule, StrategyAiModule, StrategyRecordsModule, BotPerformanceModule, StrategyCrudModule],
})
export class StrategyModule {}
