import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { DrfErrors } from '../common/error-style';
import { ChatSessionRow, SessionChanges } from './chat-sessions.repository';
import { StrategyChatBodyDto, StrategyChatDetailDto } from './conversation.dto';
import { ConversationService, SessionExtras, toSessionDto } from './conversation.service';

const SESSION = { name: 'session_id', example: 'chat_3f2a9c1d4b5e6f70' };
const BODY_EXAMPLE = { title: 'BTC swing ideas', strategy: 12, temperature: 0.5, max_tokens: 4096 };

/** Django's `StrategyChatSerializer` for one session. */
export function toStrategyChatDto(s: ChatSessionRow, x: SessionExtras): StrategyChatDetailDto {
  const messages = x.messages.get(s.sessionId) ?? [];
  const last = messages[messages.length - 1];
  return {
    ...toSessionDto(s),
    user_username: s.userId != null ? (x.usernames.get(s.userId) ?? null) : null,
    strategy_name: s.strategyId != null ? (x.strategyNames.get(s.strategyId) ?? null) : null,
    last_message_at: last ? last.createdAt.toISOString() : null,
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      tokens_used: m.tokensUsed,
      metadata: m.metadata,
      function_call: null,
      created_at: m.createdAt.toISOString(),
    })),
  };
}

/**
 * The generic ModelViewSet routes of Django's `StrategyChatViewSet` (lookup `session_id`): create, retrieve,
 * replace, update, destroy. Owners only: anyone else's session is 404, as a missing one.
 */
@ApiTags('strategy-chat')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/chat')
export class StrategyChatSessionsController {
  constructor(private readonly conversations: ConversationService) {}

  private async one(s: ChatSessionRow): Promise<StrategyChatDetailDto> {
    return toStrategyChatDto(s, await this.conversations.extrasOf([s]));
  }

  /** The body as column changes, with `strategy` checked to be one of the caller's strategies. */
  private async changesOf(user: AuthUser, b: StrategyChatBodyDto): Promise<SessionChanges> {
    const c: SessionChanges = {};
    if (b.title !== undefined) c.title = b.title;
    if (b.strategy !== undefined)
      c.strategyId = b.strategy === null ? null : await this.conversations.linkableStrategy(user, b.strategy, 'strategy');
    if (b.is_active !== undefined) c.isActive = b.is_active;
    if (b.context_summary !== undefined) c.summary = b.context_summary;
    if (b.model_name !== undefined) c.modelName = b.model_name;
    if (b.temperature !== undefined) c.temperature = b.temperature;
    if (b.max_tokens !== undefined) c.maxTokens = b.max_tokens;
    return c;
  }

  @Post()
  @ApiOperation({ summary: 'Start a chat session (session_id is generated); every field is optional' })
  @ApiBody({ type: StrategyChatBodyDto, examples: { session: { value: BODY_EXAMPLE } } })
  @ApiCreatedResponse({ type: StrategyChatDetailDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'DRF field errors, e.g. {"strategy": ["Invalid pk \\"9\\" - object does not exist."]}',
  })
  async create(@CurrentUser() user: AuthUser, @Body() body: StrategyChatBodyDto): Promise<StrategyChatDetailDto> {
    const c = await this.changesOf(user, body);
    const s = await this.conversations.createSession(user, c.title ?? '', c.strategyId ?? null, {
      isActive: c.isActive,
      summary: c.summary,
      modelName: c.modelName,
      temperature: c.temperature,
      maxTokens: c.maxTokens,
    });
    return this.one(s);
  }

  @Get(':session_id')
  @ApiParam(SESSION)
  @ApiOperation({ summary: 'One of your chat sessions with its messages' })
  @ApiOkResponse({ type: StrategyChatDetailDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: '{"detail": "Not found."}: no such session, or not yours' })
  async get(@CurrentUser() user: AuthUser, @Param('session_id') sessionId: string): Promise<StrategyChatDetailDto> {
    return this.one(await this.conversations.session(user, sessionId));
  }

  @Put(':session_id')
  @ApiParam(SESSION)
  @ApiOperation({ summary: 'Change a chat session (fields left out stay as they are; none is required)' })
  @ApiBody({ type: StrategyChatBodyDto, examples: { session: { value: BODY_EXAMPLE } } })
  @ApiOkResponse({ type: StrategyChatDetailDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  replace(
    @CurrentUser() user: AuthUser,
    @Param('session_id') sessionId: string,
    @Body() body: StrategyChatBodyDto,
  ): Promise<StrategyChatDetailDto> {
    return this.update(user, sessionId, body);
  }

  @Patch(':session_id')
  @ApiParam(SESSION)
  @ApiOperation({ summary: 'Change some fields of a chat session' })
  @ApiBody({ type: StrategyChatBodyDto, examples: { rename: { value: { title: 'Renamed' } }, unlink: { value: { strategy: null } } } })
  @ApiOkResponse({ type: StrategyChatDetailDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('session_id') sessionId: string,
    @Body() body: StrategyChatBodyDto,
  ): Promise<StrategyChatDetailDto> {
    const s = await this.conversations.session(user, sessionId);
    return this.one(await this.conversations.updateSession(s, await this.changesOf(user, body)));
  }

  @Delete(':session_id')
  @HttpCode(204)
  @ApiParam(SESSION)
  @ApiOperation({ summary: 'Delete a chat session and its messages' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @Param('session_id') sessionId: string): Promise<void> {
    await this.conversations.deleteSession(await this.conversations.session(user, sessionId));
  }
}
