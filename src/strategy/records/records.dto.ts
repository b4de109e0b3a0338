import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsDecimal } from '../../common/decimal';
import { IsCalendarDate, MAX_ID, MAX_INT } from './params';

/** Django's `StrategyValidationSerializer` (read-only here). Decimals are strings. */
export class ValidationDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 7 }) strategy!: number;
  @ApiProperty({ example: 'EMA Crossover BTC', description: 'Name of the strategy (read-only)' }) strategy_name!: string;
  @ApiProperty({ example: 'syntax' }) validation_type!: string;
  @ApiProperty({ example: 'passed' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '92.50' }) score!: string | null;
  @ApiProperty({ type: [Object], example: ['compiles'] }) passed_checks!: unknown[];
  @ApiProperty({ type: [Object], example: [] }) failed_checks!: unknown[];
  @ApiProperty({ type: [Object], example: ['no stop loss'] }) warnings!: unknown[];
  @ApiProperty({ type: [Object], example: ['add a stop loss'] }) recommendations!: unknown[];
  @ApiProperty({ example: '1.0' }) validator_version!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { strict_mode: false } }) validation_config!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, example: '0.412' }) execution_time!: string | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T09:30:01.000Z' }) completed_at!: string | null;
}

export class ValidationPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [ValidationDto] }) results!: ValidationDto[];
}

/** Django's `StrategyPerformanceSerializer`. Decimals are strings. */
export class PerformanceDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 7 }) strategy!: number;
  @ApiProperty({ example: 'EMA Crossover BTC', description: 'Name of the strategy (read-only)' }) strategy_name!: string;
  @ApiProperty({ example: 'bt-2026-11-25-01' }) backtest_id!: string;
  @ApiProperty({ type: String, nullable: true, example: '12.500000' }) total_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '12.500000' }) annualized_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.180000' }) volatility!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.350000' }) sharpe_ratio!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '-8.200000' }) max_drawdown!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.800000' }) profit_factor!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.420000' }) avg_trade_return!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '55.00' }) win_rate!: string | null;
  @ApiProperty({ example: 40 }) total_trades!: number;
  @ApiProperty({ example: 22 }) winning_trades!: number;
  @ApiProperty({ example: 18 }) losing_trades!: number;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01' }) start_date!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-12-31' }) end_date!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '10000.00' }) initial_capital!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '11250.00' }) final_capital!: string | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
}

export class PerformancePageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [PerformanceDto] }) results!: PerformanceDto[];
}

const notNull = (_: object, v: unknown) => v !== null && v !== undefined;

/** The writable fields besides `strategy`; decimals as numbers or numeric strings, null allowed. */
class PerformanceFieldsDto {
  @ApiPropertyOptional({ example: 'bt-2026-11-25-01', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  backtest_id?: string;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 12.5 }) @ValidateIf(notNull) @IsDecimal(15, 6) total_return?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 12.5 }) @ValidateIf(notNull) @IsDecimal(15, 6) annualized_return?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 0.18 }) @ValidateIf(notNull) @IsDecimal(15, 6) volatility?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 1.35 }) @ValidateIf(notNull) @IsDecimal(15, 6) sharpe_ratio?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: -8.2 }) @ValidateIf(notNull) @IsDecimal(15, 6) max_drawdown?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 1.8 }) @ValidateIf(notNull) @IsDecimal(15, 6) profit_factor?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 0.42 }) @ValidateIf(notNull) @IsDecimal(15, 6) avg_trade_return?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 55, description: 'Percent, below 1000' })
  @ValidateIf(notNull)
  @IsDecimal(5, 2)
  win_rate?: number | string | null;

  @ApiPropertyOptional({ example: 40, minimum: 0 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_INT) total_trades?: number;
  @ApiPropertyOptional({ example: 22, minimum: 0 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_INT) winning_trades?: number;
  @ApiPropertyOptional({ example: 18, minimum: 0 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_INT) losing_trades?: number;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2025-01-01' }) @ValidateIf(notNull) @IsCalendarDate() start_date?:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2025-12-31' }) @ValidateIf(notNull) @IsCalendarDate() end_date?:
    string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 10000 }) @ValidateIf(notNull) @IsDecimal(20, 2) initial_capital?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 11250 }) @ValidateIf(notNull) @IsDecimal(20, 2) final_capital?:
    number | string | null;
}

/** Create (and PUT) body: `strategy` (one of yours) required. */
export class CreatePerformanceDto extends PerformanceFieldsDto {
  @ApiProperty({ example: 7, description: 'One of your strategies' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy!: number;
}

/** PATCH body. */
export class UpdatePerformanceDto extends PerformanceFieldsDto {
  @ApiPropertyOptional({ example: 7, description: 'One of your strategies' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy?: number;
}
