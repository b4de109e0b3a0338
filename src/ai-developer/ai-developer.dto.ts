import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { INTERVALS, PERIODS } from '../market-data/market-data.port';

export const MAX_DESCRIPTION_CHARS = 20_000;

export class TestConfigDto {
  @ApiPropertyOptional({ example: 'AAPL', default: 'AAPL' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9.^=-]{1,20}$/, { message: 'test_config.symbol must be 1–20 letters, digits or . ^ = -' })
  symbol?: string;

  @ApiPropertyOptional({ enum: PERIODS, example: '1y', default: '1y' })
  @IsOptional()
  @IsIn(PERIODS)
  period?: (typeof PERIODS)[number];

  @ApiPropertyOptional({ enum: INTERVALS, example: '1d', default: '1d' })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: (typeof INTERVALS)[number];
}

export class CreateRunDto {
  @ApiProperty({
    example: 'Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below. Stop loss 5 %.',
    minLength: 10,
    maxLength: MAX_DESCRIPTION_CHARS,
  })
  @IsString()
  @Length(10, MAX_DESCRIPTION_CHARS)
  description!: string;

  @ApiProperty({ example: 'SMA Crossover', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  strategy_name!: string;

  @ApiPropertyOptional({ example: true, default: true, description: 'Ask Gemini to fix the bot when a test fails' })
  @IsOptional()
  @IsBoolean()
  auto_fix?: boolean;

  @ApiPropertyOptional({ example: 5, default: 5, minimum: 1, maximum: 10, description: 'Most fix attempts' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  max_iterations?: number;

  @ApiPropertyOptional({ type: TestConfigDto, description: 'Market data the bot is tested on' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TestConfigDto)
  test_config?: TestConfigDto;
}

export class RunEventDto {
  @ApiProperty({ example: 3 }) seq!: number;
  @ApiProperty({ enum: ['generate', 'test', 'analyze', 'fix', 'done'], example: 'test' }) step!: string;
  @ApiProperty({ example: 30, minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty({ example: 'Testing on 251 1d bars of AAPL (synthetic, synthetic data)' }) message!: string;
  @ApiPropertyOptional({ type: Object, nullable: true, example: { iteration: 1, passed: false } }) data!: Record<string, unknown> | null;
  @ApiProperty({ example: '2026-11-25T09:30:02.000Z' }) at!: string;
}

export class RunDto {
  @ApiProperty({ example: 'run_3f2a9c1d4b5e6f708a9b' }) id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'], example: 'running' }) status!: string;
  @ApiProperty({ enum: ['generate', 'test', 'analyze', 'fix', 'done'], example: 'fix' }) step!: string;
  @ApiProperty({ example: 47 }) progress!: number;
  @ApiProperty({ example: 1, description: 'Fix attempts made so far' }) iterations!: number;
  @ApiProperty({ example: 'Buy when the 10-day SMA crosses above the 30-day SMA…' }) description!: string;
  @ApiProperty({ example: 'SMA Crossover' }) strategy_name!: string;
  @ApiProperty({ example: true }) auto_fix!: boolean;
  @ApiProperty({ example: 5 }) max_iterations!: number;
  @ApiProperty({ type: Number, nullable: true, example: 12 }) bot_id!: number | null;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    example: {
      success: true,
      final_status: 'fixed',
      iterations: 1,
      bot_id: 12,
      file_name: 'sma_crossover.js',
      metrics: { return_pct: 8.4, num_trades: 6, win_rate: 50, sharpe_ratio: 0.9, max_drawdown: 4.2, execution_time: 0.004 },
      error: null,
      attempts: [
        {
          attempt: 1,
          error_type: 'reference',
          error_message: 'ReferenceError: smaFast is not defined (bot.js line 7)',
          success: true,
          description: 'AI-generated fix for reference',
          timestamp: '2026-11-25T09:30:05.000Z',
        },
      ],
    },
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ example: '/api/ai-developer/runs/run_3f2a9c1d4b5e6f708a9b/events' }) events_url!: string;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:30:09.000Z' }) updated_at!: string;
}

export class DeveloperChatDto {
  @ApiProperty({ example: 'Why does my bot never sell?', minLength: 1, maxLength: 10_000 })
  @IsString()
  @Length(1, 10_000)
  message!: string;

  @ApiPropertyOptional({
    example: 'run_3f2a9c1d4b5e6f708a9b',
    description: 'Use this run (its description, code and last error) as context',
  })
  @IsOptional()
  @IsString()
  @Matches(/^run_[0-9a-f]{20}$/, { message: 'run_id must look like run_ followed by 20 hex digits' })
  run_id?: string;
}

export class DeveloperChatResponseDto {
  @ApiProperty({ example: 'Your exit condition compares fast < slow on the same bar as the entry…' }) response!: string;
  @ApiProperty({ type: String, nullable: true, example: 'run_3f2a9c1d4b5e6f708a9b' }) run_id!: string | null;
  @ApiProperty({ example: 'gemini-2.5-flash' }) model!: string;
}

export class StreamTicketDto {
  @ApiProperty({ example: 'Zk3q0x9mJd2nW5rT8vYbQ1sLc4uHa7eP', description: 'Single use, for this run only' }) ticket!: string;
  @ApiProperty({ example: 60, description: 'Seconds until the ticket expires' }) expires_in!: number;
  @ApiProperty({ example: '/api/ai-developer/runs/run_1a2b3c4d5e6f7a8b9c0d/events?ticket=Zk3q0x9mJd2nW5rT8vYbQ1sLc4uHa7eP' })
  events_url!: string;
}
