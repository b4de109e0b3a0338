import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { INTERVALS, isValidSymbol, PERIODS } from '../market-data/market-data.port';
import { IsCalendarDate, MAX_ID } from '../strategy/records/params';

/** Most symbols one sandboxed backtest runs. */
export const MAX_SANDBOX_SYMBOLS = 10;
/** Longest run a client may ask for, seconds (the configured BOT_TIMEOUT_MS caps it further). */
export const MAX_TIMEOUT_SECONDS = 3600;

const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

/** `512m`, `1g`, `256` (MB), `1024k`. */
export const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i;

export class ResourceLimitsDto {
  @ApiPropertyOptional({
    example: '0.5',
    description: 'CPUs; accepted for compatibility and echoed, not enforced (a bot runs on one thread)',
  })
  @IsOptional()
  @Transform(asString)
  @IsString()
  @Matches(/^\d+(\.\d+)?$/, { message: 'cpu must be a number of CPUs such as "0.5"' })
  cpu?: string;

  @ApiPropertyOptional({ example: '512m', description: 'Heap limit: "512m", "1g" or MB; capped at BOT_MEMORY_MB' })
  @IsOptional()
  @Transform(asString)
  @IsString()
  @Matches(MEMORY_PATTERN, { message: 'memory must be a size such as "512m", "1g" or a number of MB' })
  memory?: string;
}

export class BacktestResourceLimitsDto extends ResourceLimitsDto {
  @ApiPropertyOptional({ example: 300, description: 'Seconds per symbol; capped at BOT_TIMEOUT_MS' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  timeout?: number;
}

export class SandboxTestDto {
  @ApiProperty({ example: 7, description: 'Your strategy; its bot code (the linked bot, or its own code when that is a bot) is run' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id!: number;

  @ApiPropertyOptional({ example: 60, default: 60, description: 'Seconds; capped at BOT_TIMEOUT_MS' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  timeout?: number;

  @ApiPropertyOptional({ type: ResourceLimitsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceLimitsDto)
  resource_limits?: ResourceLimitsDto;

  @ApiPropertyOptional({ example: 'AAPL', default: 'AAPL' })
  @IsOptional()
  @IsString()
  symbol?: string;

  @ApiPropertyOptional({ example: '1y', default: '1y', enum: PERIODS })
  @IsOptional()
  @IsString()
  period?: string;

  @ApiPropertyOptional({ example: '1d', default: '1d', enum: INTERVALS })
  @IsOptional()
  @IsString()
  interval?: string;
}

export class RunSandboxDto {
  @ApiProperty({ example: 7 })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy_id!: number;

  @ApiPropertyOptional({
    example: 3,
    description: 'Not served yet: stored backtest configs live in /api/backtests/; send `config` instead',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  config_id?: number;

  @ApiPropertyOptional({
    example: { initial_capital: 10000, commission: 0.001, slippage: 0.0005 },
    description: 'A backtest config as in validate-config/ (checked the same way; errors named config.<field>)',
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '2026-01-02', description: 'First day kept (YYYY-MM-DD); default: a year ago' })
  @IsOptional()
  @IsCalendarDate()
  start_date?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last day kept (YYYY-MM-DD); default: today' })
  @IsOptional()
  @IsCalendarDate()
  end_date?: string;

  @ApiPropertyOptional({ example: ['AAPL', 'MSFT'], default: ['AAPL'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SANDBOX_SYMBOLS)
  @IsString({ each: true })
  @ValidateBy({
    name: 'isSymbolList',
    validator: {
      validate: (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string' && isValidSymbol(s.trim().toUpperCase())),
      defaultMessage: () => 'each symbol must be 1-20 characters of letters, digits, ".", "^", "=" or "-"',
    },
  })
  symbols?: string[];

  @ApiPropertyOptional({ example: '1d', default: '1d', enum: INTERVALS })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: string;

  @ApiPropertyOptional({ type: BacktestResourceLimitsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BacktestResourceLimitsDto)
  resource_limits?: BacktestResourceLimitsDto;
}

export class DeployDto {
  @ApiPropertyOptional({ example: 'Deploy RSI_Reversal', description: "Default: 'Deploy <strategy name>'" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  commit_message?: string;

  @ApiPropertyOptional({ example: true, default: false })
  @IsOptional()
  @IsBoolean()
  create_tag?: boolean;

  @ApiPropertyOptional({ example: 'v1.0.0', default: 'v1.0.0', description: 'The tag, when create_tag; unique per strategy' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, { message: 'tag_version must be 1-50 letters, digits, ".", "_" or "-"' })
  tag_version?: string;
}

export class RollbackDto {
  @ApiPropertyOptional({ example: 1, description: 'The version to make current; default: the one before the current' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  version?: number;

  @ApiPropertyOptional({ example: '3f2a9c1', description: "A version's content hash (7-64 hex characters), instead of `version`" })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{7,64}$/, { message: 'commit_hash must be 7-64 lowercase hex characters of a version content_hash' })
  commit_hash?: string;

  @ApiPropertyOptional({ example: 'v1.0.0', description: "A version's tag, instead of `version`" })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ example: 'Bug in production', default: 'Rollback requested via API' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
