import { Module } from '@nestjs/common';
import { StrategiesRepository } from './strategies.repository';
import { TemplatesRepository } from './templates.repository';

/** The repositories every strategy sub-module shares. */
@Module({
  providers: [StrategiesRepository, TemplatesRepository],
  exports: [StrategiesRepository, TemplatesRepository],
})
export class StrategyCoreModule {}
