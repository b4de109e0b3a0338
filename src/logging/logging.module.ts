import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { AppLogger } from './app-logger';
import { createRootLogger, PinoNestLogger } from './logger';
import { SecretScrubber } from './secret-scrubber';

/**
 * Provides the pino-backed logger and the scrubber that keeps loaded secrets out of every log line; once
 * logging is up, it reports what the configuration warned about (unknown or deprecated settings).
 */
@Module({})
export class LoggingModule implements OnModuleInit {
  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    const logger = new AppLogger('Config');
    for (const warning of this.config.warnings) logger.warn(warning);
  }

  static forRoot(options: { destination?: DestinationStream } = {}): DynamicModule {
    return {
      module: LoggingModule,
      global: true,
      providers: [
        SecretScrubber,
        {
          provide: PinoNestLogger,
          inject: [AppConfig, SecretScrubber],
          useFactory: (config: AppConfig, scrubber: SecretScrubber) =>
            new PinoNestLogger(createRootLogger(config, scrubber, options.destination)),
        },
      ],
      exports: [SecretScrubber, PinoNestLogger],
    };
  }
}
