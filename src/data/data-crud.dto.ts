import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { MAX_ID } from '../common/path-id';
import { IsDecimal } from '../common/decimal';
import { AllFinite } from '../strategy/records/params';
import { DATA_INTERVALS, DATA_PERIODS, DATA_REQUEST_STATUSES, symbolProblem } from './core/data-request';

/** A symbol the data API stores: ≤ 20 of letters, digits, `.^=-`, no spaces (BRK-B, ^GSPC, EURUSD=X). */
export function IsDataSymbol(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDataSymbol',
      validator: {
        validate: (value: unknown) => symbolProblem(value) === null,
        defaultMessage: (args) => (symbolProblem(args?.value) ?? 'symbol is invalid').replace(/^symbol/, args?.property ?? 'symbol'),
      },
    },
    options,
  );
}

const MAX_BIGINT = Number.MAX_SAFE_INTEGER;

// ---- Symbol

export class SymbolDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: 'Apple Inc.' }) name!: string;
  @ApiProperty({ example: 'NASDAQ' }) exchange!: string;
  @ApiProperty({ example: 'Technology' }) sector!: string;
  @ApiProperty({ example: 'Consumer Electronics' }) industry!: string;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) updated_at!: string;
}

export class CreateSymbolDto {
  @ApiProperty({ example: 'BRK-B', maxLength: 20 }) @IsString() @IsDataSymbol() symbol!: string;
  @ApiProperty({ example: 'Berkshire Hathaway Inc. Class B', maxLength: 255 }) @IsString() @IsNotEmpty() @MaxLength(255) name!: string;
  @ApiPropertyOptional({ example: 'NYSE', maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) exchange?: string;
  @ApiPropertyOptional({ example: 'Financials', maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) sector?: string;
  @ApiPropertyOptional({ example: 'Insurance', maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) industry?: string;
  @ApiPropertyOptional({ example: true, default: true }) @IsOptional() @IsBoolean() is_active?: boolean;
}

export class UpdateSymbolDto extends PartialType(CreateSymbolDto) {}

export class BulkCreateSymbolsDto {
  @ApiProperty({
    description: 'Symbols as strings or objects with the Symbol fields; existing symbols are left alone',
    example: ['AAPL', { symbol: 'MSFT', name: 'Microsoft Corporation', exchange: 'NASDAQ' }],
  })
  @Allow()
  symbols!: unknown;
}

// ---- DataRequest

export class DataRequestDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'AAPL' }) symbol_name!: string;
  @ApiProperty({ example: 'req_1a2b3c4d' }) request_id!: string;
  @ApiProperty({ enum: DATA_PERIODS, example: '1y' }) period!: string;
  @ApiProperty({ enum: DATA_INTERVALS, example: '1d' }) interval!: string;
  @ApiProperty({ enum: DATA_REQUEST_STATUSES, example: 'completed' }) status!: string;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-01T09:30:02.000Z' }) completed_at!: string | null;
  @ApiProperty({ example: '' }) error_message!: string;
  @ApiProperty({ example: 1, description: 'Symbol id' }) symbol!: number;
  @ApiProperty({ type: Number, nullable: true, example: 7 }) requested_by!: number | null;
}

export class CreateDataRequestDto {
  @ApiProperty({ example: 1, description: 'Symbol id' }) @IsInt() @Min(1) @Max(MAX_ID) symbol!: number;
  @ApiPropertyOptional({ enum: DATA_PERIODS, default: '1y' }) @IsOptional() @IsIn(DATA_PERIODS) period?: string;
  @ApiPropertyOptional({ enum: DATA_INTERVALS, default: '1d' }) @IsOptional() @IsIn(DATA_INTERVALS) interval?: string;
  @ApiPropertyOptional({ enum: DATA_REQUEST_STATUSES, default: 'pending' }) @IsOptional() @IsIn(DATA_REQUEST_STATUSES) status?: string;
  @ApiPropertyOptional({ example: '' }) @IsOptional() @IsString() @MaxLength(10000) error_message?: string;
}

export class UpdateDataRequestDto extends PartialType(CreateDataRequestDto) {}

// ---- MarketData

export class MarketDataDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'AAPL' }) symbol_name!: string;
  @ApiProperty({ example: '2026-11-30T00:00:00.000Z' }) timestamp!: string;
  @ApiProperty({ example: '150.000000' }) open_price!: string;
  @ApiProperty({ example: '152.500000' }) high_price!: string;
  @ApiProperty({ example: '149.250000' }) low_price!: string;
  @ApiProperty({ example: '151.750000' }) close_price!: string;
  @ApiProperty({ example: 51234567 }) volume!: number;
  @ApiProperty({ type: String, nullable: true, example: '151.750000' }) adj_close!: string | null;
  @ApiProperty({ example: '1d' }) interval!: string;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: 1, description: 'Symbol id' }) symbol!: number;
}

export class CreateMarketDataDto {
  @ApiProperty({ example: 1, description: 'Symbol id' }) @IsInt() @Min(1) @Max(MAX_ID) symbol!: number;
  @ApiProperty({ example: '2026-11-30T00:00:00Z' }) @Type(() => Date) @IsDate() timestamp!: Date;
  @ApiProperty({ example: '150.00' }) @IsDecimal(20, 6) open_price!: string | number;
  @ApiProperty({ example: '152.50' }) @IsDecimal(20, 6) high_price!: string | number;
  @ApiProperty({ example: '149.25' }) @IsDecimal(20, 6) low_price!: string | number;
  @ApiProperty({ example: '151.75' }) @IsDecimal(20, 6) close_price!: string | number;
  @ApiProperty({ example: 51234567 }) @IsInt() @Min(0) @Max(MAX_BIGINT) volume!: number;
  @ApiPropertyOptional({ example: '151.75', nullable: true }) @IsOptional() @IsDecimal(20, 6) adj_close?: string | number | null;
  @ApiPropertyOptional({ enum: DATA_INTERVALS, default: '1d' }) @IsOptional() @IsIn(DATA_INTERVALS) interval?: string;
}

export class UpdateMarketDataDto extends PartialType(CreateMarketDataDto) {}

// ---- Indicator

export class IndicatorDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'sma' }) name!: string;
  @ApiProperty({ example: 'Simple Moving Average' }) display_name!: string;
  @ApiProperty({ example: 'Arithmetic mean of the last timeperiod closes' }) description!: string;
  @ApiProperty({ example: 'trend' }) category!: string;
  @ApiProperty({ example: { timeperiod: 30 } }) parameters!: Record<string, unknown>;
  @ApiProperty({ example: true }) is_active!: boolean;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) created_at!: string;
}

export class CreateIndicatorDto {
  @ApiProperty({ example: 'sma', maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiProperty({ example: 'Simple Moving Average', maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) display_name!: string;
  @ApiProperty({ example: 'Arithmetic mean of the last timeperiod closes' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  description!: string;
  @ApiProperty({ example: 'trend', maxLength: 50 }) @IsString() @IsNotEmpty() @MaxLength(50) category!: string;
  @ApiPropertyOptional({ example: { timeperiod: 30 }, default: {} }) @IsOptional() @IsObject() @AllFinite() parameters?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional({ example: true, default: true }) @IsOptional() @IsBoolean() is_active?: boolean;
}

export class UpdateIndicatorDto extends PartialType(CreateIndicatorDto) {}

export class CategoriesDto {
  @ApiProperty({ example: ['momentum', 'trend', 'volatility'] }) categories!: string[];
}

// ---- IndicatorData

export class IndicatorDataDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'AAPL' }) symbol_name!: string;
  @ApiProperty({ example: 'sma' }) indicator_name!: string;
  @ApiProperty({ example: '2026-11-30T00:00:00.000Z' }) timestamp!: string;
  @ApiProperty({ example: { SMA_20: 151.2 } }) value!: unknown;
  @ApiProperty({ example: { timeperiod: 20 } }) parameters!: unknown;
  @ApiProperty({ example: '1d' }) interval!: string;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: 1, description: 'Symbol id' }) symbol!: number;
  @ApiProperty({ example: 1, description: 'Indicator id' }) indicator!: number;
}

export class CreateIndicatorDataDto {
  @ApiProperty({ example: 1, description: 'Symbol id' }) @IsInt() @Min(1) @Max(MAX_ID) symbol!: number;
  @ApiProperty({ example: 1, description: 'Indicator id' }) @IsInt() @Min(1) @Max(MAX_ID) indicator!: number;
  @ApiProperty({ example: '2026-11-30T00:00:00Z' }) @Type(() => Date) @IsDate() timestamp!: Date;
  @ApiProperty({ example: { SMA_20: 151.2 } }) @IsNotEmpty() @AllFinite() value!: unknown;
  @ApiProperty({ example: { timeperiod: 20 } }) @IsNotEmpty() @AllFinite() parameters!: unknown;
  @ApiPropertyOptional({ enum: DATA_INTERVALS, default: '1d' }) @IsOptional() @IsIn(DATA_INTERVALS) interval?: string;
}

export class UpdateIndicatorDataDto extends PartialType(CreateIndicatorDataDto) {}

// ---- Pages

const page = (type: unknown) => ({ type: [type] as never });
export class SymbolPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty(page(SymbolDto)) results!: SymbolDto[];
}
export class DataRequestPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty(page(DataRequestDto)) results!: DataRequestDto[];
}
export class MarketDataPageDto {
  @ApiProperty({ example: 252 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: '?page=2' }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty(page(MarketDataDto)) results!: MarketDataDto[];
}
export class IndicatorPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty(page(IndicatorDto)) results!: IndicatorDto[];
}
export class IndicatorDataPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty(page(IndicatorDataDto)) results!: IndicatorDataDto[];
}
