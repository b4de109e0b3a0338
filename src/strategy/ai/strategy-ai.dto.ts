import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { INPUT_TYPES, InputType } from './strategy-input';
import { MAX_ID } from '../../common/path-id';

export const MAX_STRATEGY_TEXT = 20000;

/** Body of `POST validate_strategy_with_ai/` (Django's StrategyAIValidationRequestSerializer). */
export class ValidateStrategyDto {
  @ApiProperty({
    example:
      '1. Buy when the 12 EMA crosses above the 26 EMA and RSI(14) < 70\n2. Sell when the 12 EMA crosses below the 26 EMA\n3. Stop loss 2%, take profit 4%, daily bars on BTC-USD',
    minLength: 1,
    maxLength: MAX_STRATEGY_TEXT,
    description: 'The strategy in words, numbered steps, or a single http(s) URL of a page describing it',
  })
  @IsString()
  @Length(1, MAX_STRATEGY_TEXT)
  strategy_text!: string;

  @ApiPropertyOptional({
    enum: INPUT_TYPES,
    default: 'auto',
    description: 'auto: a single URL → url, numbered lines → numbered, else freetext',
  })
  @IsOptional()
  @IsIn(INPUT_TYPES)
  input_type?: InputType;

  @ApiPropertyOptional({ default: true, description: 'Must be true: validation is done by Gemini (false → 400)' })
  @IsOptional()
  @IsBoolean()
  use_gemini?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Warnings make the validation fail (status "error")' })
  @IsOptional()
  @IsBoolean()
  strict_mode?: boolean;

  @ApiPropertyOptional({ example: 'chat_3f2a9c1d4b5e6f70', description: 'Record in this (your) conversation; omitted → a new one' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  session_id?: string;

  @ApiPropertyOptional({ default: true, description: 'Send the last messages of the session to Gemini as context' })
  @IsOptional()
  @IsBoolean()
  use_context?: boolean;
}

/** Body of `POST create_strategy_with_ai/`. */
export class CreateStrategyWithAiDto extends ValidateStrategyDto {
  @ApiPropertyOptional({
    example: 'EMA crossover BTC',
    maxLength: 190,
    description: 'Default: the title Gemini gives, else "AI Generated Strategy"',
  })
  @IsOptional()
  @IsString()
  @Length(1, 190)
  name?: string;

  @ApiPropertyOptional({ example: 'Trend following on daily BTC-USD bars', description: 'Default: the description Gemini gives' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_STRATEGY_TEXT)
  description?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: null,
    description: 'Use this (your own or a system) template instead of creating one',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  template_id?: number;

  @ApiPropertyOptional({ example: ['BTC-USD', 'crypto'], description: 'Default: the primary instruments Gemini found' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Accepted for compatibility; the file copy is not written (the strategy row holds the JSON)',
  })
  @IsOptional()
  @IsBoolean()
  save_to_backtest?: boolean;
}

/** Body of `PUT|PATCH {id}/update_strategy_with_ai/`. */
export class UpdateStrategyWithAiDto extends ValidateStrategyDto {
  @ApiPropertyOptional({
    oneOf: [{ type: 'string', maxLength: 500 }, { type: 'boolean' }],
    example: 'Tighter stop loss after the March drawdown',
    description:
      "Django's free-text note on what changed (kept in the template's chat history); `true` also replaces the description with Gemini's",
  })
  @IsOptional()
  @ValidateBy({
    name: 'isNoteOrFlag',
    validator: {
      validate: (v: unknown) => typeof v === 'boolean' || (typeof v === 'string' && v.length <= 500),
      defaultMessage: () => 'update_description must be a note of at most 500 characters, or a boolean',
    },
  })
  update_description?: string | boolean;
}

export class ClassificationDetailDto {
  @ApiProperty({ example: 'trend_following' }) type!: string;
  @ApiProperty({ example: 'medium' }) risk_tier!: string;
  @ApiProperty({ example: ['BTC-USD'] }) primary_instruments!: string[];
}

export class RecommendationDto {
  @ApiProperty({ example: 'Add stop-loss rule' }) title!: string;
  @ApiProperty({ example: 'Define stop-loss for risk management' }) description!: string;
  @ApiProperty({ example: 'Stop-loss prevents unlimited losses' }) rationale!: string;
  @ApiProperty({ enum: [1, 2, 3], example: 1, description: '1 high, 2 medium, 3 low' }) priority!: number;
  @ApiProperty({ enum: ['sizing', 'risk', 'parameters', 'logic', 'testing'], example: 'risk' }) category!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { stop_loss_pct: '0.5-3%' } })
  test_params!: Record<string, string>;
}

export class ProvenanceSourceDto {
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) fetched_at!: string;
  @ApiProperty({ enum: ['user_input', 'web_article', 'youtube', 'tiktok', 'social_post', 'pdf', 'other'], example: 'user_input' })
  type!: string;
  @ApiProperty({ example: 'alice' }) author!: string;
  @ApiProperty({ example: '1. Buy BTC-USD when the 12 EMA crosses above the 26 EMA' }) snippet!: string;
  @ApiPropertyOptional({ example: 'https://example.com/rsi-strategy' }) url?: string;
}

export class ProvenanceDto {
  @ApiProperty({ type: [ProvenanceSourceDto] }) sources!: ProvenanceSourceDto[];
}

/** The validation result (Django's validator dict) + the conversation fields. */
export class ValidationResultDto {
  @ApiProperty({
    type: [String],
    example: ['1. Entry 1: Buy when EMA 12 crosses above EMA 26 — ema_12 > ema_26 → enter'],
    description: 'One line per rule, entries first (empty when the text is not a strategy)',
  })
  canonicalized_steps!: string[];
  @ApiProperty({
    example: '1. Add position sizing rule\n   Why: Without sizing, strategy cannot be executed\n   Test: percent_of_equity: 1-5%',
    description: 'The top 5 recommendations as text',
  })
  recommendations!: string;
  @ApiProperty({ type: [RecommendationDto], description: 'The same top 5, sorted by priority' })
  recommendations_list!: RecommendationDto[];
  @ApiProperty({
    type: [String],
    example: ['Run quick backtest', 'Run parameter sweep', 'Review recommendations', 'Approve -> Generate code'],
  })
  next_actions!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'canonical_json, indented', example: '{\n  "title": "EMA Crossover BTC",…' })
  canonical_json_formatted!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { timeframe: '1d', created_at: '2026-11-25T09:30:00.000Z', created_by: 'user:alice', confidence: 'high' },
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ type: ProvenanceDto }) provenance!: ProvenanceDto;

  @ApiProperty({ enum: ['success', 'error', 'invalid'], example: 'success' }) status!: 'success' | 'error' | 'invalid';
  @ApiProperty({ example: 'Strategy validated: EMA Crossover BTC' }) message!: string;
  @ApiProperty({ example: 'Type trend_following, risk medium, 2 entry rule(s), 1 exit rule(s), 2 indicator(s), timeframe 1d.' })
  details!: string;
  @ApiProperty({ type: String, nullable: true, example: 'trend_following' }) classification!: string | null;
  @ApiProperty({ type: ClassificationDetailDto, nullable: true }) classification_detail!: ClassificationDetailDto | null;
  @ApiProperty({ enum: ['high', 'medium', 'low'], example: 'high' }) confidence!: string;
  @ApiProperty({ example: ['No position sizing given; assumed 100% of equity'] }) warnings!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The canonical strategy as a JSON string',
    example: '{"title":"EMA Crossover BTC",…}',
  })
  canonical_json!: string | null;
  @ApiProperty({ example: '## EMA Crossover BTC\n\n**Type:** trend_following · …' }) formatted_response!: string;
  @ApiProperty({ example: 'freetext' }) input_type!: string;
  @ApiProperty({ type: [String], example: [], description: 'Why the text is not a strategy (status invalid)' }) reasons!: string[];
}

export class ValidateStrategyResponseDto extends ValidationResultDto {
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 2 }) message_count!: number;
  @ApiProperty({ example: false, description: 'Earlier messages of the session were sent to Gemini' }) context_used!: boolean;
}

export class AutoTemplateDto {
  @ApiProperty({ example: 5 }) id!: number;
  @ApiProperty({ example: 'Template: EMA Crossover BTC' }) name!: string;
  @ApiProperty({ example: 'Template "Template: EMA Crossover BTC" created and linked to the strategy' }) message!: string;
}

export class CreateStrategyWithAiResponseDto {
  @ApiProperty({ type: Object, description: 'The strategy (StrategySerializer fields)' }) strategy!: Record<string, unknown>;
  @ApiProperty({ type: ValidationResultDto }) ai_validation!: ValidationResultDto;
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 2 }) message_count!: number;
  @ApiPropertyOptional({ type: AutoTemplateDto }) auto_created_template?: AutoTemplateDto;
}

export class UpdateStrategyWithAiResponseDto {
  @ApiProperty({ type: Object }) strategy!: Record<string, unknown>;
  @ApiProperty({ type: ValidationResultDto }) ai_validation!: ValidationResultDto;
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: 'Strategy updated with AI validation' }) message!: string;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiProperty({ example: 4 }) message_count!: number;
}

/** The 400 of create/update when the validation did not succeed (top-level keys as Django sent them). */
export class ValidationRejectedDto {
  @ApiProperty({ example: 'Strategy validation failed' }) error!: string;
  @ApiPropertyOptional({ example: 'The text does not describe a trading strategy' }) message?: string;
  @ApiPropertyOptional({ example: 'It is a cooking recipe' }) details?: string;
  @ApiProperty({ type: ValidationResultDto }) validation_result!: ValidationResultDto;
  @ApiProperty({ example: 'chat_3f2a9c1d4b5e6f70' }) session_id!: string;
  @ApiPropertyOptional({ example: ['Describe when to enter a trade…'] }) suggestions?: string[];
}
