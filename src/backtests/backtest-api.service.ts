import { isUniqueViolation } from '../database/database';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { buildReport } from '../backtest/engine/report';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Clock } from '../common/clock';
import { invalid } from '../strategy/records/params';
import type { QuickRunDto, RunBacktestDto, SearchDto } from './backtests.dto';
import { runListJson } from './backtests.serializer';
import { ConfigRow, ConfigsRepository, NewConfig } from './configs.repository';
import { ConfigsService } from './configs.service';
import { quickRunResponse } from './core/quick-run-response';
import { ConfigNumbers, runSettings } from './core/run-settings';
import { BacktestRunDispatcher } from './execution/backtest-run.port';
import { runnableCode, StrategyCode } from './execution/strategy-code';
import { SymbolBacktester } from './execution/symbol-backtester';
import { RunsService, newRunId } from './runs.service';
import { NewRun, RunsRepository } from './runs.repository';

const DAY_MS = 86_400_000;
export const SEARCH_LIMIT = 500;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const str = (v: number | string | undefined) => (v === undefined ? undefined : String(v).trim());

/** Upper-cased, characters other than A-Z 0-9 . ^ = - dropped, duplicates removed; 400 when none is left. */
export function cleanSymbols(raw: string[]): string[] {
  const out = [
    ...new Set(
      raw
        .map((s) =>
          s
            .toUpperCase()
            .replace(/[^A-Z0-9.^=-]/g, '')
            .slice(0, 20),
        )
        .filter((s) => s && !/^\.+$/.test(s)),
    ),
  ];
  if (out.length === 0) throw invalid('symbols', 'symbols must contain at least one valid symbol');
  return out;
}

const numbersOf = (c: Omit<NewConfig, 'name'> & Partial<ConfigRow>): ConfigNumbers => ({
  startDate: c.startDate,
  endDate: c.endDate,
  initialCapital: c.initialCapital ?? '10000',
  commission: c.commission ?? '0.001',
  slippage: c.slippage ?? '0.0005',
  maxPositionSize: c.maxPositionSize ?? '1',
  stopLoss: c.stopLoss ?? null,
  takeProfit: c.takeProfit ?? null,
  timeframe: c.timeframe ?? '1d',
  benchmarkSymbol: c.benchmarkSymbol ?? 'SPY',
  maxDrawdownLimit: c.maxDrawdownLimit ?? '20',
});

/** `/api/backtests/api/…`: run_backtest, quick_run, create_config, search, health. */
@Injectable()
export class BacktestApiService {
  constructor(
    private readonly runsService: RunsService,
    private readonly runs: RunsRepository,
    private readonly configs: ConfigsRepository,
    private readonly configsService: ConfigsService,
    private readonly code: StrategyCode,
    private readonly backtester: SymbolBacktester,
    private readonly dispatcher: BacktestRunDispatcher,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks everything a client can get wrong (strategy, config, symbols, dates, a runnable bot), then stores a
   * `queued` run and hands it to the dispatcher; answers at once.
   */
  async runBacktest(user: AuthUser, dto: RunBacktestDto) {
    const strategy = await this.runsService.visibleStrategy(user, dto.strategy_id);
    const symbols = cleanSymbols(dto.symbols);
    const now = this.clock.now();
    const base = dto.config_id !== undefined ? await this.configsService.usable(user, dto.config_id) : null;
    const overrides = { initialCapital: str(dto.initial_capital), commission: str(dto.commission), slippage: str(dto.slippage) };
    const hasOverrides =
      dto.start_date !== undefined || dto.end_date !== undefined || Object.values(overrides).some((v) => v !== undefined);
    let config: ConfigRow | null = base && !hasOverrides ? base : null;
    let draft: NewConfig | null = null;
    if (!config) {
      const end = dto.end_date ?? base?.endDate ?? day(now);
      const start = dto.start_date ?? base?.startDate ?? day(Date.parse(`${end}T00:00:00Z`) - 365 * DAY_MS);
      const { id: _id, createdAt: _c, updatedAt: _u, createdByUsername: _n, ...copied } = base ?? ({} as Partial<ConfigRow>);
      draft = {
        ...copied,
        name: `Auto-config for ${strategy.name}`.slice(0, 200),
        startDate: start,
        endDate: end,
        isTemplate: false,
        createdBy: user.id,
      };
      for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (draft as Record<string, unknown>)[k] = v;
    }
    runSettings(numbersOf(config ?? draft!), now);
    await this.code.of(strategy);
    config ??= await this.configs.create(draft!);
    const run = await this.createRun({ configId: config.id, strategyId: strategy.id, symbols, status: 'queued', createdBy: user.id });
    try {
      await this.dispatcher.dispatch({ runId: run.id, ownerId: user.id });
    } catch (error) {
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      await this.runs.transition(run.id, ['queued'], 'failed', { errorMessage: 'Could not queue the run', completedAt: new Date() });
      throw error;
    }
    return {
      id: run.id,
      run_id: run.runId,
      status: 'queued',
      message: `Backtest queued over ${symbols.length} symbol(s)`,
      config_id: config.id,
      symbols,
      progress: '0.00',
      result_summary: null,
    };
  }

  private async createRun(values: Omit<NewRun, 'runId'>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runs.create({ ...values, runId: newRunId() });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 4) throw error;
      }
    }
  }

  /** One symbol, synchronously; nothing stored. */
  async quickRun(user: AuthUser, dto: QuickRunDto) {
    if ((dto.strategy_code === undefined) === (dto.strategy_id === undefined)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: non_field_errors', {
        non_field_errors: ['give exactly one of strategy_code or strategy_id'],
      });
    }
    if (dto.start_date >= dto.end_date)
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: non_field_errors', {
        non_field_errors: ['end_date must be after start_date'],
      });
    const code =
      dto.strategy_code !== undefined
        ? runnableCode(dto.strategy_code)
        : await this.code.of(await this.runsService.visibleStrategy(user, dto.strategy_id!));
    const settings = runSettings(
      numbersOf({
        startDate: dto.start_date,
        endDate: dto.end_date,
        initialCapital: str(dto.initial_capital ?? dto.initial_balance) ?? '10000',
        commission: str(dto.commission) ?? '0.002',
        slippage: str(dto.slippage) ?? '0',
        maxPositionSize: str(dto.max_position_size) ?? '1',
        stopLoss: str(dto.stop_loss) ?? null,
        takeProfit: str(dto.take_profit) ?? null,
        timeframe: dto.timeframe ?? '1d',
      }),
      this.clock.now(),
    );
    const symbol = dto.symbol.toUpperCase();
    const bars = await this.backtester.bars(symbol, settings);
    if (bars.length === 0)
      throw new DomainError(ErrorCode.NotFound, 'No market data for this symbol between start_date and end_date', {
        symbol,
        start_date: dto.start_date,
        end_date: dto.end_date,
      });
    const outcome = await this.backtester.runOn(bars, code, settings);
    if (!outcome.ok) throw new DomainError(ErrorCode.ValidationFailed, 'Backtest execution failed', outcome.message);
    const report = buildReport({
      initialCash: settings.engine.initialCash,
      curve: outcome.result.equity_curve,
      trades: outcome.result.trades,
    });
    return quickRunResponse(symbol, bars, outcome.result.trades, report);
  }

  async search(user: AuthUser, dto: SearchDto) {
    const { rows, count } = await this.runs.list(
      user,
      {
        strategyId: dto.strategy_id,
        status: dto.status,
        symbols: dto.symbols?.map((s) => s.toUpperCase()),
        createdFrom: dto.start_date_from ? new Date(`${dto.start_date_from}T00:00:00Z`) : undefined,
        createdTo: dto.start_date_to ? new Date(Date.parse(`${dto.start_date_to}T00:00:00Z`) + DAY_MS - 1) : undefined,
        username: dto.created_by,
      },
      SEARCH_LIMIT,
      0,
    );
    return { runs: rows.map(runListJson), count };
  }

  async health() {
    try {
      const [runsCount, configsCount] = await Promise.all([this.runs.count(), this.configs.count()]);
      return {
        status: 'healthy',
        database: 'connected',
        runs_count: runsCount,
        configs_count: configsCount,
        runner_available: true,
        timestamp: new Date(this.clock.now()).toISOString(),
      };
    } catch {
      throw new DomainError(ErrorCode.DatabaseUnavailable, 'unhealthy', 'The database cannot be reached', 5, { status: 'unhealthy' });
    }
  }
}
