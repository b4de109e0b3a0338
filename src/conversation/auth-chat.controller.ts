import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, requireUserId } from '../auth/current-user.decorator';
import { AiCaller, Caller } from '../gemini/ai-caller';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { AuthChatRequestDto, AuthChatResponseDto } from './conversation.dto';
import { AiContextsService } from './ai-contexts.service';
import { ConversationService } from './conversation.service';

export const DEFAULT_AUTH_CHAT_TITLE = 'Strategy Development Session';

/** Django's `ai_chat_view` (`POST /api/auth/chat/`), served by the same persistent conversations. */
@ApiTags('auth')
@Authenticated({ allowAnonymous: false })
@Controller('api/auth/chat')
export class AuthChatController {
  constructor(
    private readonly conversations: ConversationService,
    private readonly contexts: AiContextsService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Chat with the strategy assistant (sessions shared with /api/strategies/chat/)',
    description: 'An `ai_context_id` is kept on the session: later messages of that session use its instructions without naming it again.',
  })
  @ApiOkResponse({ type: AuthChatResponseDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body (each field named)' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Unknown session_id or ai_context_id, or not yours' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Every key is busy; see Retry-After. Your message is kept.' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'No usable key' })
  async chat(@CurrentUser() user: AuthUser, @Body() body: AuthChatRequestDto, @Caller() caller: AiCaller): Promise<AuthChatResponseDto> {
    requireUserId(user);
    const existing = body.session_id ? await this.conversations.session(user, body.session_id) : null;
    let instructions: string | undefined;
    if (body.ai_context_id !== undefined) instructions = await this.contexts.instructionsForChat(user, body.ai_context_id);
    else if (existing?.aiContextId != null) instructions = await this.contexts.storedInstructions(user, existing.aiContextId);
    const r = await this.conversations.chat(
      user,
      caller,
      { message: body.message, session_id: body.session_id },
      body.title ?? DEFAULT_AUTH_CHAT_TITLE,
      instructions,
      body.ai_context_id,
    );
    return {
      session_id: r.session_id,
      title: r.title,
      user_message: body.message,
      ai_response: r.ai_response,
      tokens_used: r.tokens_used,
      generated_strategy_id: null,
    };
  }
}
