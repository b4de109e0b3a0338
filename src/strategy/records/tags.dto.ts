import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_ID } from './params';

export const MAX_TAG_STRATEGIES = 1000;

/** Django's `StrategyTagSerializer`; `strategies` lists only the linked strategies you can see. */
export class TagDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'momentum' }) name!: string;
  @ApiProperty({ example: 'Trend-following strategies' }) description!: string;
  @ApiProperty({ example: '#1f77b4' }) color!: string;
  @ApiProperty({ type: [Number], example: [7, 9] }) strategies!: number[];
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
}

export class TagPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [TagDto] }) results!: TagDto[];
}

class TagFieldsDto {
  @ApiPropertyOptional({ example: 'Trend-following strategies', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: '#1f77b4', default: '#000000', pattern: '^#[0-9a-fA-F]{6}$' })
  @IsOptional()
  @IsString()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: '$property must be a colour like #1f77b4' })
  color?: string;

  @ApiPropertyOptional({ type: [Number], example: [7, 9], description: 'Ids of your strategies to link' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAG_STRATEGIES)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  strategies?: number[];
}

/** Create (and PUT) body: `name` (unique, ≤ 50) required. */
export class CreateTagDto extends TagFieldsDto {
  @ApiProperty({ example: 'momentum', maxLength: 50 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  name!: string;
}

/** PATCH body. */
export class UpdateTagDto extends TagFieldsDto {
  @ApiPropertyOptional({ example: 'momentum', maxLength: 50 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  name?: string;
}
