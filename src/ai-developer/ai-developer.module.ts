import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/bots.module';
import { GeminiModule } from '../gemini/gemini.module';
import { ErrorFixerModule } from '../error-fixer/error-fixer.module';
import { MarketDataModule } from '../market-data/market-data.module';
import { AiDeveloperController } from './ai-developer.controller';
import { AiDeveloperService } from './ai-developer.service';
import { RunEventsHub } from './run-events';
import { AiDeveloperRunJob } from './run.job';
import { RunsRepository } from './runs.repository';

@Module({
  imports: [BotsModule, ErrorFixerModule, MarketDataModule, GeminiModule],
  controllers: [AiDeveloperController],
  providers: [AiDeveloperService, RunsRepository, RunEventsHub, AiDeveloperRunJob],
  exports: [AiDeveloperService],
})
export class AiDeveloperModule {}
