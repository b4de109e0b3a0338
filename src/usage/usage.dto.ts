import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class UsageQueryDto {
  @ApiPropertyOptional({ example: 7, minimum: 1, maximum: 90, default: 7, description: 'How many UTC days back, today included' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'days must be a whole number' })
  @Min(1)
  @Max(90)
  days?: number;
}

export class UsageTotalsDto {
  @ApiProperty({ example: 42 }) requests!: number;
  @ApiProperty({ example: 18250 }) prompt_tokens!: number;
  @ApiProperty({ example: 9120 }) output_tokens!: number;
}

export class UsageDayDto extends UsageTotalsDto {
  @ApiProperty({ example: '2026-11-25' }) day!: string;
}
export class UsageKeyDto extends UsageTotalsDto {
  @ApiProperty({ example: 'flash_01' }) key_id!: string;
}
export class UsageModelDto extends UsageTotalsDto {
  @ApiProperty({ example: 'gemini-2.5-flash' }) model!: string;
}
export class UsageUserDto extends UsageTotalsDto {
  @ApiProperty({ example: 'user:7', description: '`user:<id>`, or `anonymous:<hash>` for calls without a signed-in user' })
  user!: string;
}

export class UsageReportDto {
  @ApiProperty({ example: '2026-11-19' }) from!: string;
  @ApiProperty({ example: '2026-11-25' }) to!: string;
  @ApiProperty({ type: UsageTotalsDto }) totals!: UsageTotalsDto;
  @ApiProperty({ type: [UsageDayDto], description: 'Every day of the range, zeros included' }) by_day!: UsageDayDto[];
  @ApiProperty({ type: [UsageKeyDto] }) by_key!: UsageKeyDto[];
  @ApiProperty({ type: [UsageModelDto] }) by_model!: UsageModelDto[];
  @ApiProperty({ type: [UsageUserDto] }) by_user!: UsageUserDto[];
}

export class UsagePeriodDto extends UsageTotalsDto {
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-25' }) to!: string;
}

export class UsageLimitsDto {
  @ApiProperty({ example: 30000, description: 'Longest prompt accepted by the AI endpoints, in characters' })
  prompt_max_chars!: number;
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'AI calls allowed per day (null: no per-user limit)' })
  requests_per_day!: number | null;
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'Tokens allowed per day (null: no per-user limit)' })
  tokens_per_day!: number | null;
}

export class OwnUsageDto {
  @ApiProperty({ type: UsagePeriodDto, description: 'Today (UTC)' }) today!: UsagePeriodDto;
  @ApiProperty({ type: UsagePeriodDto, description: 'This calendar month (UTC), today included' }) month!: UsagePeriodDto;
  @ApiProperty({ type: UsageLimitsDto }) limits!: UsageLimitsDto;
}
