/**
 * Request and response shapes of `/api/strategies/strategies/` (Django's StrategyViewSet) and the non-AI
 * actions of `/api/strategies/api/` (StrategyAPIViewSet). Field names stay snake_case as the frontend sends
 * and reads them; decimals travel as strings (DRF's DecimalField) and are accepted as numbers or strings.
 */
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  Max,
  ValidateNested,
} from 'class-validator';
import { IsDecimal } from '../../common/decimal';
import { JsonMaxBytes } from '../../common/json-max-bytes';
import { MAX_BOT_CODE_BYTES } from '../../bots/core/static-check';

export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 20_000;
export const MAX_CODE_BYTES = MAX_BOT_CODE_BYTES;
export const MAX_TAGS = 50;
export const MAX_TAG = 50;
export const MAX_PARAMETERS_BYTES = 65_536;
export const MAX_SHORT = 20;
export const MAX_QUERY = 200;
export const MAX_ID = 2_147_483_647;

/** Every status a strategy can hold: Django's choices plus the values its views really wrote. */
export const STRATEGY_STATUSES = [
  'draft',
  'validating',
  'valid',
  'invalid',
  'active',
  'inactive',
  'generated',
  'executed',
  'failed',
  'working',
] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

/** What `validate_strategy/` can check: static checks (`syntax`) and a sandboxed backtest (`backtest`). */
export const VALIDATION_TYPES = ['syntax', 'backtest'] as const;
export type ValidationType = (typeof VALIDATION_TYPES)[number];

/** Validation decorator: a UTF-8 string of at most `maxBytes` bytes. */
export function MaxBytes(maxBytes: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxBytes',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= maxBytes,
      defaultMessage: (args) => `${args?.property} must be at most ${maxBytes} bytes (${Math.round(maxBytes / 1024)} KB) of UTF-8`,
    },
  });
}

/**
 * Optional, but not nullable: a missing field is skipped, `null` is validated (and refused) like any other
 * value — these columns are NOT NULL, as DRF's "This field may not be null."
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_: object, value: unknown) => value !== undefined);
}

const toArray = ({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]);

// ---------------------------------------------------------------- requests

/** Fields shared by create, replace and partial update (all optional here). */
class StrategyFieldsDto {
  @ApiPropertyOptional({ example: 'Trend following for tech stocks', maxLength: MAX_DESCRIPTION })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_DESCRIPTION)
  description?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: null,
    description: 'Id of a template you own (or a system template); null to unlink',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  template?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { fast: 10, slow: 30 },
    description: `A JSON object, at most ${MAX_PARAMETERS_BYTES} bytes`,
  })
  @OptionalNotNull()
  @IsObject()
  @JsonMaxBytes(MAX_PARAMETERS_BYTES)
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], example: ['momentum', 'tech'], maxItems: MAX_TAGS })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ example: '1d', maxLength: MAX_SHORT })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_SHORT)
  timeframe?: string;

  @ApiPropertyOptional({ example: 'medium', maxLength: MAX_SHORT })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_SHORT)
  risk_level?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    nullable: true,
    example: '12.5000',
    description: 'Decimal(10,4), percent',
  })
  @IsOptional()
  @IsDecimal(10, 4, { extraPlaces: 'refuse' })
  expected_return?: number | string | null;

  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    nullable: true,
    example: '8.2500',
    description: 'Decimal(10,4), percent',
  })
  @IsOptional()
  @IsDecimal(10, 4, { extraPlaces: 'refuse' })
  max_drawdown?: number | string | null;

  @ApiPropertyOptional({ enum: STRATEGY_STATUSES, example: 'draft', default: 'draft' })
  @OptionalNotNull()
  @IsIn(STRATEGY_STATUSES)
  status?: StrategyStatus;

  @ApiPropertyOptional({ example: '1.0.0', default: '1.0.0', maxLength: MAX_SHORT })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SHORT)
  version?: string;
}

/** POST (and PUT) body: Django's StrategySerializer, `name` and `strategy_code` required. */
export class CreateStrategyDto extends StrategyFieldsDto {
  @ApiProperty({ example: 'SMA crossover', maxLength: MAX_NAME })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_NAME)
  name!: string;

  @ApiProperty({
    example: "module.exports = { name: 'SMA cross', params: { fast: 5, slow: 20 }, onBar(bar, ctx) { /* … */ } };",
    description: `A JavaScript bot (docs/bot-sdk.md) or a canonical-JSON string; at most ${MAX_CODE_BYTES / 1024} KB`,
  })
  @IsString()
  @IsNotEmpty()
  @MaxBytes(MAX_CODE_BYTES)
  strategy_code!: string;
}

/** PATCH body: any subset of the writable fields. */
export class UpdateStrategyDto extends StrategyFieldsDto {
  @ApiPropertyOptional({ example: 'SMA crossover', maxLength: MAX_NAME })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_NAME)
  name?: string;

  @ApiPropertyOptional({ example: 'module.exports = { onBar(bar, ctx) { /* … */ } };', description: `At most ${MAX_CODE_BYTES / 1024} KB` })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxBytes(MAX_CODE_BYTES)
  strategy_code?: string;
}

/** GET list query. */
export class StrategyListQueryDto {
  @ApiPropertyOptional({ example: 'valid', maxLength: MAX_SHORT })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_SHORT)
  status?: string;

  @ApiPropertyOptional({ example: 'momentum', description: "The strategy's template category", maxLength: 100 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['momentum', 'tech'],
    description: 'Repeatable (`?tags=a&tags=b`); every tag must be present',
  })
  @OptionalNotNull()
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ example: 'crossover', description: 'In name or description, case-insensitive', maxLength: MAX_QUERY })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_QUERY)
  search?: string;

  @ApiPropertyOptional({ example: '1' })
  @OptionalNotNull()
  @Matches(/^[1-9][0-9]{0,5}$/, { message: 'page must be a positive integer' })
  page?: string;
}

export class StrategyValidationConfigDto {
  @ApiPropertyOptional({ example: false, default: false, description: 'Warnings (e.g. no trades) fail the backtest check' })
  @OptionalNotNull()
  @IsBoolean()
  strict_mode?: boolean;

  @ApiPropertyOptional({ example: false, default: false, description: 'Accepted for compatibility; the checks do not call Gemini' })
  @OptionalNotNull()
  @IsBoolean()
  use_gemini?: boolean;
}

/** `validate_strategy/` body. */
export class ValidateStrategyBodyDto {
  @ApiPropertyOptional({ example: 12, description: "Django's serializer required it; when given it must be the strategy in the path" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['syntax', 'backtest'],
    default: ['syntax', 'backtest'],
    description:
      'Any names are accepted (Django sent syntax, logic, security…); syntax and backtest run, the others are reported in skipped_types',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  validation_types?: string[];

  @ApiPropertyOptional({ type: StrategyValidationConfigDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => StrategyValidationConfigDto)
  config?: StrategyValidationConfigDto;
}

/** `create_strategy/` body (Django's StrategyCreateRequestSerializer): the strategy fields, `template_id`, `skip_template_creation`. */
export class CreateStrategyRequestDto extends PickType(CreateStrategyDto, [
  'name',
  'strategy_code',
  'description',
  'parameters',
  'tags',
  'timeframe',
  'risk_level',
  'expected_return',
  'max_drawdown',
] as const) {
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: null,
    description: 'A template you own (or a system template) for the strategy; then no "Template: {name}" is created. Else 404',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  template_id?: number | null;

  @ApiPropertyOptional({ example: false, default: false, description: 'Do not create the "Template: {name}" template' })
  @OptionalNotNull()
  @IsBoolean()
  skip_template_creation?: boolean;
}

/** `search/` body. Filters sent as null are ignored. */
export class SearchStrategiesDto {
  @ApiPropertyOptional({ example: 'crossover', description: 'In name or description, case-insensitive', maxLength: MAX_QUERY })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_QUERY)
  query?: string;

  @ApiPropertyOptional({ example: 'custom', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ type: [String], example: ['momentum'], description: 'Every tag must be present' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ example: 'valid', maxLength: MAX_SHORT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SHORT)
  status?: string;

  @ApiPropertyOptional({ example: 'medium', maxLength: MAX_SHORT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SHORT)
  risk_level?: string;

  @ApiPropertyOptional({ example: '1d', maxLength: MAX_SHORT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SHORT)
  timeframe?: string;

  @ApiPropertyOptional({ example: 'alice', description: 'Username of the creator', maxLength: 150 })
  @IsOptional()
  @IsString()
  @MaxLength(150)
  created_by?: string;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'Not in the Django API: results come 50 at a time, newest first' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;
}

// ---------------------------------------------------------------- responses

/** Django's StrategyListSerializer (no code, no parameters). */
export class StrategyListItemDto {
  @ApiProperty({ example: 12 }) id!: number;
  @ApiProperty({ example: 'SMA crossover' }) name!: string;
  @ApiProperty({ example: 'Buys when the 5-day SMA crosses above the 20-day SMA' }) description!: string;
  @ApiProperty({ type: Number, nullable: true, example: 3 }) template!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Template: SMA crossover' }) template_name!: string | null;
  @ApiProperty({ enum: STRATEGY_STATUSES, example: 'valid' }) status!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ type: [String], example: ['momentum'] }) tags!: string[];
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ example: 'medium' }) risk_level!: string;
  @ApiProperty({ type: String, nullable: true, example: '12.5000' }) expected_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '8.2500' }) max_drawdown!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) file_path!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) bot_id!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 7 }) created_by!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'alice' }) created_by_username!: string | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string | null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T09:45:00.000Z' }) last_validated!: string | null;
}

export class ValidationStatusDto {
  @ApiProperty({ example: 'passed' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '100.00' }) score!: string | null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) created_at!: string;
}

export class LatestPerformanceDto {
  @ApiProperty({ type: String, nullable: true, example: '12.500000' }) total_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.350000' }) sharpe_ratio!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '-8.250000' }) max_drawdown!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '55.00' }) win_rate!: string | null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) created_at!: string;
}

/** A strategy in a list: the list fields plus its newest validation and performance record (or null). */
export class StrategyListEntryDto extends StrategyListItemDto {
  @ApiProperty({ type: ValidationStatusDto, nullable: true }) validation_status!: ValidationStatusDto | null;
  @ApiProperty({ type: LatestPerformanceDto, nullable: true }) latest_performance!: LatestPerformanceDto | null;
}

/** Django's StrategySerializer. */
export class StrategyDto extends StrategyListItemDto {
  @ApiProperty({ example: "module.exports = { name: 'SMA cross', onBar(bar, ctx) { /* … */ } };" }) strategy_code!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { fast: 5, slow: 20 } }) parameters!: Record<string, unknown>;
}

export class StrategyPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [StrategyListEntryDto] }) results!: StrategyListEntryDto[];
}

/** Django's StrategyValidation, every field. */
export class StrategyValidationDto {
  @ApiProperty({ example: 41 }) id!: number;
  @ApiProperty({ example: 12 }) strategy!: number;
  @ApiProperty({ example: 'EMA Crossover BTC', description: 'Name of the strategy (read-only)' }) strategy_name!: string;
  @ApiProperty({ example: 'backtest' }) validation_type!: string;
  @ApiProperty({ enum: ['pending', 'running', 'passed', 'failed', 'error', 'completed'], example: 'passed' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '100.00' }) score!: string | null;
  @ApiProperty({
    type: [Object],
    example: [
      {
        check: 'backtest_run',
        message: 'Ran over 252 bars: 4 trades, return 3.12 %',
        metrics: { return_pct: 3.12, num_trades: 4, win_rate: 50, sharpe_ratio: 0.8, max_drawdown: 2.1, execution_time: 0.01 },
      },
    ],
  })
  passed_checks!: unknown[];
  @ApiProperty({ type: [Object], example: [] }) failed_checks!: unknown[];
  @ApiProperty({ type: [Object], example: [] }) warnings!: unknown[];
  @ApiProperty({ type: [String], example: [] }) recommendations!: unknown[];
  @ApiProperty({ example: 'sandbox-1.0' }) validator_version!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { strict_mode: false, use_gemini: false, symbol: 'AAPL', period: '1y', interval: '1d' },
  })
  validation_config!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, example: '0.412', description: 'Seconds' }) execution_time!: string | null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) created_at!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T09:45:00.412Z' }) completed_at!: string | null;
}

/** Django's StrategyPerformance, every field. */
export class StrategyPerformanceDto {
  @ApiProperty({ example: 5 }) id!: number;
  @ApiProperty({ example: 12 }) strategy!: number;
  @ApiProperty({ example: 'EMA Crossover BTC', description: 'Name of the strategy (read-only)' }) strategy_name!: string;
  @ApiProperty({ example: 'bt_2026_11_25_001' }) backtest_id!: string;
  @ApiProperty({ type: String, nullable: true, example: '0.125000' }) total_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.118000' }) annualized_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.210000' }) volatility!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.300000' }) sharpe_ratio!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.082500' }) max_drawdown!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.450000' }) profit_factor!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.004000' }) avg_trade_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '55.00' }) win_rate!: string | null;
  @ApiProperty({ example: 20 }) total_trades!: number;
  @ApiProperty({ example: 11 }) winning_trades!: number;
  @ApiProperty({ example: 9 }) losing_trades!: number;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01' }) start_date!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-12-31' }) end_date!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '10000.00' }) initial_capital!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '11250.00' }) final_capital!: string | null;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) created_at!: string;
}

export class ValidateStrategyResultDto {
  @ApiProperty({ example: 12 }) strategy_id!: number;
  @ApiProperty({ type: [StrategyValidationDto] }) validation_results!: StrategyValidationDto[];
  @ApiProperty({
    enum: ['passed', 'failed', 'skipped'],
    example: 'passed',
    description: 'skipped: none of the requested types can run here',
  })
  overall_result!: 'passed' | 'failed' | 'skipped';
  @ApiProperty({ type: [String], example: ['logic'], description: 'Requested types this service cannot run' }) skipped_types!: string[];
}

export class AutoCreatedTemplateDto {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 'Template: SMA crossover' }) name!: string;
  @ApiProperty({ example: 'Template "Template: SMA crossover" was created and linked to this strategy' }) message!: string;
}

export class CreateStrategyResponseDto extends StrategyDto {
  @ApiProperty({ type: AutoCreatedTemplateDto, nullable: true, description: 'null with skip_template_creation' })
  auto_created_template!: AutoCreatedTemplateDto | null;
  @ApiProperty({
    example:
      'Validation started in the background: a sandboxed backtest on AAPL (1y, 1d). The status changes from validating to valid or invalid.',
  })
  validation_message!: string;
}

export class SearchStrategiesResponseDto {
  @ApiProperty({ type: [StrategyListEntryDto] }) strategies!: StrategyListEntryDto[];
  @ApiProperty({ example: 1, description: 'All matches; `strategies` holds one page of 50' }) count!: number;
}

export class CategoriesResponseDto {
  @ApiProperty({ type: [String], example: ['custom', 'momentum'] }) categories!: string[];
}

export class StrategyApiHealthDto {
  @ApiProperty({ example: 'healthy' }) status!: 'healthy';
  @ApiProperty({ example: 'connected' }) database!: 'connected';
  @ApiProperty({ example: 12 }) strategies_count!: number;
  @ApiProperty({ example: 4 }) templates_count!: number;
  @ApiProperty({ example: true }) validator_available!: boolean;
  @ApiProperty({ example: true, description: 'Gemini keys with secrets are configured' }) generator_available!: boolean;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) timestamp!: string;
}

export class StrategyApiUnhealthyDto {
  @ApiProperty({ example: 'unhealthy' }) status!: 'unhealthy';
  @ApiProperty({ example: 'Database unavailable' }) error!: string;
  @ApiProperty({ example: 'timed out after 2000 ms' }) details!: string;
}
