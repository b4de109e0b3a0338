import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { DATA_INTERVALS, DATA_PERIODS } from './core/data-request';
import { IsDataSymbol } from './data-crud.dto';

export const MAX_FETCH_INDICATORS = 20;

/** Django's `DataFetchRequestSerializer`, with symbols such as BRK-B, ^GSPC and EURUSD=X allowed. */
export class FetchDataDto {
  @ApiProperty({ example: 'AAPL', maxLength: 20, description: 'Upper-cased; letters, digits, ".", "^", "=", "-"' })
  @IsString()
  @IsDataSymbol()
  symbol!: string;

  @ApiPropertyOptional({ enum: DATA_PERIODS, default: '1y', example: '1mo' })
  @IsOptional()
  @IsIn(DATA_PERIODS)
  period?: (typeof DATA_PERIODS)[number];

  @ApiPropertyOptional({ enum: DATA_INTERVALS, default: '1d', example: '1d' })
  @IsOptional()
  @IsIn(DATA_INTERVALS)
  interval?: (typeof DATA_INTERVALS)[number];

  @ApiPropertyOptional({
    type: [String],
    example: ['sma', 'rsi', 'macd'],
    description: 'Indicator names (any case), computed with their defaults',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FETCH_INDICATORS)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  indicators?: string[];
}

/** Django's `IndicatorCalculationRequestSerializer`. */
export class CalculateIndicatorDto {
  @ApiProperty({ example: 'AAPL', maxLength: 20 })
  @IsString()
  @IsDataSymbol()
  symbol!: string;

  @ApiProperty({
    example: 'sma',
    description: 'Django name (SMA, EMA, MACD, RSI, ADX, ATR, BOLLINGER, STOCH, OBV, SAR, CCI, VWAP) or SDK name',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  indicator!: string;

  @ApiPropertyOptional({
    example: { timeperiod: 20 },
    default: {},
    description: 'TA-Lib names (timeperiod, fastperiod…) or SDK names (period, fast…)',
  })
  @IsOptional()
  parameters?: unknown;

  @ApiPropertyOptional({ enum: DATA_PERIODS, default: '1y', description: 'How much of the stored history to use, up to its newest bar' })
  @IsOptional()
  @IsIn(DATA_PERIODS)
  period?: (typeof DATA_PERIODS)[number];

  @ApiPropertyOptional({ enum: DATA_INTERVALS, default: '1d' })
  @IsOptional()
  @IsIn(DATA_INTERVALS)
  interval?: (typeof DATA_INTERVALS)[number];
}

export class IndicatorResultDto {
  @ApiProperty({ example: 'technicalindicators' }) source_hint!: string;
  @ApiProperty({ example: { timeperiod: 20 } }) params!: Record<string, number | string>;
  @ApiProperty({ example: ['SMA_20'] }) outputs!: string[];
  @ApiProperty({ example: [{ timestamp: '2026-11-30T00:00:00.000Z', SMA_20: 151.2 }], description: 'One row per bar; null during warm-up' })
  values!: Array<Record<string, string | number | null>>;
}

export class FetchDataResultDto {
  @ApiProperty({ example: 'req_1a2b3c4d' }) request_id!: string;
  @ApiProperty({ example: 'completed' }) status!: string;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: 21, description: 'Bars stored for the first time by this call' }) records_saved!: number;
  @ApiProperty({ example: 0, description: 'Stored bars whose values changed (a source revising a bar)' }) records_updated!: number;
  @ApiProperty({ example: 21 }) total_records!: number;
  @ApiProperty({ example: 'synthetic' }) source!: string;
  @ApiProperty({ example: true }) synthetic!: boolean;
  @ApiProperty({ example: { sma: { source_hint: 'technicalindicators', params: { timeperiod: 30 }, outputs: ['SMA_30'], values: [] } } })
  indicators!: Record<string, IndicatorResultDto>;
  @ApiProperty({
    example: { Open: { '2026-11-02T00:00:00.000Z': 150.1 }, Close: { '2026-11-02T00:00:00.000Z': 151.2 } },
    description: 'First 5 bars, column → time → value',
  })
  data_sample!: Record<string, Record<string, number>>;
}

export class CalculateIndicatorResultDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: 'sma' }) indicator!: string;
  @ApiProperty({ example: { timeperiod: 20 } }) parameters!: unknown;
  @ApiProperty({ type: IndicatorResultDto }) result!: IndicatorResultDto;
}

export class AvailableIndicatorsDto {
  @ApiProperty({ example: ['sma', 'ema', 'macd', 'rsi', 'adx', 'atr', 'bollinger', 'stoch', 'obv', 'sar', 'cci', 'vwap', 'wma'] })
  indicators!: string[];
}

export class DataHealthDto {
  @ApiProperty({ example: 'healthy' }) status!: string;
  @ApiProperty({ example: 'connected' }) database!: string;
  @ApiProperty({ example: 12 }) symbols_count!: number;
  @ApiProperty({ example: true }) data_fetcher_available!: boolean;
  @ApiProperty({ example: true }) indicators_available!: boolean;
  @ApiProperty({ example: 'synthetic' }) data_source!: string;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) timestamp!: string;
}
