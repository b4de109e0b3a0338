import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KeyRotationModule } from '../key-rotation/key-rotation.module';
import { HealthController } from './health.controller';
import { ReadinessIndicators } from './readiness.indicators';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), KeyRotationModule],
  controllers: [HealthController],
  providers: [ReadinessIndicators],
})
export class HealthModule {}
