import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { DestinationStream } from 'pino';
import { AiDeveloperModule } from './ai-developer/ai-developer.module';
import { AuthModule } from './auth/auth.module';
import { ClockModule } from './common/clock.module';
import { BotsModule } from './bots/bots.module';
import { AppConfigModule } from './config/config.module';
import { ConversationModule } from './conversation/conversation.module';
import { DatabaseModule } from './database/database.module';
import { GeminiModule } from './gemini/gemini.module';
import { MarketDataModule } from './market-data/market-data.module';
import { MetricsModule } from './metrics/metrics.module';
import { ErrorFixerModule } from './error-fixer/error-fixer.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { ProductionModule } from './production/production.module';
import { StrategyModule } from './strategy/strategy.module';
import { StateStoreModule } from './state-store/state-store.module';

export interface AppOptions {
  /** Exact environment to use instead of `.env` + `process.env` (tests). */
  env?: Record<string, string | undefined>;
  /** Where log lines go instead of stdout (tests that read the logs). */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot({ env: options.env }),
        LoggingModule.forRoot({ destination: options.logDestination }),
        ScheduleModule.forRoot(),
        ClockModule,
        DatabaseModule,
        MetricsModule,
        StateStoreModule,
        AuthModule,
        GeminiModule,
        ConversationModule,
        MarketDataModule,
        BotsModule,
        ErrorFixerModule,
        AiDeveloperModule,
        StrategyModule,
        ProductionModule,
        HealthModule,
      ],
    };
  }
}
