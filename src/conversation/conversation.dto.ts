import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MAX_ID } from '../common/path-id';

export const MAX_MESSAGE_CHARS = 20000;

/** Optional but not nullable: `null` is validated (and refused) like any other value (NOT NULL columns). */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_: object, value: unknown) => value !== undefined);

export class ChatRequestDto {
  @ApiProperty({ example: 'How should I size positions for a 20/50 EMA crossover on BTC-USD?', minLength: 1, maxLength: MAX_MESSAGE_CHARS })
  @IsString()
  @Length(1, MAX_MESSAGE_CHARS)
  message!: string;

  @ApiPropertyOptional({ example: 'chat_3f2a9c1d4b5e6f70', description: 'Continue this session; omitted → a new one' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  session_id?: string;

  @ApiPropertyOptional({ example: 12, description: 'Link the session to this strategy' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id?: number;

  @ApiPropertyOptional({ example: true, default: true, description: 'Send earlier messages (last 20) as context' })
  @IsOptional()
  @IsBoolean()
  use_context?: boolean;
}

export class ChatListQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: "Staff only: false lists every user's sessions" })
  @IsOptional()
  @IsIn(['true', 'false'])
  my_sessions?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  is_active?: string;

  @ApiPropertyOptional({ example: '12' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,8}$/, { message: 'strategy_id must be a positive integer' })
  strategy_id?: string;

  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,5}$/, { message: 'page must be a positive integer' })
  page?: string;
}

export class ChatSessionDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ type: Number, nullable: true, example: 7 }) user!: number | null;
  @ApiProperty({ example: 'How should I size positions for a 20/50 EMA…' }) title!: string;
  @ApiProperty({ type: Number, nullable: true, example: 12 }) strategy!: number | null;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ type: String, nullable: true, example: null }) context_summary!: string | null;
  @ApiProperty({ example: 4 }) message_count!: number;
  @ApiProperty({ example: 'gemini-2.5-flash' }) model_name!: string;
  @ApiProperty({ example: 0.7 }) temperature!: number;
  @ApiProperty({ example: 2048 }) max_tokens!: number;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
}

export class ChatSessionPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [ChatSessionDto] }) results!: ChatSessionDto[];
}

export class ChatMessageDto {
  @ApiProperty({ example: 41 }) id!: number;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ enum: ['user', 'assistant', 'system'], example: 'assistant' }) role!: string;
  @ApiProperty({ example: 'Risk 1% of equity per trade…' }) content!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { key_id: 'key-1', model: 'gemini-2.5-flash', attempts: 1 } })
  metadata!: Record<string, unknown>;
  @ApiProperty({ type: Number, nullable: true, example: 312 }) tokens_used!: number | null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) created_at!: string;
}

export class ChatResponseDto {
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 'Risk 1% of equity per trade…', description: 'The AI reply (Django field name)' }) message!: string;
  @ApiProperty({ example: 'Risk 1% of equity per trade…', description: 'The AI reply again' }) ai_response!: string;
  @ApiProperty({ example: 2 }) message_count!: number;
  @ApiProperty({ example: true }) context_used!: boolean;
  @ApiProperty({ example: 41 }) message_id!: number;
  @ApiProperty({ example: 40 }) user_message_id!: number;
  @ApiProperty({ example: 'gemini-2.5-flash' }) model!: string;
  @ApiProperty({ example: 'key-1' }) key_id!: string;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ type: Number, nullable: true, example: 312 }) tokens_used!: number | null;
}

export class SummaryResponseDto {
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 'The user is tuning an EMA crossover…' }) summary!: string;
  @ApiProperty({ example: 4 }) message_count!: number;
}

export class ClearResponseDto {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: 'Conversation cleared' }) message!: string;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
}

/** Body of `POST /api/auth/chat/` (Django's `ChatRequestSerializer`). */
export class AuthChatRequestDto {
  @ApiProperty({ example: 'Help me build a mean-reversion strategy for SPY', minLength: 1, maxLength: MAX_MESSAGE_CHARS })
  @IsString()
  @Length(1, MAX_MESSAGE_CHARS)
  message!: string;

  @ApiPropertyOptional({ example: 'chat_3f2a9c1d4b5e6f70', description: 'Continue this session; omitted → a new one' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  session_id?: string;

  @ApiPropertyOptional({
    example: 3,
    description: 'One of your active AI contexts: its instructions lead the system prompt; kept on the session for its later messages',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  ai_context_id?: number;

  @ApiPropertyOptional({ example: 'Strategy Development Session', default: 'Strategy Development Session', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;
}

export class AuthChatResponseDto {
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 'Strategy Development Session' }) title!: string;
  @ApiProperty({ example: 'Help me build a mean-reversion strategy for SPY' }) user_message!: string;
  @ApiProperty({ example: 'Start with a 20-day Bollinger band…' }) ai_response!: string;
  @ApiProperty({ type: Number, nullable: true, example: 312 }) tokens_used!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) generated_strategy_id!: number | null;
}

/** Django's `StrategyChatMessageSerializer`. */
export class StrategyChatMessageDto {
  @ApiProperty({ example: 41 }) id!: number;
  @ApiProperty({ enum: ['user', 'assistant', 'system'], example: 'assistant' }) role!: string;
  @ApiProperty({ example: 'Risk 1% of equity per trade…' }) content!: string;
  @ApiProperty({ type: Number, nullable: true, example: 312 }) tokens_used!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { key_id: 'key-1', model: 'gemini-2.5-flash' } })
  metadata!: Record<string, unknown>;
  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Always null: no function calls are made' })
  function_call!: null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) created_at!: string;
}

/** Django's `StrategyChatSerializer` (create, retrieve, update). */
export class StrategyChatDetailDto extends ChatSessionDto {
  @ApiProperty({ type: String, nullable: true, example: 'alice' }) user_username!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'EMA Crossover BTC' }) strategy_name!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T09:45:00.000Z' }) last_message_at!: string | null;
  @ApiProperty({ type: [StrategyChatMessageDto] }) messages!: StrategyChatMessageDto[];
}

/** Create / update body of `/api/strategies/chat/` (the writable fields of Django's StrategyChat). */
export class StrategyChatBodyDto {
  @ApiPropertyOptional({ example: 'BTC swing ideas', maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 12, description: 'One of your strategies, or null' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy?: number | null;

  @ApiPropertyOptional({ example: true })
  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'The user is tuning an EMA crossover…', maxLength: MAX_MESSAGE_CHARS })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_MESSAGE_CHARS)
  context_summary?: string;

  @ApiPropertyOptional({ example: 'gemini-2.5-flash', maxLength: 50 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 50)
  model_name?: string;

  @ApiPropertyOptional({ example: 0.7, minimum: 0, maximum: 2 })
  @OptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ example: 2048, minimum: 1, maximum: 65536 })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(65536)
  max_tokens?: number;
}
