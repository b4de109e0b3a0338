import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsDecimal } from '../../common/decimal';
import { AllFinite, MAX_ID, MAX_INT } from './params';

export const MAX_SERIES = 20_000;

/** Django's `LatestBacktestResultSerializer`: every field, decimals as strings, `strategy` = its id. */
export class BacktestResultDto {
  @ApiProperty({ example: 7 }) strategy!: number;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ example: '1y' }) period!: string;
  @ApiProperty({ example: '10000.00' }) initial_balance!: string;
  @ApiProperty({ example: '0.001000' }) commission!: string;
  @ApiProperty({ example: 40 }) total_trades!: number;
  @ApiProperty({ example: 22 }) winning_trades!: number;
  @ApiProperty({ example: 18 }) losing_trades!: number;
  @ApiProperty({ example: '55.00' }) win_rate!: string;
  @ApiProperty({ example: '1250.00' }) net_profit!: string;
  @ApiProperty({ example: '12.500000' }) total_return_pct!: string;
  @ApiProperty({ type: String, nullable: true, example: '11250.00' }) final_equity!: string | null;
  @ApiProperty({ example: '8.200000' }) max_drawdown!: string;
  @ApiProperty({ type: String, nullable: true, example: '1.350000' }) sharpe_ratio!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ entry_date: '2025-03-01', exit_date: '2025-03-09', pnl: 120.5 }] })
  trades!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ date: '2025-03-01', equity: 10000 }] }) equity_curve!: unknown[];
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
}

export class BacktestResultPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [BacktestResultDto] }) results!: BacktestResultDto[];
}

const given = (_: object, v: unknown) => v !== undefined;
const notNull = (_: object, v: unknown) => v !== null && v !== undefined;
/** `"7"` → 7 (form-style bodies); anything else is left for the validators to judge. */
const digitsToNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : value;

/**
 * `save_result/` body. The row is replaced as a whole: an omitted field takes its default (symbol AAPL,
 * timeframe 1d, period 1y, initial_balance 10000, commission 0.001, counts and figures 0, final_equity and
 * sharpe_ratio null, trades and equity_curve []).
 */
export class SaveBacktestResultDto {
  @ApiProperty({ example: 7, description: 'One of your strategies' })
  @Transform(digitsToNumber)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id!: number;

  @ApiPropertyOptional({ example: 'AAPL', default: 'AAPL', maxLength: 20 }) @ValidateIf(given) @IsString() @MaxLength(20) symbol?: string;
  @ApiPropertyOptional({ example: '1d', default: '1d', maxLength: 10 }) @ValidateIf(given) @IsString() @MaxLength(10) timeframe?: string;
  @ApiPropertyOptional({ example: '1y', default: '1y', maxLength: 10 }) @ValidateIf(given) @IsString() @MaxLength(10) period?: string;
  @ApiPropertyOptional({ type: Number, example: 10000, default: 10000 }) @ValidateIf(given) @IsDecimal(20, 2) initial_balance?:
    number | string;
  @ApiPropertyOptional({ type: Number, example: 0.001, default: 0.001 }) @ValidateIf(given) @IsDecimal(10, 6) commission?: number | string;
  @ApiPropertyOptional({ example: 40, default: 0 }) @ValidateIf(given) @IsInt() @Min(0) @Max(MAX_INT) total_trades?: number;
  @ApiPropertyOptional({ example: 22, default: 0 }) @ValidateIf(given) @IsInt() @Min(0) @Max(MAX_INT) winning_trades?: number;
  @ApiPropertyOptional({ example: 18, default: 0 }) @ValidateIf(given) @IsInt() @Min(0) @Max(MAX_INT) losing_trades?: number;
  @ApiPropertyOptional({ type: Number, example: 55, default: 0, description: 'Percent, below 1000' })
  @ValidateIf(given)
  @IsDecimal(5, 2)
  win_rate?: number | string;
  @ApiPropertyOptional({ type: Number, example: 1250, default: 0 }) @ValidateIf(given) @IsDecimal(20, 2) net_profit?: number | string;
  @ApiPropertyOptional({ type: Number, example: 12.5, default: 0 }) @ValidateIf(given) @IsDecimal(15, 6) total_return_pct?: number | string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 11250 }) @ValidateIf(notNull) @IsDecimal(20, 2) final_equity?:
    number | string | null;
  @ApiPropertyOptional({ type: Number, example: 8.2, default: 0 }) @ValidateIf(given) @IsDecimal(15, 6) max_drawdown?: number | string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 1.35 }) @ValidateIf(notNull) @IsDecimal(15, 6) sharpe_ratio?:
    number | string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    example: [{ entry_date: '2025-03-01', exit_date: '2025-03-09', pnl: 120.5 }],
    description: `At most ${MAX_SERIES} items`,
  })
  @ValidateIf(given)
  @IsArray()
  @ArrayMaxSize(MAX_SERIES)
  @AllFinite()
  trades?: unknown[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    example: [{ date: '2025-03-01', equity: 10000 }],
    description: `At most ${MAX_SERIES} items`,
  })
  @ValidateIf(given)
  @IsArray()
  @ArrayMaxSize(MAX_SERIES)
  @AllFinite()
  equity_curve?: unknown[];
}
