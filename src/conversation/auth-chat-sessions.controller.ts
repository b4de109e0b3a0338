import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, requireUserId } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { DomainError, ErrorCode } from '../common/domain-error';
import { IntegerIdPipe } from '../common/path-id';
import { ErrorBodyDto } from '../common/error-body.dto';
import {
  AuthChatSessionBodyDto,
  AuthChatSessionDetailDto,
  AuthChatSessionDto,
  AuthChatSessionPageDto,
  EndSessionResponseDto,
} from './ai-context.dto';
import { ChatSessionRow } from './chat-sessions.repository';
import { ConversationService } from './conversation.service';
import { PAGE_SIZE, pageNumber, pageOf } from '../common/page';
import { DrfErrors } from '../common/error-style';

const SessionId = new IntegerIdPipe(() => new DomainError(ErrorCode.NotFound, 'Not found', 'Chat session ids are positive integers'));
export const DEFAULT_SESSION_TITLE = 'New Strategy Session';

function toDto(s: ChatSessionRow, username: string): AuthChatSessionDto {
  return {
    id: s.id,
    session_id: s.sessionId,
    username,
    ai_context: null,
    ai_context_name: null,
    title: s.title,
    messages: [],
    generated_strategies: [],
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

  private async named(user: AuthUser, s: ChatSessionRow): Promise<AuthChatSessionDto> {
    const name =
      s.userId === user.id ? user.username : (s.userId != null && (await this.conversations.usernames([s.userId])).get(s.userId)) || '';
    return toDto(s, name);
  }

  @Get()
  @ApiOperation({ summary: 'Your chat sessions, newest first' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: AuthChatSessionPageDto })
  async list(@CurrentUser() user: AuthUser, @Query('page') rawPage?: string): Promise<AuthChatSessionPageDto> {
    const userId = requireUserId(user);
    const page = pageNumber(rawPage);
    const { count, rows } = await this.conversations.listRows(user.isStaff ? undefined : userId, page);
    const names = await this.conversations.usernames([...new Set(rows.map((r) => r.userId).filter((id): id is number => id != null))]);
    return pageOf(
      count,
      page,
      PAGE_SIZE,
      rows.map((r) => toDto(r, (r.userId != null && names.get(r.userId)) || '')),
    );
  }

  @Post()
  @ApiOperation({ summary: 'Start a chat session (session_id is generated)' })
  @ApiCreatedResponse({ type: AuthChatSessionDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named' })
  async create(@CurrentUser() user: AuthUser, @Body() body: AuthChatSessionBodyDto): Promise<AuthChatSessionDto> {
    requireUserId(user);
    let s = await this.conversations.createSession(user, body.title ?? DEFAULT_SESSION_TITLE, null);
    if (body.is_active === false) s = await this.conversations.updateSession(s, { isActive: false });
    return toDto(s, user.username);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One of your chat sessions with its messages' })
  @ApiOkResponse({ type: AuthChatSessionDetailDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such session, or not yours' })
  async get(@CurrentUser() user: AuthUser, @Param('id', SessionId) id: number): Promise<AuthChatSessionDetailDto> {
    requireUserId(user);
    const s = await this.conversations.sessionById(user, id);
    const { message_count: _count, ...dto } = await this.named(user, s);
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
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change the title or is_active of a chat session' })
  @ApiOkResponse({ type: AuthChatSessionDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(
    @CurrentUser() user: AuthUser,
    @Param('id', SessionId) id: number,
    @Body() body: AuthChatSessionBodyDto,
  ): Promise<AuthChatSessionDto> {
    return this.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change the title or is_active of a chat session' })
  @ApiOkResponse({ type: AuthChatSessionDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', SessionId) id: number,
    @Body() body: AuthChatSessionBodyDto,
  ): Promise<AuthChatSessionDto> {
    requireUserId(user);
    const s = await this.conversations.sessionById(user, id);
    const updated = await this.conversations.updateSession(s, { title: body.title, isActive: body.is_active });
    return this.named(user, updated);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete a chat session and its messages' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @Param('id', SessionId) id: number): Promise<void> {
    requireUserId(user);
    await this.conversations.deleteSession(await this.conversations.sessionById(user, id));
  }

  @Post(':id/end_session')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'End a chat session (is_active=false)' })
  @ApiOkResponse({ type: EndSessionResponseDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async endSession(@CurrentUser() user: AuthUser, @Param('id', SessionId) id: number): Promise<EndSessionResponseDto> {
    requireUserId(user);
    const s = await this.conversations.sessionById(user, id);
    return { message: 'Session ended', session: await this.named(user, await this.conversations.updateSession(s, { isActive: false })) };
  }
}
