import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
import { AiCaller, aiCallerOf, Caller, callOptions } from '../gemini/ai-caller';
import { GeminiClientService } from '../gemini/gemini-client.service';
import { jsonOrSse, sendSse } from '../http/sse';
import { relayChunks } from '../gemini/relay-chunks';
import {
  ChatListQueryDto,
  ChatMessageDto,
  ChatRequestDto,
  ChatResponseDto,
  ChatSessionDto,
  ChatSessionPageDto,
  ClearResponseDto,
  SummaryResponseDto,
} from './conversation.dto';
import { ConversationService } from './conversation.service';
import { DjangoErrors, DrfErrors } from '../common/error-style';

const SESSION = { name: 'session_id', example: 'chat_3f2a9c1d4b5e6f70' };

/** Django's `StrategyChatViewSet`: persistent AI chat sessions, looked up by `session_id`. */
@ApiTags('strategy-chat')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/chat')
export class StrategyChatController {
  constructor(
    private readonly conversations: ConversationService,
    private readonly gemini: GeminiClientService,
  ) {}

  @Get()
  @ApiDocs({ summary: 'Your chat sessions, most recently updated first', ok: ChatSessionPageDto, 400: true })
  list(@CurrentUser() user: AuthUser, @Query() query: ChatListQueryDto): Promise<ChatSessionPageDto> {
    return this.conversations.list(user, query);
  }

  @DjangoErrors()
  @Post('chat')
  @HttpCode(200)
  @ApiDocs({
    summary: 'Send a message and get the AI reply (new session when no session_id)',
    description:
      'With `Accept: text/event-stream` the reply streams as Server-Sent Events: `meta` {session_id, user_message_id, key_id, model, attempts}, ' +
      '`chunk` {text}…, then `done` {message_id, message_count, usage, finish_reason}, or `error` {error, details}.',
    produces: ['application/json', 'text/event-stream'],
    ok: ChatResponseDto,
    400: 'Invalid body (each field named)',
    404: 'Unknown session_id, or not yours',
    429: 'Every key is busy; see Retry-After. Your message is kept.',
    503: 'No usable key',
  })
  async chat(@CurrentUser() user: AuthUser, @Body() body: ChatRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = aiCallerOf(req, res);
    await jsonOrSse(req, res, 200, {
      json: () => this.conversations.chat(user, caller, body),
      sse: () => this.streamChat(user, caller, body, req, res),
    });
  }

  /** The SSE reply. The session is checked and the Gemini stream opened before the first byte: their errors stay normal responses. */
  private async streamChat(user: AuthUser, caller: AiCaller, body: ChatRequestDto, req: Request, res: Response): Promise<undefined> {
    const p = await this.conversations.prepareChat(user, body);
    const { chunks, report } = await this.gemini.generateStream(callOptions(caller, { model: p.session.modelName }), p.request);
    await sendSse(res, req, async (send) => {
      send('meta', {
        session_id: p.session.sessionId,
        user_message_id: p.userMessage.id,
        context_used: p.contextUsed,
        key_id: report.keyId,
        model: report.model,
        attempts: report.attempts,
      });
      const { text, usage, finishReason } = await relayChunks(chunks, (piece) => send('chunk', { text: piece }));
      const reply = await this.conversations.storeReply(p, text, report, usage);
      const session = await this.conversations.session(user, p.session.sessionId);
      send('done', {
        session_id: session.sessionId,
        message_id: reply.id,
        message_count: session.messageCount,
        usage: reply.metadata.usage ?? null,
        finish_reason: finishReason,
      });
    });
  }

  @Get(':session_id/messages')
  @ApiDocs({ summary: 'The messages of a session, oldest first', param: SESSION, ok: [ChatMessageDto], 404: true })
  messages(@CurrentUser() user: AuthUser, @Param('session_id') sessionId: string): Promise<ChatMessageDto[]> {
    return this.conversations.history(user, sessionId);
  }

  @DjangoErrors()
  @Post(':session_id/summarize')
  @HttpCode(200)
  @ApiDocs({
    summary: 'Summarize the conversation with Gemini and keep the summary on the session',
    param: SESSION,
    ok: SummaryResponseDto,
    404: true,
    429: true,
  })
  summarize(
    @CurrentUser() user: AuthUser,
    @Param('session_id') sessionId: string,
    @Caller() caller: AiCaller,
  ): Promise<SummaryResponseDto> {
    return this.conversations.summarize(user, caller, sessionId);
  }

  @DjangoErrors()
  @Post(':session_id/clear')
  @HttpCode(200)
  @ApiDocs({ summary: 'Delete every message of the session', param: SESSION, ok: ClearResponseDto, 404: true })
  clear(@CurrentUser() user: AuthUser, @Param('session_id') sessionId: string): Promise<ClearResponseDto> {
    return this.conversations.clear(user, sessionId);
  }

  @Post(':session_id/deactivate')
  @HttpCode(200)
  @ApiDocs({ summary: 'Mark the session inactive; returns the session', param: SESSION, ok: ChatSessionDto, 404: true })
  deactivate(@CurrentUser() user: AuthUser, @Param('session_id') sessionId: string): Promise<ChatSessionDto> {
    return this.conversations.deactivate(user, sessionId);
  }
}
