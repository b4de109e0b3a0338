/** Swagger shapes (with working examples) of the production API's answers. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const STRATEGY_DEFINITION_EXAMPLE = {
  name: 'RSI_Reversal',
  description: 'Buy when RSI(14) drops below 30, sell when it rises above 70',
  framework: 'simbroker',
  symbol: 'AAPL',
  period: '1y',
  interval: '1d',
  parameters: { rsi_period: 14, oversold: 30, overbought: 70 },
  indicators: { rsi: { period: 14 } },
  entry_rules: ['rsi < 30'],
  exit_rules: ['rsi > 70'],
  tags: ['mean-reversion'],
};

export const BOT_CODE_EXAMPLE = `module.exports = {
  name: 'SMA cross',
  params: { fast: 5, slow: 20 },
  onBar(bar, ctx) {
    const fast = ctx.indicators.sma({ period: ctx.params.fast });
    const slow = ctx.indicators.sma({ period: ctx.params.slow });
    if (fast === null || slow === null) return;
    if (fast > slow && ctx.position.qty === 0) ctx.buy();
    else if (fast < slow && ctx.position.qty > 0) ctx.close();
  },
};
`;

export const BACKTEST_CONFIG_EXAMPLE = {
  initial_capital: 100000,
  commission: 0.001,
  slippage: 0.0005,
  position_size: 0.1,
  max_positions: 5,
};

export class SchemaValidDto {
  @ApiProperty({ example: 'valid' }) status!: string;
  @ApiProperty({ example: 'Strategy schema is valid' }) message!: string;
  @ApiProperty({
    example: {
      ...STRATEGY_DEFINITION_EXAMPLE,
      version: '1.0.0',
      position_sizing: {},
      risk_limits: {},
      created_at: '2026-12-01T09:00:00.000Z',
    },
  })
  validated_data!: Record<string, unknown>;
  @ApiProperty({ example: '2.0.0' }) schema_version!: string;
}

export class SchemaInvalidDto {
  @ApiProperty({ example: 'invalid' }) status!: string;
  @ApiProperty({ example: 'Invalid strategy schema: name, description' }) error!: string;
  @ApiProperty({ example: 'Strategy schema validation failed' }) message!: string;
  @ApiProperty({ example: [{ field: 'name', message: 'name must be letters, digits and underscores only', code: 'invalid_format' }] })
  errors!: unknown[];
  @ApiProperty({
    example: {
      name: ['name must be letters, digits and underscores only'],
      description: ['Invalid input: expected string, received undefined'],
    },
  })
  details!: Record<string, string[]>;
}

export class CodeValidatedDto {
  @ApiProperty({ example: 'validated' }) status!: string;
  @ApiProperty({ example: true }) safe!: boolean;
  @ApiProperty({ example: 'Code passed all safety checks' }) message!: string;
  @ApiProperty({ example: BOT_CODE_EXAMPLE, description: 'The code with line endings, trailing spaces and the final newline normalised' })
  formatted_code!: string;
  @ApiProperty({
    example: ['Size within limit', 'Syntax valid', 'No sandbox violations', 'Module contract (onBar) satisfied', 'AST analysis passed'],
  })
  checks_passed!: string[];
}

export class CodeRejectedDto {
  @ApiProperty({ example: 'rejected' }) status!: string;
  @ApiProperty({ example: false }) safe!: boolean;
  @ApiProperty({ example: 'Code failed the static checks' }) error!: string;
  @ApiProperty({ example: 'Code contains dangerous patterns' }) message!: string;
  @ApiProperty({ example: ['line 1: `require` is not available in bots: use ctx.indicators instead'] }) issues!: string[];
  @ApiProperty({ example: 'sandbox_violation', enum: ['syntax', 'sandbox_violation', 'contract'] }) error_type!: string;
  @ApiProperty({ example: 1, nullable: true, type: Number }) line!: number | null;
  @ApiProperty({ example: 'high', enum: ['high', 'medium'] }) severity!: string;
  @ApiProperty({ example: { code: ['line 1: `require` is not available in bots: use ctx.indicators instead'] } }) details!: unknown;
}

export class ConfigValidDto {
  @ApiProperty({ example: 'valid' }) status!: string;
  @ApiProperty({ example: 'Backtest configuration is valid' }) message!: string;
  @ApiProperty({ example: BACKTEST_CONFIG_EXAMPLE }) validated_config!: Record<string, number>;
  @ApiProperty({ example: [] }) warnings!: string[];
  @ApiProperty({
    example: ['position_size', 'max_positions'],
    description: 'Validated and echoed; the engine has no such knobs (bots size their own orders)',
  })
  not_applied_by_engine!: string[];
}

class ResourceUsageDto {
  @ApiProperty({
    example: 61.3,
    nullable: true,
    type: Number,
    description: 'Peak resident memory of the sandbox process (Linux /proc; null elsewhere)',
  })
  max_memory_mb!: number | null;
  @ApiProperty({ example: 140, nullable: true, type: Number }) cpu_time_ms!: number | null;
  @ApiProperty({ example: 87.5, nullable: true, type: Number }) cpu_percent!: number | null;
}

class LimitsDto {
  @ApiProperty({ example: 60, description: 'Seconds' }) timeout!: number;
  @ApiProperty({ example: 256 }) memory_mb!: number;
  @ApiProperty({ example: 'not enforced (one process, one thread)' }) cpu!: string;
}

class SandboxRunBaseDto {
  @ApiProperty({ example: 'completed', enum: ['completed', 'failed'] }) status!: string;
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'sha256 of the exact code run' })
  code_hash!: string;
  @ApiProperty({ example: 2, nullable: true, type: Number, description: 'The strategy version whose code this is, if any' })
  strategy_version!: number | null;
  @ApiProperty({ example: 0.164, description: 'Seconds in the sandbox' }) execution_time!: number;
  @ApiProperty({
    example: 0,
    nullable: true,
    type: Number,
    description: '0 ran to the end, 1 the bot failed, else the process exit code; null when killed',
  })
  exit_code!: number | null;
  @ApiProperty({ example: null, nullable: true, type: String }) signal!: string | null;
  @ApiProperty({ example: false }) timed_out!: boolean;
  @ApiProperty({ example: false }) cancelled!: boolean;
  @ApiProperty({ example: null, nullable: true, type: String }) error_type!: string | null;
  @ApiProperty({ example: 'bought 95 @ 101.2' }) output!: string;
  @ApiProperty({ example: '' }) errors!: string;
  @ApiProperty({ type: ResourceUsageDto }) resource_usage!: ResourceUsageDto;
  @ApiProperty({ type: LimitsDto }) limits!: LimitsDto;
  @ApiProperty({ example: 'ready', description: 'The strategy lifecycle state after the run' }) lifecycle_status!: string;
  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' }) started_at!: string;
  @ApiProperty({ example: '2026-12-01T09:00:00.300Z' }) completed_at!: string;
}

export class SandboxTestResultDto extends SandboxRunBaseDto {
  @ApiProperty({ example: 12 }) test_id!: number;
  @ApiPropertyOptional({
    example: { total_return: 4.2, sharpe_ratio: 0.9, max_drawdown: 3.1, win_rate: 50, total_trades: 6 },
    nullable: true,
  })
  metrics!: Record<string, number> | null;
  @ApiProperty({ example: { symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: 251 } })
  market!: Record<string, unknown> | null;
}

export class BacktestRunResultDto extends SandboxRunBaseDto {
  @ApiProperty({ example: 13 }) backtest_id!: number;
  @ApiProperty({
    nullable: true,
    example: {
      total_return: 4.2,
      sharpe_ratio: 0.9,
      max_drawdown: 3.1,
      win_rate: 50,
      total_trades: 6,
      per_symbol: { AAPL: { total_return: 4.2, sharpe_ratio: 0.9, max_drawdown: 3.1, win_rate: 50, total_trades: 6 } },
    },
  })
  results!: Record<string, unknown> | null;
  @ApiProperty({ example: [{ symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: 251 }] })
  markets!: unknown[];
}

const AUDIT_EXAMPLE = {
  id: 3,
  action: 'deployed',
  from_status: 'ready',
  to_status: 'deployed',
  actor: { id: 1, username: 'alice' },
  detail: { version: 1 },
  created_at: '2026-12-01T09:01:00.000Z',
};

export class LifecycleDto {
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: 'SMA Cross' }) name!: string;
  @ApiProperty({ example: 'deployed', enum: ['generated', 'testing', 'fixing', 'ready', 'deployed', 'archived', 'failed'] })
  current_status!: string;
  @ApiProperty({ example: ['test_started', 'fix_started', 'rolled_back', 'archived'] }) allowed_events!: string[];
  @ApiProperty({ example: 1, nullable: true, type: Number }) current_version!: number | null;
  @ApiProperty({ example: { generation_attempts: 0, test_attempts: 1, fix_attempts: 0, error_count: 0, last_error: null } })
  lifecycle_tracking!: Record<string, unknown>;
  @ApiProperty({
    example: {
      created_at: '2026-12-01T09:00:00.000Z',
      last_generation: '2026-12-01T08:59:00.000Z',
      last_test: '2026-12-01T09:00:01.000Z',
      last_success: '2026-12-01T09:00:01.000Z',
    },
  })
  timestamps!: Record<string, string | null>;
  @ApiProperty({ example: [AUDIT_EXAMPLE], description: 'Who did what and when, oldest first (at most 500)' }) audit_log!: unknown[];
}

const VERSION_EXAMPLE = {
  number: 1,
  content_hash: '3f2a9c1e0b7d4a5f6e8c9b0a1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e',
  code_hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  message: 'Deploy SMA Cross',
  tag: 'v1.0.0',
  is_current: true,
  test_run_id: 12,
  created_by: { id: 1, username: 'alice' },
  created_at: '2026-12-01T09:01:00.000Z',
};

export class DeployResultDto {
  @ApiProperty({ example: 'deployed' }) status!: string;
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: VERSION_EXAMPLE }) version!: Record<string, unknown>;
  @ApiProperty({ example: VERSION_EXAMPLE.content_hash, description: 'The version content hash (no git: there are no commits)' })
  commit!: string;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Always null: there are no git branches' }) branch!: null;
  @ApiProperty({ example: 'v1.0.0', nullable: true, type: String }) tag!: string | null;
  @ApiProperty({ example: 'Strategy SMA Cross deployed as version 1' }) message!: string;
}

export class DeployRefusedDto {
  @ApiProperty({ example: 'Strategy must pass tests before deployment' }) error!: string;
  @ApiProperty({ example: 'failed' }) current_status!: string;
  @ApiProperty({ example: 'ready' }) required_status!: string;
  @ApiProperty({ example: { reason: 'this exact code has no sandbox test' } }) details!: unknown;
}

export class RollbackResultDto {
  @ApiProperty({ example: 'rolled_back' }) status!: string;
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: 1 }) reverted_to!: number;
  @ApiProperty({ example: 2, nullable: true, type: Number }) previous_version!: number | null;
  @ApiProperty({ example: VERSION_EXAMPLE }) version!: Record<string, unknown>;
  @ApiProperty({ example: VERSION_EXAMPLE.content_hash }) commit!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) branch!: null;
  @ApiProperty({ example: 'Bug in production' }) reason!: string;
  @ApiProperty({ example: 'Strategy SMA Cross rolled back to version 1' }) message!: string;
}

export class VersionListDto {
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: 1, nullable: true, type: Number }) current_version!: number | null;
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ example: [VERSION_EXAMPLE] }) results!: unknown[];
}

export class VersionDto {
  @ApiProperty({ example: 1 }) number!: number;
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: VERSION_EXAMPLE.content_hash, description: 'sha256 of code + parameters (canonical JSON)' })
  content_hash!: string;
  @ApiProperty({ example: VERSION_EXAMPLE.code_hash, description: 'sha256 of the code' }) code_hash!: string;
  @ApiProperty({ example: 'Deploy SMA Cross' }) message!: string;
  @ApiProperty({ example: 'v1.0.0', nullable: true, type: String }) tag!: string | null;
  @ApiProperty({ example: true }) is_current!: boolean;
  @ApiProperty({ example: 12 }) test_run_id!: number;
  @ApiProperty({ example: { id: 1, username: 'alice' } }) created_by!: Record<string, unknown>;
  @ApiProperty({ example: '2026-12-01T09:01:00.000Z' }) created_at!: string;
  @ApiProperty({ example: BOT_CODE_EXAMPLE }) code!: string;
  @ApiProperty({ example: { fast: 5, slow: 20 } }) parameters!: Record<string, unknown>;
  @ApiProperty({
    example: { status: 'completed', success: true, exit_code: 0 },
    description: 'The passing sandbox test this version was deployed on',
  })
  test_result!: Record<string, unknown>;
}

export class BacktestStatusDto {
  @ApiProperty({ example: 13 }) backtest_id!: number;
  @ApiProperty({ example: 7 }) strategy_id!: number;
  @ApiProperty({ example: 'completed', enum: ['queued', 'running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ example: true, nullable: true, type: Boolean }) success!: boolean | null;
  @ApiProperty({ example: '2026-12-01T09:00:00.000Z', nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ example: '2026-12-01T09:00:00.300Z', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ example: 0.164, nullable: true, type: Number }) execution_time!: number | null;
  @ApiProperty({ example: null, nullable: true, type: String }) error_message!: string | null;
  @ApiProperty({ example: { total_return: 4.2, sharpe_ratio: 0.9, max_drawdown: 3.1, win_rate: 50, total_trades: 6 }, nullable: true })
  results!: Record<string, unknown> | null;
  @ApiProperty({ example: { current_status: 'ready', test_attempts: 1, error_count: 0, last_error: null } }) state_tracking!: Record<
    string,
    unknown
  >;
  @ApiProperty({
    example: [{ ...AUDIT_EXAMPLE, action: 'backtest_completed', from_status: 'ready', to_status: 'ready', detail: { run_id: 13 } }],
  })
  audit_log!: unknown[];
}

export class ProductionHealthDto {
  @ApiProperty({ example: 'healthy', enum: ['healthy', 'degraded'] }) overall!: string;
  @ApiProperty({
    example: {
      state_manager: { available: true, strategies_tracked: 3 },
      safe_tools: { available: true, workspace: './data/bots' },
      output_validator: { available: true, strict_mode: true },
      sandbox_runner: {
        available: true,
        docker_available: false,
        isolation: 'child process + Node permission model + vm context',
        running: 0,
        waiting: 0,
        warm: 1,
      },
      version_store: { available: true, versions: 2 },
    },
  })
  components!: Record<string, unknown>;
}
