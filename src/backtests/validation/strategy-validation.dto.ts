import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const SYMBOL = /^[A-Za-z0-9.^=-]{1,20}$/;

export class ValidateCodeDto {
  @ApiProperty({
    example: 'module.exports = { onBar(bar, ctx) { if (ctx.position.qty === 0) ctx.buy(); } };',
    description: 'A bot module or a canonical JSON strategy',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  strategy_code?: string;

  @ApiPropertyOptional({ example: 'GeneratedStrategy' }) @IsOptional() @IsString() @MaxLength(200) strategy_name?: string;
  @ApiPropertyOptional({ example: 'AAPL' })
  @IsOptional()
  @Matches(SYMBOL, { message: 'test_symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' })
  test_symbol?: string;
  @ApiPropertyOptional({ example: 365, minimum: 30, maximum: 3650 }) @IsOptional() @IsInt() @Min(30) @Max(3650) test_period_days?: number;
}

export class ValidateFileDto {
  @ApiProperty({ example: 'sma_cross.js', description: 'Path relative to BOTS_DIR' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  file_path?: string;

  @ApiPropertyOptional({ example: 'AAPL' })
  @IsOptional()
  @Matches(SYMBOL, { message: 'test_symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' })
  test_symbol?: string;
  @ApiPropertyOptional({ example: 365, minimum: 30, maximum: 3650 }) @IsOptional() @IsInt() @Min(30) @Max(3650) test_period_days?: number;
}
