import { Global, Module } from '@nestjs/common';
import { KeyRotationModule } from '../key-rotation/key-rotation.module';
import { KeyUsageController, OwnUsageController } from './usage.controller';
import { SqlUsageRepository, UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';

/** Usage accounting per user, key, model and day; global so the Gemini client can record into it. */
@Global()
@Module({
  imports: [KeyRotationModule],
  controllers: [KeyUsageController, OwnUsageController],
  providers: [{ provide: UsageRepository, useClass: SqlUsageRepository }, UsageService],
  exports: [UsageService],
})
export class UsageModule {}
