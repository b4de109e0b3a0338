import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, loadAppConfig } from './app-config';

const APP_CONFIG_PROPERTY = 'appConfig';

export interface AppConfigOptions {
  /** Use exactly these variables instead of `.env` + `process.env` (tests, tools). */
  env?: Record<string, string | undefined>;
}

/**
 * Global config. `@nestjs/config` reads `.env` and `process.env` and hands them to `loadAppConfig`, which
 * validates them and builds the typed `AppConfig`. The validated object is nested under one property so
 * `@nestjs/config` has no plain values to copy back into `process.env`.
 */
@Module({})
export class AppConfigModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    const { env } = options;
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: env !== undefined,
          validate: (raw) => ({ [APP_CONFIG_PROPERTY]: loadAppConfig(env ?? raw) }),
        }),
      ],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => config.getOrThrow<AppConfig>(APP_CONFIG_PROPERTY),
        },
      ],
      exports: [AppConfig],
    };
  }
}
