import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/bots.module';
import { GeminiModule } from '../gemini/gemini.module';
import { ErrorFixerModule } from '../error-fixer/error-fixer.module';
import { MarketDataModule } from '../market-data/market-data.module';
import { AiDeveloperController } from './ai-developer.controller';
import { AiDeveloperService } from './ai-developer.service';
import { RunEventsController } from './run-events.controller';
import { RunEventsStream } from './run-events.stream';
import { RunEventsHub } from './run-events';
import { StreamAuthGuard } from './stream-auth.guard';
import { StreamTickets } from './stream-tickets';
import { AiDeveloperRunJob } from './run.job';
import { RunsRepository } from './runs.repository';

@Module({
  imports: [BotsModule, ErrorFixerModule, MarketDataModule, GeminiModule],
  controllers: [AiDeveloperController, RunEventsController],
  providers: [AiDeveloperService, RunsRepository, RunEventsHub, RunEventsStream, StreamTickets, StreamAuthGuard, AiDeveloperRunJob],
  exports: [AiDeveloperService],
})
export class AiDeveloperModule {}
