import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MAX_ID } from './params';

export const MAX_COMMENT = 10_000;

/** Django's `StrategyCommentSerializer` (+ `author_username`). */
export class CommentDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 7 }) strategy!: number;
  @ApiProperty({ example: 'EMA Crossover BTC', description: 'Name of the strategy (read-only)' }) strategy_name!: string;
  @ApiProperty({ example: 3 }) author!: number;
  @ApiProperty({ type: String, nullable: true, example: 'alice' }) author_username!: string | null;
  @ApiProperty({ example: 'Works well on SPY daily bars.' }) content!: string;
  @ApiProperty({ type: Number, nullable: true, example: 4, minimum: 1, maximum: 5 }) rating!: number | null;
  @ApiProperty({ example: true }) is_review!: boolean;
  @ApiProperty({ type: Number, nullable: true, example: null }) parent!: number | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:45:00.000Z' }) updated_at!: string;
}

export class CommentPageDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) next!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) previous!: string | null;
  @ApiProperty({ type: [CommentDto] }) results!: CommentDto[];
}

const notNull = (_: object, v: unknown) => v !== null && v !== undefined;

class CommentFieldsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, example: 4, minimum: 1, maximum: 5 })
  @ValidateIf(notNull)
  @IsInt()
  @Min(1)
  @Max(5)
  rating?: number | null;

  @ApiPropertyOptional({ example: true, default: false })
  @IsOptional()
  @IsBoolean()
  is_review?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, example: null, description: 'A comment on the same strategy' })
  @ValidateIf(notNull)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  parent?: number | null;
}

/** Create (and PUT) body: `strategy` (one you can see) and `content` required. */
export class CreateCommentDto extends CommentFieldsDto {
  @ApiProperty({ example: 7, description: 'A strategy you can see' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy!: number;

  @ApiProperty({ example: 'Works well on SPY daily bars.', maxLength: MAX_COMMENT })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_COMMENT)
  content!: string;
}

/** PATCH body. `strategy` cannot change (it may be sent unchanged). */
export class UpdateCommentDto extends CommentFieldsDto {
  @ApiPropertyOptional({ example: 7, description: 'Must stay the same' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  strategy?: number;

  @ApiPropertyOptional({ example: 'Works well on SPY daily bars.', maxLength: MAX_COMMENT })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_COMMENT)
  content?: string;
}
