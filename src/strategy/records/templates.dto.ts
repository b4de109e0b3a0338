import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { JsonMaxBytes } from '../../common/json-max-bytes';
import { MAX_ID } from './params';

export const MAX_CODE = 200_000;
export const MAX_JSON_BYTES = 65_536;
export const MAX_CHAT_HISTORY = 50;
export const MAX_CHAT_MESSAGE = 10_000;

/** Django's `StrategyTemplateSerializer` (all fields). */
export class TemplateDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'RSI mean reversion' }) name!: string;
  @ApiProperty({ example: 'Buy oversold, sell overbought' }) description!: string;
  @ApiProperty({ example: 'mean_reversion' }) category!: string;
  @ApiProperty({ example: 'class Strategy { … }' }) template_code!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { rsi_period: { type: 'int', default: 14 } } })
  parameters_schema!: Record<string, unknown>;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ type: Number, nullable: true, example: 7 }) linked_strategy!: number | null;
  @ApiProperty({ example: false }) is_system_template!: boolean;
  @ApiProperty({ example: '' }) latest_strategy_code!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { rsi_period: 14 } }) latest_parameters!: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [{ timestamp: '2026-11-25T09:30:00.000Z', message: 'Tightened the stop', user: 'alice' }],
  })
  chat_history!: Array<Record<string, unknown>>;
  @ApiProperty({ type: Number, nullable: true, example: 3 }) created_by!: number | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
}

export class TemplatePageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [TemplateDto] }) results!: TemplateDto[];
}

/** The writable fields besides `name`. */
class TemplateFieldsDto {
  @ApiPropertyOptional({ example: 'Buy oversold, sell overbought', maxLength: 20_000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @ApiPropertyOptional({ example: 'mean_reversion', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ example: 'class Strategy { … }', maxLength: MAX_CODE })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE)
  template_code?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { rsi_period: { type: 'int', default: 14 } } })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(MAX_JSON_BYTES)
  parameters_schema?: Record<string, unknown>;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 7, description: 'One of your strategies, or null' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  linked_strategy?: number | null;

  @ApiPropertyOptional({ example: false, description: 'Only staff may set it to true' })
  @IsOptional()
  @IsBoolean()
  is_system_template?: boolean;

  @ApiPropertyOptional({ example: '', maxLength: MAX_CODE })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE)
  latest_strategy_code?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { rsi_period: 14 } })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(MAX_JSON_BYTES)
  latest_parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, example: [], description: `At most ${MAX_CHAT_HISTORY} entries` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHAT_HISTORY)
  @IsObject({ each: true })
  @JsonMaxBytes(MAX_JSON_BYTES * 4)
  chat_history?: Array<Record<string, unknown>>;
}

/** Create (and PUT) body: `name` required. */
export class CreateTemplateDto extends TemplateFieldsDto {
  @ApiProperty({ example: 'RSI mean reversion', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

/** PATCH body: any subset of the writable fields. */
export class UpdateTemplateDto extends TemplateFieldsDto {
  @ApiPropertyOptional({ example: 'RSI mean reversion', maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;
}

export class SyncFromStrategyDto {
  @ApiPropertyOptional({ example: 'class Strategy { … }', maxLength: MAX_CODE })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE)
  strategy_code?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { rsi_period: 10 } })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(MAX_JSON_BYTES)
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Shortened the RSI period to 10', maxLength: MAX_CHAT_MESSAGE })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CHAT_MESSAGE)
  chat_message?: string;

  @ApiPropertyOptional({ example: 'RSI(10) mean reversion', maxLength: 20_000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @ApiPropertyOptional({ example: false, default: false, description: 'Needed (with a staff account) to change a system template' })
  @IsOptional()
  @IsBoolean()
  force_update?: boolean;
}

export class SyncFromStrategyResponseDto {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: 'Template synced successfully' }) message!: string;
  @ApiProperty({ type: TemplateDto }) template!: TemplateDto;
}

export class LinkedStrategySummaryDto {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'RSI bot' }) name!: string;
  @ApiProperty({ example: 'Buys SPY when RSI < 30' }) description!: string;
  @ApiProperty({ example: 'valid' }) status!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
}

export class ContextSummaryDto {
  @ApiProperty({ example: 3 }) chat_messages_count!: number;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) last_update!: string;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ enum: ['system', 'user-generated'], example: 'user-generated' }) template_type!: 'system' | 'user-generated';
}

/** The template with `linked_strategy` expanded (null when unlinked or not yours) and a summary. */
export class TemplateContextDto extends OmitType(TemplateDto, ['linked_strategy'] as const) {
  @ApiProperty({ type: LinkedStrategySummaryDto, nullable: true, description: 'null when unlinked or not yours' })
  linked_strategy!: LinkedStrategySummaryDto | null;
  @ApiProperty({ type: ContextSummaryDto }) context_summary!: ContextSummaryDto;
}
