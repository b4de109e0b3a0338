import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_ID } from '../common/path-id';
import { ChatMessageDto, OptionalNotNull } from './conversation.dto';
import { JsonMaxBytes } from '../common/json-max-bytes';

export const MAX_SESSION_NAME = 200;
export const MAX_INSTRUCTIONS = 20_000;
export const MAX_CONTEXT_DATA_BYTES = 65_536;
export const MAX_TITLE = 200;

/** Django's `AIContextSerializer`. */
export class AiContextDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ example: 'Swing trading' }) session_name!: string;
  @ApiProperty({ example: 'Answer briefly; prefer daily bars and ETFs.' }) instructions!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { symbols: ['SPY', 'QQQ'] } }) context_data!: Record<string, unknown>;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) last_used!: string;
}

export class AiContextPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [AiContextDto] }) results!: AiContextDto[];
}

/** Create (and PUT) body. */
export class CreateAiContextDto {
  @ApiProperty({ example: 'Swing trading', maxLength: MAX_SESSION_NAME })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SESSION_NAME)
  session_name!: string;

  @ApiPropertyOptional({ example: 'Answer briefly; prefer daily bars and ETFs.', maxLength: MAX_INSTRUCTIONS })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_INSTRUCTIONS)
  instructions?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { symbols: ['SPY', 'QQQ'] },
    description: `A JSON object, at most ${MAX_CONTEXT_DATA_BYTES} bytes`,
  })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(MAX_CONTEXT_DATA_BYTES)
  context_data?: Record<string, unknown>;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}

/** PATCH body: any subset of the writable fields. */
export class UpdateAiContextDto {
  @ApiPropertyOptional({ example: 'Swing trading', maxLength: MAX_SESSION_NAME })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SESSION_NAME)
  session_name?: string;

  @ApiPropertyOptional({ example: 'Answer briefly.', maxLength: MAX_INSTRUCTIONS })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_INSTRUCTIONS)
  instructions?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { symbols: ['SPY'] } })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(MAX_CONTEXT_DATA_BYTES)
  context_data?: Record<string, unknown>;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}

/** Django's `ChatSessionSerializer` (list items). */
/** One entry of a session's `messages` (Django's JSON history). */
export class HistoryEntryDto {
  @ApiProperty({ enum: ['user', 'assistant', 'system'], example: 'user' }) role!: string;
  @ApiProperty({ example: 'Help me build a mean-reversion strategy for SPY' }) content!: string;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) timestamp!: string;
}

export class AuthChatSessionDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3,
    description: 'The AI context of the session (given to /api/auth/chat/ or set here)',
  })
  ai_context!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Swing trading' }) ai_context_name!: string | null;
  @ApiProperty({ example: 'New Strategy Session' }) title!: string;
  @ApiProperty({ type: [HistoryEntryDto], description: 'The conversation, oldest first' }) messages!: HistoryEntryDto[];
  @ApiProperty({ type: [Number], example: [12], description: 'Strategies created from this session' }) generated_strategies!: number[];
  @ApiPropertyOptional({ example: 4 }) message_count?: number;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
}

export class AuthChatSessionDetailDto extends AuthChatSessionDto {
  @ApiProperty({ type: [ChatMessageDto] }) chat_messages!: Array<Omit<ChatMessageDto, 'session_id'>>;
}

export class AuthChatSessionPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [AuthChatSessionDto] }) results!: AuthChatSessionDto[];
}

export class EndSessionResponseDto {
  @ApiProperty({ example: 'Session ended' }) message!: string;
  @ApiProperty({ type: AuthChatSessionDto }) session!: AuthChatSessionDto;
}

/** Create / update body of a chat session. */
export class AuthChatSessionBodyDto {
  @ApiPropertyOptional({ example: 'New Strategy Session', default: 'New Strategy Session', maxLength: MAX_TITLE })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_TITLE)
  title?: string;

  @ApiPropertyOptional({ example: true })
  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 3, description: 'One of your AI contexts, or null for none' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  ai_context?: number | null;
}
