/**
 * Bodies of `/api/backtests/` (Django's backtest_api serializers). Decimals are accepted as numbers or numeric
 * strings and stored as PostgreSQL `numeric`; every limit is a 400 naming the field.
 */
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { INTERVALS } from '../market-data/market-data.port';
import { IsDecimal } from '../common/decimal';
import { IsCalendarDate } from '../strategy/records/params';

export const RUN_STATUSES = ['pending', 'queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const MAX_SYMBOLS = 50;
const MAX_ID = 2_147_483_647;
const SYMBOL = /^[A-Za-z0-9.^=-]{1,20}$/;

/** A decimal (number or numeric string) within [min, max]. */
export function InRange(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'inRange',
      validator: {
        validate: (v: unknown) => {
          const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
          return Number.isFinite(n) && n >= min && n <= max;
        },
        defaultMessage: (args) => `${args?.property} must be between ${min} and ${max}`,
      },
    },
    options,
  );
}

export class ConfigBodyDto {
  @ApiProperty({ example: 'AAPL 2024, 0.1 % commission', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Daily bars, 5 % stop' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiProperty({ example: '2024-01-01' }) @IsCalendarDate() start_date!: string;
  @ApiProperty({ example: '2024-12-31' }) @IsCalendarDate() end_date!: string;

  @ApiPropertyOptional({ example: '10000.00', description: 'Default 10000.00 (≥ 0.01)' })
  @IsOptional()
  @IsDecimal(20, 2)
  @InRange(0.01, 1e17)
  initial_capital?: number | string;

  @ApiPropertyOptional({ example: '0.001000', description: 'Fraction of each fill; default 0.001' })
  @IsOptional()
  @IsDecimal(10, 6)
  @InRange(0, 0.5)
  commission?: number | string;

  @ApiPropertyOptional({ example: '0.000500', description: 'Fraction of the open price; default 0.0005' })
  @IsOptional()
  @IsDecimal(10, 6)
  @InRange(0, 0.5)
  slippage?: number | string;

  @ApiPropertyOptional({ example: '1.00', description: 'Fraction of cash an entry uses (0.01–1); default 1.00' })
  @IsOptional()
  @IsDecimal(5, 2)
  @InRange(0.01, 1)
  max_position_size?: number | string;

  @ApiPropertyOptional({ example: '5.00', nullable: true, description: 'Percent below (long) / above (short) the entry' })
  @IsOptional()
  @IsDecimal(5, 2)
  @InRange(0.01, 100)
  stop_loss?: number | string | null;

  @ApiPropertyOptional({ example: '10.00', nullable: true, description: 'Percent above (long) / below (short) the entry' })
  @IsOptional()
  @IsDecimal(5, 2)
  @InRange(0.01, 999)
  take_profit?: number | string | null;

  @ApiPropertyOptional({ example: 'yfinance', description: 'Label only: bars come from the configured market data source' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  data_source?: string;

  @ApiPropertyOptional({ example: '1d', enum: INTERVALS })
  @IsOptional()
  @IsIn(INTERVALS)
  timeframe?: string;

  @ApiPropertyOptional({ example: 'SPY' })
  @IsOptional()
  @Matches(SYMBOL, { message: 'benchmark_symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' })
  benchmark_symbol?: string;

  @ApiPropertyOptional({
    example: '20.00',
    description: 'Not in Django: a max drawdown above this percentage raises a warning alert; default 20',
  })
  @IsOptional()
  @IsDecimal(5, 2)
  @InRange(0.01, 100)
  max_drawdown_limit?: number | string;

  @ApiPropertyOptional({ example: false }) @IsOptional() @IsBoolean() is_template?: boolean;
}

export class ConfigPatchDto extends PartialType(ConfigBodyDto) {}

export class RunBodyDto {
  @ApiProperty({ example: 3, description: 'Config id (yours, or a template)' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  config!: number;

  @ApiProperty({ example: 7, description: 'Strategy id (yours)' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy!: number;

  @ApiProperty({ example: ['AAPL', 'MSFT'], minItems: 1, maxItems: MAX_SYMBOLS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SYMBOLS)
  @Matches(SYMBOL, { each: true, message: 'each symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' })
  symbols!: string[];

  @ApiPropertyOptional({ example: 'pending', enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

export class RunPatchDto extends PartialType(RunBodyDto) {}

export class RunBacktestDto {
  @ApiProperty({ example: 7 }) @IsInt() @Min(1) @Max(MAX_ID) strategy_id!: number;

  @ApiPropertyOptional({ example: 3, description: 'Without it a config "Auto-config for {strategy}" is made from the fields below' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  config_id?: number;

  @ApiProperty({
    example: ['AAPL', 'MSFT', 'GOOG'],
    minItems: 1,
    maxItems: MAX_SYMBOLS,
    description: 'Upper-cased; other characters than A-Z 0-9 . ^ = - dropped',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SYMBOLS)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  symbols!: string[];

  @ApiPropertyOptional({ example: '2024-01-01', description: 'Default: a year before end_date' })
  @IsOptional()
  @IsCalendarDate()
  start_date?: string;
  @ApiPropertyOptional({ example: '2024-12-31', description: 'Default: today' }) @IsOptional() @IsCalendarDate() end_date?: string;
  @ApiPropertyOptional({ example: 100000 }) @IsOptional() @IsDecimal(20, 2) @InRange(0.01, 1e17) initial_capital?: number | string;
  @ApiPropertyOptional({ example: 0.001 }) @IsOptional() @IsDecimal(10, 6) @InRange(0, 0.5) commission?: number | string;
  @ApiPropertyOptional({ example: 0.0005 }) @IsOptional() @IsDecimal(10, 6) @InRange(0, 0.5) slippage?: number | string;
}

export class QuickRunDto {
  @ApiPropertyOptional({
    example:
      '{"title":"SMA cross","entry_rules":[{"description":"SMA 10 crosses above SMA 30"}],' +
      '"indicators":[{"name":"SMA","params":{"period":10}},{"name":"SMA","params":{"period":30}}]}',
    description: 'A bot module (JavaScript) or a canonical JSON strategy; or give strategy_id',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  strategy_code?: string;

  @ApiPropertyOptional({ example: 7, description: "Run this strategy's bot instead of strategy_code" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id?: number;

  @ApiProperty({ example: 'AAPL' })
  @Matches(SYMBOL, { message: 'symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' })
  symbol!: string;
  @ApiProperty({ example: '2024-01-01' }) @IsCalendarDate() start_date!: string;
  @ApiProperty({ example: '2024-12-31' }) @IsCalendarDate() end_date!: string;
  @ApiPropertyOptional({ example: '1d', enum: INTERVALS }) @IsOptional() @IsIn(INTERVALS) timeframe?: string;
  @ApiPropertyOptional({ example: 10000, description: 'Starting cash (initial_balance is the same)' })
  @IsOptional()
  @IsDecimal(20, 2)
  @InRange(0.01, 1e17)
  initial_capital?: number | string;
  @ApiPropertyOptional({ example: 10000 }) @IsOptional() @IsDecimal(20, 2) @InRange(0.01, 1e17) initial_balance?: number | string;
  @ApiPropertyOptional({ example: 0.002, description: 'Default 0.002' }) @IsOptional() @IsDecimal(10, 6) @InRange(0, 0.5) commission?:
    number | string;
  @ApiPropertyOptional({ example: 0 }) @IsOptional() @IsDecimal(10, 6) @InRange(0, 0.5) slippage?: number | string;
  @ApiPropertyOptional({ example: 1 }) @IsOptional() @IsDecimal(5, 2) @InRange(0.01, 1) max_position_size?: number | string;
  @ApiPropertyOptional({ example: 5 }) @IsOptional() @IsDecimal(5, 2) @InRange(0.01, 100) stop_loss?: number | string;
  @ApiPropertyOptional({ example: 10 }) @IsOptional() @IsDecimal(5, 2) @InRange(0.01, 999) take_profit?: number | string;
}

export class SearchDto {
  @ApiPropertyOptional({ example: 7 }) @IsOptional() @IsInt() @Min(1) @Max(MAX_ID) strategy_id?: number;
  @ApiPropertyOptional({ example: 'completed', enum: RUN_STATUSES }) @IsOptional() @IsIn(RUN_STATUSES) status?: RunStatus;
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Runs created on or after' })
  @IsOptional()
  @IsCalendarDate()
  start_date_from?: string;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Runs created on or before' })
  @IsOptional()
  @IsCalendarDate()
  start_date_to?: string;
  @ApiPropertyOptional({ example: ['AAPL'], description: 'Runs whose symbols contain every one of these' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SYMBOLS)
  @Matches(SYMBOL, { each: true, message: 'each symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' })
  symbols?: string[];

  @ApiPropertyOptional({ example: 'alice' }) @IsOptional() @IsString() @MaxLength(150) created_by?: string;
}

export class CompareDto {
  @ApiProperty({ example: ['bt_1a2b3c4d', 'bt_5e6f7a8b'], minItems: 2, maxItems: 10, description: 'run_id strings or numeric ids' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @Type(() => String)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  run_ids!: string[];
}
