import { Module } from '@nestjs/common';
import { KeyRotationModule } from '../key-rotation/key-rotation.module';
import { AdminUiController, KeyEventsController } from './admin-ui.controller';
import { KeyEventsRepository } from './key-events.repository';

@Module({
  imports: [KeyRotationModule],
  controllers: [AdminUiController, KeyEventsController],
  providers: [KeyEventsRepository],
})
export class AdminUiModule {}
