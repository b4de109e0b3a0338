import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/bots.module';
import { ErrorFixerService } from './error-fixer.service';

@Module({
  imports: [BotsModule],
  providers: [ErrorFixerService],
  exports: [ErrorFixerService],
})
export class ErrorFixerModule {}
