import { Module } from '@nestjs/common';
import { SecretsModule } from '../secrets/secrets.module';
import { KeyAdminController } from './key-admin.controller';
import { KeyHealthService } from './key-health.service';
import { KeyRotationService } from './key-rotation.service';
import { KeyStateRepository } from './key-state.repository';

@Module({
  imports: [SecretsModule],
  controllers: [KeyAdminController],
  providers: [KeyStateRepository, KeyRotationService, KeyHealthService],
  exports: [KeyRotationService],
})
export class KeyRotationModule {}
