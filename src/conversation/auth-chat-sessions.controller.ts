import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, requireUserId } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { DomainError, ErrorCode } from '../common/domain-error';
import { IntegerIdPipe } from '../common/path-id';
import { ApiDocs } from '../common/api-docs';
import {
  AuthChatSessionBodyDto,
  AuthChatSessionDetailDto,
  AuthChatSessionDto,
  AuthChatSessionPageDto,
  EndSessionResponseDto,
} from './ai-context.dto';
import { ChatMessageRow, ChatSessionRow, SessionChanges } from './chat-sessions.repository';
import { ConversationService, SessionExtras } from './conversation.service';
import { PAGE_SIZE, pageNumber, pageOf } from '../common/page';
import { DrfErrors } from '../common/error-style';

const SessionId = new IntegerIdPipe(() => new DomainError(ErrorCode.NotFound, 'Not found', 'Chat session ids are positive integers'));
export const DEFAULT_SESSION_TITLE = 'New Strategy Session';

/** A stored message as Django kept it in `ChatSession.messages`. */
function historyEntry(m: ChatMessageRow): { role: string; content: string; timestamp: string } {
  return { role: m.role, content: m.content, timestamp: m.createdAt.toISOString() };
}

/** Django's `ChatSessionSerializer`: the AI context only while it exists and is the owner's. */
export function toAuthSessionDto(s: ChatSessionRow, x: SessionExtras): AuthChatSessionDto {
  const ctx = s.aiContextId != null ? x.contexts.get(s.aiContextId) : undefined;
  const own = ctx && ctx.userId === s.userId ? ctx : undefined;
  const messages = x.messages.get(s.sessionId) ?? [];
  return {
    id: s.id,
    session_id: s.sessionId,
    username: (s.userId != null && x.usernames.get(s.userId)) || '',
    ai_context: own ? s.aiContextId : null,
    ai_context_name: own ? own.sessionName : null,
    title: s.title,
    messages: messages.map(historyEntry),
    generated_strategies: s.generatedStrategies,
    message_count: s.messageCount,
    is_active: s.isActive,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** Django's `ChatSessionViewSet` (`/api/auth/chat-sessions/`), over the same sessions as `/api/strategies/chat/`. */
@ApiTags('auth')
@ApiBearerAuth()
@Authenticated({ allowAnonymous: false })
@DrfErrors()
@Controller('api/auth/chat-sessions')
export class AuthChatSessionsController {
  constructor(private readonly conversations: ConversationService) {}

  private async one(s: ChatSessionRow): Promise<AuthChatSessionDto> {
    return toAuthSessionDto(s, await this.conversations.extrasOf([s]));
  }

  /** The body's changes, with `ai_context` checked to be one of the caller's contexts. */
  private async changesOf(user: AuthUser, body: AuthChatSessionBodyDto): Promise<SessionChanges> {
    const c: SessionChanges = {};
    if (body.title !== undefined) c.title = body.title;
    if (body.is_active !== undefined) c.isActive = body.is_active;
    if (body.ai_context !== undefined)
      c.aiContextId = body.ai_context === null ? null : await this.conversations.ownContext(user, body.ai_context, 'ai_context');
    return c;
  }

  @Get()
  @ApiDocs({ summary: 'Your chat sessions, newest first', page: true, ok: AuthChatSessionPageDto })
  async list(@CurrentUser() user: AuthUser, @Query('page') rawPage?: string): Promise<AuthChatSessionPageDto> {
    const userId = requireUserId(user);
    const page = pageNumber(rawPage);
    const { count, rows } = await this.conversations.listRows(user.isStaff ? undefined : userId, page);
    const extras = await this.conversations.extrasOf(rows);
    return pageOf(
      count,
      page,
      PAGE_SIZE,
      rows.map((r) => toAuthSessionDto(r, extras)),
    );
  }

  @Post()
  @ApiDocs({ summary: 'Start a chat session (session_id is generated)', created: AuthChatSessionDto, 400: 'Invalid fields, each named' })
  async create(@CurrentUser() user: AuthUser, @Body() body: AuthChatSessionBodyDto): Promise<AuthChatSessionDto> {
    requireUserId(user);
    const c = await this.changesOf(user, body);
    const s = await this.conversations.createSession(user, c.title ?? DEFAULT_SESSION_TITLE, null, {
      isActive: c.isActive,
      aiContextId: c.aiContextId,
    });
    return this.one(s);
  }

  @Get(':id')
  @ApiDocs({
    summary: 'One of your chat sessions with its messages',
    id: 1,
    ok: AuthChatSessionDetailDto,
    404: 'No such session, or not yours',
  })
  async get(@CurrentUser() user: AuthUser, @Param('id', SessionId) id: number): Promise<AuthChatSessionDetailDto> {
    requireUserId(user);
    const s = await this.conversations.sessionById(user, id);
    const { message_count: _count, ...dto } = await this.one(s);
    const chat_messages = (await this.conversations.messagesOf(s)).map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      metadata: m.metadata,
      tokens_used: m.tokensUsed,
      created_at: m.createdAt.toISOString(),
    }));
    return { ...dto, chat_messages };
  }

  @Put(':id')
  @ApiDocs({ summary: 'Change the title or is_active of a chat session', id: 1, ok: AuthChatSessionDto, 400: true, 404: true })
  put(
    @CurrentUser() user: AuthUser,
    @Param('id', SessionId) id: number,
    @Body() body: AuthChatSessionBodyDto,
  ): Promise<AuthChatSessionDto> {
    return this.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change the title or is_active of a chat session', id: 1, ok: AuthChatSessionDto, 400: true, 404: true })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', SessionId) id: number,
    @Body() body: AuthChatSessionBodyDto,
  ): Promise<AuthChatSessionDto> {
    requireUserId(user);
    const s = await this.conversations.sessionById(user, id);
    return this.one(await this.conversations.updateSession(s, await this.changesOf(user, body)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete a chat session and its messages', id: 1, noContent: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @Param('id', SessionId) id: number): Promise<void> {
    requireUserId(user);
    await this.conversations.deleteSession(await this.conversations.sessionById(user, id));
  }

  @Post(':id/end_session')
  @HttpCode(200)
  @ApiDocs({ summary: 'End a chat session (is_active=false)', id: 1, ok: EndSessionResponseDto, 404: true })
  async endSession(@CurrentUser() user: AuthUser, @Param('id', SessionId) id: number): Promise<EndSessionResponseDto> {
    requireUserId(user);
    const s = await this.conversations.sessionById(user, id);
    return { message: 'Session ended', session: await this.one(await this.conversations.updateSession(s, { isActive: false })) };
  }
}
