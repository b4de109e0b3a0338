import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Hard ceiling for DTO validation; the configurable PROMPT_MAX_CHARS is checked in the controller. */
export const PROMPT_HARD_MAX = 1_000_000;

export class GenerateDto {
  @ApiProperty({ example: 'Explain a 20/50 SMA crossover strategy in two sentences.', maxLength: PROMPT_HARD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PROMPT_HARD_MAX)
  prompt!: string;

  @ApiPropertyOptional({ example: 'gemini-2.5-flash', description: 'Defaults to GEMINI_DEFAULT_MODEL' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,63}$/, { message: 'model must be a model name such as gemini-2.5-flash' })
  model?: string;

  @ApiPropertyOptional({ example: 'You are a concise trading assistant.', maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  system?: string;

  @ApiPropertyOptional({ example: 0.7, minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ example: 512, minimum: 1, maximum: 65536 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65536)
  max_output_tokens?: number;
}

export class UsageDto {
  @ApiProperty({ example: 14 }) prompt_tokens!: number;
  @ApiProperty({ example: 52 }) candidates_tokens!: number;
  @ApiProperty({ example: 66 }) total_tokens!: number;
}

export class GenerateResponseDto {
  @ApiProperty({ example: 'A 20/50 SMA crossover buys when the 20-day average crosses above the 50-day…' })
  text!: string;
  @ApiProperty({ example: 'gemini-2.5-flash' })
  model!: string;
  @ApiProperty({ example: 'flash_01', description: 'Which configured key served the call (never the secret)' })
  key_id!: string;
  @ApiProperty({ example: 1, description: 'Attempts made, including ones rotated away from' })
  attempts!: number;
  @ApiProperty({ type: UsageDto, nullable: true })
  usage!: UsageDto | null;
}
