import { Module } from '@nestjs/common';
import { GeminiModule } from '../gemini/gemini.module';
import { AiContextsController } from './ai-contexts.controller';
import { AiContextsRepository } from './ai-contexts.repository';
import { AiContextsService } from './ai-contexts.service';
import { AuthChatSessionsController } from './auth-chat-sessions.controller';
import { AuthChatController } from './auth-chat.controller';
import { ChatSessionsRepository } from './chat-sessions.repository';
import { ConversationService } from './conversation.service';
import { StrategyChatController } from './strategy-chat.controller';
import { StrategyChatSessionsController } from './strategy-chat-sessions.controller';

/** Persistent AI chat (issue 7): sessions and messages in the database, replies through GeminiClientService. */
@Module({
  imports: [GeminiModule],
  controllers: [
    StrategyChatController,
    StrategyChatSessionsController,
    AuthChatController,
    AiContextsController,
    AuthChatSessionsController,
  ],
  providers: [ChatSessionsRepository, ConversationService, AiContextsRepository, AiContextsService],
  exports: [ConversationService],
})
export class ConversationModule {}
