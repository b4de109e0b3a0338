import { ApiProperty } from '@nestjs/swagger';

/** One parameter of an indicator, as listed by `available_indicators` (every indicator also takes `ago`). */
export class IndicatorParameterDto {
  @ApiProperty({ example: 'period' })
  name!: string;

  @ApiProperty({ enum: ['int', 'float', 'string'], example: 'int' })
  type!: 'int' | 'float' | 'string';

  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], example: 20 })
  default!: number | string;

  @ApiProperty({ example: 'Number of bars in the window' })
  description!: string;
}

export class IndicatorInfoDto {
  @ApiProperty({ example: 'sma', description: 'What a bot calls: `ctx.indicators.sma({...})`' })
  name!: string;

  @ApiProperty({ example: 'Simple Moving Average' })
  display_name!: string;

  @ApiProperty({ example: 'Arithmetic mean of the last `period` values.' })
  description!: string;

  @ApiProperty({
    type: [IndicatorParameterDto],
    example: [
      { name: 'period', type: 'int', default: 20, description: 'Number of bars in the window' },
      {
        name: 'source',
        type: 'string',
        default: 'close',
        description: 'Input series: close, open, high, low, volume, hl2 = (high+low)/2 or hlc3 = (high+low+close)/3',
      },
    ],
  })
  parameters!: IndicatorParameterDto[];

  @ApiProperty({ example: 'const ma = ctx.indicators.sma({ period: 20 });' })
  example!: string;

  @ApiProperty({ example: 'Smooths price to show the trend; a fast SMA crossing above a slow one is a classic buy signal.' })
  usage!: string;
}

export class IndicatorCatalogDto {
  @ApiProperty({ example: 18 })
  count!: number;

  @ApiProperty({ type: [IndicatorInfoDto] })
  indicators!: IndicatorInfoDto[];
}
