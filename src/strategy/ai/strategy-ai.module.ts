import { Module } from '@nestjs/common';
import { StrategyCoreModule } from '../strategy-core.module';

@Module({
  imports: [StrategyCoreModule],
})
export class StrategyAiModule {}
