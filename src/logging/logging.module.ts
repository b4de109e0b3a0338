import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { createRootLogger, PinoNestLogger } from './logger';
import { SecretScrubber } from './secret-scrubber';

/** Provides the pino-backed logger and the scrubber that keeps loaded secrets out of every log line. */
@Module({})
export class LoggingModule {
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
