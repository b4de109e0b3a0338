import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { KeyRotationModule } from '../key-rotation/key-rotation.module';
import { AiPlaygroundController } from './ai-playground.controller';
import { GeminiClientService } from './gemini-client.service';
import { GeminiSdkTransport } from './gemini-sdk.transport';
import { KeyProbeService } from './key-probe.service';
import { UserAiLimit } from './user-ai-limit';

@Module({
  imports: [KeyRotationModule],
  controllers: [AiPlaygroundController],
  providers: [
    { provide: GeminiSdkTransport, inject: [AppConfig], useFactory: (config: AppConfig) => new GeminiSdkTransport(config.gemini.baseUrl) },
    UserAiLimit,
    GeminiClientService,
    KeyProbeService,
  ],
  exports: [GeminiClientService, KeyRotationModule],
})
export class GeminiModule {}
