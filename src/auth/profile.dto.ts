import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { JsonMaxBytes } from '../common/json-max-bytes';

export const RISK_TOLERANCES = ['conservative', 'moderate', 'aggressive'] as const;
export type RiskTolerance = (typeof RISK_TOLERANCES)[number];

export const MAX_SYMBOLS = 50;
export const MAX_TEXT = 5000;
export const MAX_RISK_PARAMETERS_BYTES = 8192;
const SYMBOL = /^[A-Za-z0-9.^=/:_-]{1,20}$/;
const TIMEFRAME = /^[0-9]{1,4}[a-zA-Z]{1,3}$/;

/** The profile as Django's `UserProfileSerializer` shows it. */
export class ProfileDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ example: 'alice@example.com' }) email!: string;
  @ApiProperty({ enum: RISK_TOLERANCES, example: 'moderate' }) default_risk_tolerance!: string;
  @ApiProperty({ example: '1d' }) default_timeframe!: string;
  @ApiProperty({ type: [String], example: ['AAPL', 'MSFT', 'BTC-USD'] }) preferred_symbols!: string[];
  @ApiProperty({ example: 'Steady growth with limited drawdowns' }) trading_goals!: string;
  @ApiProperty({ example: 'Trend following on daily bars' }) strategy_preferences!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { max_position_pct: 10, stop_loss_pct: 2 } })
  risk_parameters!: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) last_active!: string;
}

export class ProfilePageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [ProfileDto] }) results!: ProfileDto[];
}

/**
 * A partial update of the profile. The read-only fields a client got from GET may be sent back (as DRF
 * allows); they are ignored.
 */
export class UpdateProfileDto {
  @ApiPropertyOptional({ enum: RISK_TOLERANCES, example: 'aggressive' })
  @IsOptional()
  @IsIn(RISK_TOLERANCES)
  default_risk_tolerance?: RiskTolerance;

  @ApiPropertyOptional({ example: '4h', description: 'Bar size such as 1m, 15m, 1h, 4h, 1d, 1wk, 1mo' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  @Matches(TIMEFRAME, { message: 'default_timeframe must be a bar size such as 15m, 1h, 1d or 1wk' })
  default_timeframe?: string;

  @ApiPropertyOptional({ type: [String], example: ['AAPL', 'MSFT', 'BTC-USD'], maxItems: MAX_SYMBOLS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SYMBOLS)
  @IsString({ each: true })
  @Matches(SYMBOL, { each: true, message: 'each value in preferred_symbols must be a ticker of 1-20 letters, digits or . ^ = / : _ -' })
  preferred_symbols?: string[];

  @ApiPropertyOptional({ example: 'Steady growth with limited drawdowns', maxLength: MAX_TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  trading_goals?: string;

  @ApiPropertyOptional({ example: 'Trend following on daily bars', maxLength: MAX_TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  strategy_preferences?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { max_position_pct: 10, stop_loss_pct: 2 },
    description: `A JSON object, at most ${MAX_RISK_PARAMETERS_BYTES} bytes`,
  })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(MAX_RISK_PARAMETERS_BYTES)
  risk_parameters?: Record<string, unknown>;

  @ApiHideProperty() @Allow() id?: unknown;
  @ApiHideProperty() @Allow() username?: unknown;
  @ApiHideProperty() @Allow() email?: unknown;
  @ApiHideProperty() @Allow() created_at?: unknown;
  @ApiHideProperty() @Allow() updated_at?: unknown;
  @ApiHideProperty() @Allow() last_active?: unknown;
}
