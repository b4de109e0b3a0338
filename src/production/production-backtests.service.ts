/**
 * `/api/production/backtests/…` runs: a sandboxed backtest of a strategy's bot over one or more symbols, and
 * its status afterwards. The backtest itself is the project's engine inside the bot sandbox (no stub figures).
 */
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode } from '../common/domain-error';
import { invalid } from '../common/path-id';
import { AppConfig } from '../config/app-config';
import {
  DAY_MS,
  MarketDataProvider,
  MarketDataRequest,
  parseMarketDataRequest,
  Period,
  PERIOD_DAYS,
  PERIODS,
} from '../market-data/market-data.port';
import { StrategyBotsService } from '../strategy/bots/strategy-bots.service';
import { canSee } from '../auth/ownership';
import { iso } from '../strategy/records/params';
import { backtestConfigSchema, engineOptionsOf } from './core/backtest-config';
import { codeHash } from './core/content-hash';
import { validateWith } from './core/schema-errors';
import { actorOf, auditJson, LifecycleService } from './lifecycle.service';
import { LifecycleRepository } from './lifecycle.repository';
import { memoryMb, ProductionStrategiesService } from './production-strategies.service';
import { RunSandboxDto } from './production.dto';
import { SandboxDispatcher, SandboxRunAnswer } from './sandbox-dispatcher';
import { SandboxRunsRepository } from './sandbox-runs.repository';
import { StrategyVersionsRepository } from './versions/strategy-versions.repository';

const DEFAULT_BACKTEST_TIMEOUT_S = 300;

/** The shortest period that reaches back to `fromMs` (from now), or null beyond the longest. */
export function periodReaching(fromMs: number, nowMs: number): Period | null {
  const days = Math.ceil((nowMs - fromMs) / DAY_MS) + 1;
  return PERIODS.find((p) => PERIOD_DAYS[p] >= days) ?? null;
}

@Injectable()
export class ProductionBacktestsService {
  constructor(
    private readonly strategies: ProductionStrategiesService,
    private readonly strategyBots: StrategyBotsService,
    private readonly lifecycle: LifecycleService,
    private readonly lifecycleRepo: LifecycleRepository,
    private readonly runs: SandboxRunsRepository,
    private readonly versions: StrategyVersionsRepository,
    private readonly dispatcher: SandboxDispatcher,
    private readonly config: AppConfig,
    private readonly marketData: MarketDataProvider,
    private readonly clock: Clock,
  ) {}

  async runSandbox(user: AuthUser, dto: RunSandboxDto): Promise<SandboxRunAnswer> {
    const strategy = await this.strategies.owned(user, dto.strategy_id);
    if (dto.config_id !== undefined) {
      throw invalid('config_id', 'stored backtest configs are not served by the production API yet: send the config inline as `config`');
    }
    const cfg = validateWith(backtestConfigSchema, dto.config ?? {});
    if (!cfg.ok) {
      const details = Object.fromEntries(Object.entries(cfg.byField).map(([k, v]) => [`config.${k}`, v]));
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(details).join(', ')}`, details);
    }
    const now = this.clock.now();
    const to = dto.end_date ? Date.parse(`${dto.end_date}T23:59:59.999Z`) : undefined;
    const from = dto.start_date ? Date.parse(`${dto.start_date}T00:00:00Z`) : undefined;
    if (from !== undefined && to !== undefined && to < from) throw invalid('end_date', 'end_date must not be before start_date');
    if (from !== undefined && from > now) throw invalid('start_date', 'start_date must not be in the future');
    const period = from === undefined ? '1y' : periodReaching(from, now);
    if (!period) throw invalid('start_date', `start_date must be within the last ${PERIOD_DAYS.max} days`);
    const symbols = [...new Set((dto.symbols ?? ['AAPL']).map((s) => s.trim().toUpperCase()))];
    const markets: MarketDataRequest[] = symbols.map((symbol) =>
      parseMarketDataRequest({ symbol, period, interval: dto.interval ?? '1d' }),
    );
    const code = await this.strategyBots.codeOf(strategy);
    for (const m of markets) await this.marketData.getBars(m);
    const hash = codeHash(code);
    const version = await this.versions.numberForCode(strategy.id, code);
    const timeoutS = dto.resource_limits?.timeout ?? DEFAULT_BACKTEST_TIMEOUT_S;
    const limits = {
      timeoutMs: timeoutS * 1000,
      memoryMb: dto.resource_limits?.memory ? memoryMb(dto.resource_limits.memory) : this.config.bots.memoryMb,
    };
    const request = {
      symbols,
      period,
      interval: dto.interval ?? '1d',
      start_date: dto.start_date ?? null,
      end_date: dto.end_date ?? null,
      config: cfg.value,
    };
    const run = await this.runs.create({
      kind: 'backtest',
      strategyId: strategy.id,
      userId: user.id,
      codeHash: hash,
      strategyVersion: version,
      request,
    });
    return this.dispatcher.dispatch({
      kind: 'backtest',
      runId: run.id,
      strategyId: strategy.id,
      actor: actorOf(user),
      code,
      codeHash: hash,
      strategyVersion: version,
      markets,
      range: { from, to },
      engine: engineOptionsOf(cfg.value),
      limits,
    });
  }

  /** GET backtests/{id}/status/: a sandboxed backtest you started (or of your strategy); 404 otherwise. */
  async status(user: AuthUser, id: number) {
    const run = await this.runs.byId(id, 'backtest');
    if (!run || !canSee(user, run.userId)) throw new DomainError(ErrorCode.NotFound, 'Backtest not found', { id });
    const result = run.result ?? {};
    const lifecycle = await this.lifecycle.get(run.strategyId);
    const events = (await this.lifecycleRepo.events(run.strategyId, 500)).filter((e) => e.detail?.run_id === run.id);
    return {
      backtest_id: run.id,
      strategy_id: run.strategyId,
      status: run.status,
      success: run.success,
      started_at: iso(run.startedAt),
      completed_at: iso(run.completedAt),
      execution_time: run.executionTime,
      error_message: run.errorMessage,
      code_hash: run.codeHash,
      strategy_version: run.strategyVersion,
      request: run.request,
      results: run.status === 'completed' ? (result.results ?? null) : null,
      resource_usage: result.resource_usage ?? null,
      state_tracking: {
        current_status: lifecycle?.status ?? 'generated',
        test_attempts: lifecycle?.testAttempts ?? 0,
        error_count: lifecycle?.errorCount ?? 0,
        last_error: lifecycle?.lastError ?? null,
      },
      audit_log: events.map(auditJson),
    };
  }
}
