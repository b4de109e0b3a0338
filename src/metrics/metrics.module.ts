import { Global, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SecretScrubber } from '../logging/secret-scrubber';
import { MetricsServer } from './metrics-server';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({ controllers: [MetricsController], providers: [MetricsService, MetricsTokenGuard, MetricsServer], exports: [MetricsService] })
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly scrubber: SecretScrubber,
  ) {}

  onModuleInit(): void {
    if (this.config.http.metricsToken) this.scrubber.add(this.config.http.metricsToken);
  }
}
