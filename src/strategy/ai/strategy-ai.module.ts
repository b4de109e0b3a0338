import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { ChatSessionsRepository } from '../../conversation/chat-sessions.repository';
import { ConversationModule } from '../../conversation/conversation.module';
import { GeminiModule } from '../../gemini/gemini.module';
import { StrategyCoreModule } from '../strategy-core.module';
import { StrategyAiController } from './strategy-ai.controller';
import { StrategyAiService } from './strategy-ai.service';
import { StrategyValidationService } from './strategy-validation.service';
import { UrlFetcher } from './url-fetcher';
import { ValidationConversation } from './validation-conversation';

/**
 * AI validation of strategies (structured Gemini output → canonical JSON) and create/update from it.
 * `ChatSessionsRepository` is provided here too (stateless) to link a session to the strategy it produced,
 * which ConversationService does not expose.
 */
@Module({
  imports: [StrategyCoreModule, GeminiModule, ConversationModule],
  controllers: [StrategyAiController],
  providers: [
    { provide: UrlFetcher, inject: [AppConfig, Clock], useFactory: (config: AppConfig, clock: Clock) => new UrlFetcher(config, clock) },
    ChatSessionsRepository,
    ValidationConversation,
    StrategyValidationService,
    StrategyAiService,
  ],
  exports: [StrategyValidationService],
})
export class StrategyAiModule {}
