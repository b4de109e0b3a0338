import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { DestinationStream } from 'pino';
import { AdminUiModule } from './admin-ui/admin-ui.module';
import { AiDeveloperModule } from './ai-developer/ai-developer.module';
import { ApiRootModule } from './api-root/api-root.module';
import { AuthModule } from './auth/auth.module';
import { BacktestsModule } from './backtests/backtests.module';
import { ClockModule } from './common/clock.module';
import { BotsModule } from './bots/bots.module';
import { AppConfigModule } from './config/config.module';
import { ConversationModule } from './conversation/conversation.module';
import { DatabaseModule } from './database/database.module';
import { DataModule } from './data/data.module';
import { GeminiModule } from './gemini/gemini.module';
import { MarketDataModule } from './market-data/market-data.module';
import { MetricsModule } from './metrics/metrics.module';
import { ErrorFixerModule } from './error-fixer/error-fixer.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { ProductionModule } from './production/production.module';
import { StrategyModule } from './strategy/strategy.module';
import { UsageModule } from './usage/usage.module';
import { ShutdownModule } from './shutdown/shutdown.module';
import { StateStoreModule } from './state-store/state-store.module';

export interface AppOptions {
  /** Exact environment to use instead of `.env` + `process.env` (tests). */
  env?: Record<string, string | undefined>;
  /** Where log lines go instead of stdout (tests that read the logs). */
  logDestination?: DestinationStream;
  /** `worker`: `npm run worker` (consumes jobs whatever WORKER_MODE says); default `api`. */
  role?: 'api' | 'worker';
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
        ShutdownModule,
        ClockModule,
        DatabaseModule,
        MetricsModule,
        StateStoreModule,
        JobsModule.forRoot({ role: options.role }),
        AuthModule,
        ApiRootModule,
        UsageModule,
        GeminiModule,
        ConversationModule,
        MarketDataModule,
        DataModule,
        BotsModule,
        ErrorFixerModule,
        AiDeveloperModule,
        StrategyModule,
        ProductionModule,
        BacktestsModule,
        HealthModule,
        AdminUiModule,
      ],
    };
  }
}
