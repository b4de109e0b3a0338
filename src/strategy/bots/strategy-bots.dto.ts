import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TestConfigDto } from '../../ai-developer/ai-developer.dto';
import { MAX_ID } from '../../common/path-id';

export const MAX_DESCRIPTION_CHARS = 20_000;

export class GenerateWithAiDto {
  @ApiProperty({
    example: 'Buy when RSI(14) drops below 30 and sell when it rises above 70; 5 % stop loss.',
    minLength: 10,
    maxLength: MAX_DESCRIPTION_CHARS,
  })
  @IsString()
  @Length(10, MAX_DESCRIPTION_CHARS)
  description!: string;

  @ApiPropertyOptional({ example: 'RSI Mean Reversion', description: 'Bot and strategy name (default: derived from the description)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: true, default: true }) @IsOptional() @IsBoolean() auto_fix?: boolean;
  @ApiPropertyOptional({ example: false, default: false }) @IsOptional() @IsBoolean() execute_after_generation?: boolean;
  @ApiPropertyOptional({ example: 3, default: 3, minimum: 1, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  max_fix_attempts?: number;
  @ApiPropertyOptional({ type: TestConfigDto }) @IsOptional() @ValidateNested() @Type(() => TestConfigDto) test_config?: TestConfigDto;
}

export class FixErrorsDto {
  @ApiPropertyOptional({ example: 3, default: 3, minimum: 1, maximum: 10 }) @IsOptional() @IsInt() @Min(1) @Max(10) max_attempts?: number;
  @ApiPropertyOptional({ type: TestConfigDto }) @IsOptional() @ValidateNested() @Type(() => TestConfigDto) test_config?: TestConfigDto;
}

export class ExecuteDto {
  @ApiPropertyOptional({ example: 'GOOG', default: 'GOOG' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9.^=-]{1,20}$/, { message: 'test_symbol must be 1–20 letters, digits or . ^ = -' })
  test_symbol?: string;
  @ApiPropertyOptional({ example: '2024-01-01', description: 'Accepted and ignored, as in the original (use period)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  start_date?: string;
  @ApiPropertyOptional({ example: '2024-12-31', description: 'Accepted and ignored, as in the original (use period)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  end_date?: string;
  @ApiPropertyOptional({ example: '1y', default: '1y', enum: ['1mo', '3mo', '6mo', '1y', '2y', '5y', 'max'] })
  @IsOptional()
  @IsIn(['1mo', '3mo', '6mo', '1y', '2y', '5y', 'max'])
  period?: '1mo' | '3mo' | '6mo' | '1y' | '2y' | '5y' | 'max';
  @ApiPropertyOptional({ example: '1d', default: '1d' }) @IsOptional() @IsString() @MaxLength(4) interval?: string;
}

export class GenerateCodeDto {
  @ApiProperty({ example: 'A 20/50 EMA crossover with a 2 × ATR trailing stop.', minLength: 10, maxLength: MAX_DESCRIPTION_CHARS })
  @IsString()
  @Length(10, MAX_DESCRIPTION_CHARS)
  strategy_description!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: null }) @IsOptional() @IsInt() @Min(1) template_id?: number;
  @ApiPropertyOptional({ example: { fast: 20, slow: 50 } }) @IsOptional() @IsObject() parameters?: Record<string, unknown>;
  @ApiPropertyOptional({ example: true, default: true }) @IsOptional() @IsBoolean() use_gemini?: boolean;
  @ApiPropertyOptional({ example: 'EMA Cross ATR Stop' }) @IsOptional() @IsString() @Length(1, 200) strategy_name?: string;
}

const CANONICAL_EXAMPLE = {
  title: 'EMA Crossover',
  description: 'Trend following on daily bars',
  classification: { type: 'trend_following', risk_tier: 'medium', primary_instruments: ['AAPL'] },
  entry_rules: [{ id: 'e1', description: 'Buy when EMA(20) crosses above EMA(50)' }],
  exit_rules: [{ id: 'x1', description: 'Sell when EMA(20) crosses below EMA(50)' }],
  risk_management: { stop_loss: '5%', take_profit: '15%', position_sizing: 'all-in' },
  indicators: [
    { name: 'ema', params: { period: 20 } },
    { name: 'ema', params: { period: 50 } },
  ],
  metadata: { timeframe: '1d' },
};

export class GenerateExecutableDto {
  @ApiProperty({
    description: 'The canonical strategy (an object, or the JSON string validate_strategy_with_ai returns)',
    example: CANONICAL_EXAMPLE,
    oneOf: [{ type: 'object' }, { type: 'string' }],
  })
  @IsDefined({ message: 'canonical_json is required' })
  canonical_json!: unknown;
  @ApiPropertyOptional({ example: 'GeneratedStrategy', default: 'GeneratedStrategy' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  strategy_name?: string;
  @ApiPropertyOptional({ example: 12 }) @IsOptional() @IsInt() @Min(1) @Max(MAX_ID) strategy_id?: number;
  @ApiPropertyOptional({ type: TestConfigDto }) @IsOptional() @ValidateNested() @Type(() => TestConfigDto) test_config?: TestConfigDto;
}

export class GenerateWithAutoFixDto extends GenerateExecutableDto {
  @ApiPropertyOptional({ example: 3, default: 3, minimum: 1, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  max_fix_attempts?: number;
}
