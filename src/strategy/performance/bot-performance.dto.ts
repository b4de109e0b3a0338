import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { INTERVALS, isValidSymbol } from '../../market-data/market-data.port';
import { IsDecimal } from '../../common/decimal';
import { IsCalendarDate, MAX_ID } from '../records/params';

/** Most strategies one `verify_all/` call names (and tests). */
export const MAX_VERIFY_ALL = 100;

export const PERFORMANCE_EXAMPLE = {
  strategy: 7,
  strategy_name: 'SMA Cross',
  is_verified: true,
  status: 'verified',
  total_return: '12.480000',
  win_rate: '55.56',
  sharpe_ratio: '1.120000',
  max_drawdown: '6.310000',
  total_trades: 9,
  symbol: 'AAPL',
  timeframe: '1d',
  initial_balance: '10000.00',
  commission: '0.002000',
  verification_notes: 'Verified: 9 trade(s) on AAPL 1d (1y); return 12.48%, win rate 55.6%, Sharpe 1.12, max drawdown 6.31%',
  last_tested_at: '2026-11-25T09:30:01.000Z',
  created_at: '2026-11-25T09:30:00.000Z',
  updated_at: '2026-11-25T09:30:01.000Z',
};

/** Django's `BotPerformance` serialized: every field, decimals as strings, `strategy` = its id. */
export class BotPerformanceDto {
  @ApiProperty({ example: 7 }) strategy!: number;
  @ApiProperty({ example: 'SMA Cross' }) strategy_name!: string;
  @ApiProperty({ example: true, description: 'The last run succeeded and made at least one trade' }) is_verified!: boolean;
  @ApiProperty({ example: 'verified', enum: ['untested', 'testing', 'verified', 'failed'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '12.480000', description: 'Percent; null after a failed run' }) total_return!:
    string | null;
  @ApiProperty({ type: String, nullable: true, example: '55.56', description: 'Percent of winning trades' }) win_rate!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.120000' }) sharpe_ratio!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '6.310000', description: 'Percent, positive' }) max_drawdown!: string | null;
  @ApiProperty({ example: 9 }) total_trades!: number;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ example: '10000.00' }) initial_balance!: string;
  @ApiProperty({ example: '0.002000' }) commission!: string;
  @ApiProperty({ example: PERFORMANCE_EXAMPLE.verification_notes }) verification_notes!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T09:30:01.000Z' }) last_tested_at!: string | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:30:01.000Z' }) updated_at!: string;
}

export class BotPerformancePageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [BotPerformanceDto] }) results!: BotPerformanceDto[];
}

export class VerifyBotResponseDto {
  @ApiProperty({ example: 'completed', enum: ['completed'] }) status!: 'completed';
  @ApiProperty({ type: BotPerformanceDto }) performance!: BotPerformanceDto;
  @ApiProperty({ example: PERFORMANCE_EXAMPLE.verification_notes, description: 'The verification notes' }) message!: string;
}

export class VerifyAllErrorDto {
  @ApiProperty({ example: 9 }) strategy_id!: number;
  @ApiProperty({ example: 'Not verified: the bot failed on AAPL 1d (1y) (reference): ReferenceError: nope is not defined' }) error!: string;
}

export class VerifyAllSummaryDto {
  @ApiProperty({ example: 3, description: 'Strategies tested by this call' }) total!: number;
  @ApiProperty({ example: 2 }) verified!: number;
  @ApiProperty({ example: 1 }) failed!: number;
  @ApiProperty({ example: 0, description: 'Always 0: runs are sequential and finished when the call answers' }) testing!: number;
  @ApiProperty({
    type: [VerifyAllErrorDto],
    description: 'Each strategy not verified, with why; also requested ids that are not your strategies ("Strategy not found")',
  })
  errors!: VerifyAllErrorDto[];
}

/** `verify_all/` answers at once: the job doing the work (its result is a `VerifyAllSummaryDto`). */
export class VerifyAllAcceptedDto {
  @ApiProperty({ example: 'queued', enum: ['queued'] }) status!: 'queued';
  @ApiProperty({ example: 'job_3f2a9c1d4b5e6f708a9b' }) job_id!: string;
  @ApiProperty({ example: '/api/jobs/job_3f2a9c1d4b5e6f708a9b' }) job_url!: string;
  @ApiProperty({
    example: '/api/jobs/job_3f2a9c1d4b5e6f708a9b/events',
    description: 'SSE: progress {done, total, verified, failed}, then done with the summary',
  })
  events_url!: string;
  @ApiProperty({ example: "Verification started; follow events_url for progress; the summary is the job's result" }) message!: string;
}

export class VerifiedBotsDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: [BotPerformanceDto], example: [PERFORMANCE_EXAMPLE] }) verified_bots!: BotPerformanceDto[];
}

export class BotTestRunMetricsDto {
  @ApiProperty({ example: 12.48 }) return_pct!: number;
  @ApiProperty({ example: 9 }) num_trades!: number;
  @ApiProperty({ example: 55.56 }) win_rate!: number;
  @ApiProperty({ example: 1.12 }) sharpe_ratio!: number;
  @ApiProperty({ example: 6.31 }) max_drawdown!: number;
  @ApiProperty({ example: 0.004, description: 'Seconds' }) execution_time!: number;
}

/** Django's `BotTestRun` serialized. */
export class BotTestRunDto {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 7 }) strategy!: number;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ example: '1y' }) period!: string;
  @ApiProperty({ example: '10000.00' }) initial_balance!: string;
  @ApiProperty({ example: '0.002000' }) commission!: string;
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'e.g. syntax, reference, type, timeout' }) error_type!:
    string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) error_message!: string | null;
  @ApiProperty({ type: BotTestRunMetricsDto, nullable: true }) metrics!: BotTestRunMetricsDto | null;
  @ApiProperty({ type: Number, nullable: true, example: 2, description: 'The strategy version (/api/production/) whose code ran, if any' })
  strategy_version!: number | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) started_at!: string;
  @ApiProperty({ example: '2026-11-25T09:30:01.000Z' }) finished_at!: string;
}

export class TestHistoryDto {
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: 'SMA Cross' }) strategy_name!: string;
  @ApiProperty({ example: true }) is_verified!: boolean;
  @ApiProperty({ type: [BotTestRunDto], description: 'Newest first, at most 50' }) test_runs!: BotTestRunDto[];
}

/** `"7"` → 7 (form-style bodies); anything else is left for the validators to judge. */
const digitsToNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : value;

/** A number (or numeric string) within `min`…`max` (`max` itself excluded when `maxExclusive`). */
function InRange(min: number, max: number, opts: { maxExclusive?: boolean; text: string }, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'inRange',
      validator: {
        validate: (v: unknown) => {
          const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
          return Number.isFinite(n) && n >= min && (opts.maxExclusive ? n < max : n <= max);
        },
        defaultMessage: (args) => `${args?.property} must be ${opts.text}`,
      },
    },
    options,
  );
}

function IsMarketSymbol(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMarketSymbol',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && isValidSymbol(v.trim().toUpperCase()),
        defaultMessage: (args) => `${args?.property} must be 1-20 characters of letters, digits, ".", "^", "=" or "-"`,
      },
    },
    options,
  );
}

/**
 * `verify_bot/` body. The bot runs once on `symbol` at `timeframe` bars over the shortest period covering
 * `start_date`…`end_date` (1y without `start_date`; `end_date` defaults to today), starting with
 * `initial_balance` and paying `commission` (a fraction of each fill's notional).
 */
export class VerifyBotDto {
  @ApiProperty({ example: 7, description: 'One of your strategies, with a bot to run' })
  @Transform(digitsToNumber)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id!: number;

  @ApiPropertyOptional({ example: 'AAPL', default: 'AAPL' }) @IsOptional() @IsMarketSymbol() symbol?: string;
  @ApiPropertyOptional({
    example: '2025-01-01',
    description: 'With end_date, sizes the history: the shortest of 1mo…max covering the range',
  })
  @IsOptional()
  @IsCalendarDate()
  start_date?: string;
  @ApiPropertyOptional({ example: '2025-12-31', description: 'Default: today; not before start_date' })
  @IsOptional()
  @IsCalendarDate()
  end_date?: string;
  @ApiPropertyOptional({ example: '1d', default: '1d', enum: INTERVALS }) @IsOptional() @IsIn(INTERVALS) timeframe?: string;
  @ApiPropertyOptional({ type: Number, example: 10000, default: 10000, description: 'Starting cash, 0.01 to 1e12' })
  @IsOptional()
  @IsDecimal(20, 2)
  @InRange(0.01, 1e12, { text: 'between 0.01 and 1e12' })
  initial_balance?: number | string;
  @ApiPropertyOptional({ type: Number, example: 0.002, default: 0.002, description: 'Fraction of each fill, 0 ≤ commission < 1' })
  @IsOptional()
  @IsDecimal(10, 6)
  @InRange(0, 1, { maxExclusive: true, text: 'at least 0 and below 1 (a fraction of each fill)' })
  commission?: number | string;
}

/** `verify_all/` body. */
export class VerifyAllDto {
  @ApiPropertyOptional({ example: false, default: false, description: 'Test again strategies already tested' })
  @IsOptional()
  @IsBoolean()
  force_retest?: boolean;
  @ApiPropertyOptional({
    type: [Number],
    example: [7, 9],
    description: `Only these strategies (1 to ${MAX_VERIFY_ALL} ids); default: all yours (staff: all)`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VERIFY_ALL)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  strategy_ids?: number[];
}

export const MAX_NOTES = 10_000;

/** `PUT|PATCH bot-performance/{id}/`: the one field a client may change (the verdict comes only from a run). */
export class UpdateBotPerformanceDto {
  @ApiPropertyOptional({ example: 'Checked by hand on 2026-11-25', maxLength: MAX_NOTES })
  @ValidateIf((_: object, v: unknown) => v !== undefined)
  @IsString()
  @MaxLength(MAX_NOTES)
  verification_notes?: string;
}

/** `POST bot-performance/`: start tracking one of your strategies (untested until verify_bot runs it). */
export class CreateBotPerformanceDto extends UpdateBotPerformanceDto {
  @ApiProperty({ example: 7, description: 'One of your strategies without a bot performance yet' })
  @IsDefined({ message: 'This field is required.' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy!: number;
}
