import { Module } from '@nestjs/common';
import { GeminiModule } from '../gemini/gemini.module';
import { BotFiles } from './bot-files';
import { BotGeneratorService } from './bot-generator.service';
import { BotsRepository } from './bots.repository';
import { IndicatorsController } from './indicators.controller';
import { SandboxRunner } from './sandbox/sandbox-runner.service';

/** Bot SDK (indicator registry), generator, storage and the sandboxed runner. */
@Module({
  imports: [GeminiModule],
  controllers: [IndicatorsController],
  providers: [BotGeneratorService, BotsRepository, BotFiles, SandboxRunner],
  exports: [BotGeneratorService, BotsRepository, BotFiles, SandboxRunner],
})
export class BotsModule {}
