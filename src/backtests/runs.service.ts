import { randomBytes } from 'node:crypto';
import { Injectable, StreamableFile } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Page, pageOf } from '../common/page';
import { invalid, PAGE_SIZE } from '../strategy/records/params';
import { StrategiesRepository } from '../strategy/strategies.repository';
import { canSee, visibleOr404 } from '../auth/ownership';
import { RUN_STATUSES, RunBodyDto, RunPatchDto, RunStatus } from './backtests.dto';
import { alertJson, resultJson, runJson, runListJson, tradeListJson } from './backtests.serializer';
import { ConfigsService } from './configs.service';
import { DatedValue, drawdownPeriods, toCsv, tradeStats } from './core/analysis';
import { BacktestRunDispatcher } from './execution/backtest-run.port';
import { RecordsRepository, ResultRow } from './records.repository';
import { NewRun, RunFilters, RunRow, RunsRepository } from './runs.repository';

export const CANCELLABLE: readonly RunStatus[] = ['pending', 'queued', 'running'];

/** `bt_` + 8 hex digits. */
export const newRunId = (): string => `bt_${randomBytes(4).toString('hex')}`;

/** `?symbols=` (repeatable or comma-separated), upper-cased. */
export function symbolsQuery(raw: string | string[] | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (list.some((s) => !/^[A-Z0-9.^=-]{1,20}$/.test(s)) || list.length > 50)
    throw invalid('symbols', 'symbols must be up to 50 symbols of 1-20 letters, digits, ".", "^", "=" or "-"');
  return list.length ? list : undefined;
}

export function statusQuery(raw: string | undefined): RunStatus | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(raw)) throw invalid('status', `status must be one of ${RUN_STATUSES.join(', ')}`);
  return raw as RunStatus;
}

/** `/api/backtests/runs/…`: Django's BacktestRunViewSet plus the analysis actions. */
@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly records: RecordsRepository,
    private readonly configs: ConfigsService,
    private readonly strategies: StrategiesRepository,
    private readonly dispatcher: BacktestRunDispatcher,
  ) {}

  async list(user: AuthUser, f: RunFilters, page: number): Promise<Page<ReturnType<typeof runListJson>>> {
    const { count, rows } = await this.runs.list(user, f, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(runListJson));
  }

  /** The run by numeric id or `run_id`, 404 when missing or not yours. */
  async owned(user: AuthUser, key: string): Promise<RunRow> {
    const row = /^\d{1,10}$/.test(key)
      ? Number(key) <= 2_147_483_647
        ? await this.runs.byId(Number(key))
        : null
      : /^[A-Za-z0-9_-]{1,100}$/.test(key)
        ? await this.runs.byRunId(key)
        : null;
    if (!row || !canSee(user, row.createdBy)) throw new DomainError(ErrorCode.NotFound, 'Backtest run not found', { id: key });
    return row;
  }

  async get(user: AuthUser, key: string) {
    return runJson(await this.owned(user, key));
  }

  private async checkRefs(user: AuthUser, configId: number | undefined, strategyId: number | undefined): Promise<void> {
    if (configId !== undefined)
      await this.configs
        .usable(user, configId)
        .catch(() => Promise.reject(invalid('config', `Invalid pk "${configId}" - object does not exist.`)));
    if (strategyId !== undefined && !canSeeStrategy(user, await this.strategies.byId(strategyId)))
      throw invalid('strategy', `Invalid pk "${strategyId}" - object does not exist.`);
  }

  /** POST runs/: a run record (not executed: `api/run_backtest/` runs backtests). */
  async create(user: AuthUser, dto: RunBodyDto) {
    await this.checkRefs(user, dto.config, dto.strategy);
    const values: NewRun = {
      runId: newRunId(),
      configId: dto.config,
      strategyId: dto.strategy,
      symbols: dto.symbols.map((s) => s.toUpperCase()),
      status: dto.status ?? 'pending',
      createdBy: user.id,
    };
    return runJson(await this.runs.create(values));
  }

  async update(user: AuthUser, key: string, dto: RunPatchDto) {
    const run = await this.owned(user, key);
    await this.checkRefs(user, dto.config, dto.strategy);
    const changes: Partial<NewRun> = {};
    if (dto.config !== undefined) changes.configId = dto.config;
    if (dto.strategy !== undefined) changes.strategyId = dto.strategy;
    if (dto.symbols !== undefined) changes.symbols = dto.symbols.map((s) => s.toUpperCase());
    if (dto.status !== undefined) changes.status = dto.status;
    return runJson(await this.runs.update(run.id, changes));
  }

  async delete(user: AuthUser, key: string): Promise<void> {
    const run = await this.owned(user, key);
    await this.dispatcher.cancel({ runId: run.id });
    await this.runs.delete(run.id);
  }

  private async resultOf(run: RunRow): Promise<ResultRow> {
    const result = await this.records.resultOfRun(run.id);
    if (!result) throw new DomainError(ErrorCode.NotFound, 'Results not available for this run', { run_id: run.runId, status: run.status });
    return result;
  }

  async result(user: AuthUser, key: string) {
    return resultJson(await this.resultOf(await this.owned(user, key)));
  }

  async trades(user: AuthUser, key: string) {
    return (await this.records.tradesOfRun((await this.owned(user, key)).id)).map(tradeListJson);
  }

  async alerts(user: AuthUser, key: string) {
    return (await this.records.alertsOfRun((await this.owned(user, key)).id)).map(alertJson);
  }

  async cancel(user: AuthUser, key: string) {
    const run = await this.owned(user, key);
    const moved =
      CANCELLABLE.includes(run.status as RunStatus) &&
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      (await this.runs.transition(run.id, CANCELLABLE, 'cancelled', { completedAt: new Date() }));
    if (!moved) {
      const now = (await this.runs.status(run.id)) ?? run.status;
      throw new DomainError(ErrorCode.ValidationFailed, `Cannot cancel backtest with status: ${now}`, { status: now });
    }
    await this.dispatcher.cancel({ runId: run.id });
    return { message: 'Backtest cancelled successfully', run_id: run.runId, status: 'cancelled' };
  }

  async equityCurve(user: AuthUser, key: string) {
    const run = await this.owned(user, key);
    const r = await this.resultOf(run);
    const points = r.portfolioValues as DatedValue[];
    return {
      run_id: run.runId,
      symbols: run.symbols,
      initial_value: points[0]?.value ?? null,
      final_value: r.finalPortfolioValue,
      points,
      returns: r.returns as DatedValue[],
    };
  }

  async drawdownAnalysis(user: AuthUser, key: string) {
    const run = await this.owned(user, key);
    const r = await this.resultOf(run);
    const drawdowns = r.drawdowns as DatedValue[];
    const periods = drawdownPeriods(drawdowns);
    return {
      run_id: run.runId,
      max_drawdown_pct: r.maxDrawdownPct,
      max_drawdown_duration: r.maxDrawdownDuration,
      current_drawdown_pct: r.currentDrawdownPct,
      recovery_factor: r.recoveryFactor,
      periods_count: periods.length,
      periods: periods.slice(0, 100),
      drawdowns,
    };
  }

  async tradeStats(user: AuthUser, key: string) {
    const run = await this.owned(user, key);
    const rows = await this.records.tradesOfRun(run.id, 'oldest');
    const facts = rows.map((t) => ({
      symbol: t.symbol,
      trade_type: t.tradeType,
      pnl: Number(t.pnl ?? 0),
      pnl_pct: Number(t.pnlPct ?? 0),
      holding_period: t.holdingPeriod,
    }));
    return { run_id: run.runId, status: run.status, ...tradeStats(facts) };
  }

  async exportTrades(user: AuthUser, key: string): Promise<StreamableFile> {
    const run = await this.owned(user, key);
    const rows = await this.records.tradesOfRun(run.id, 'oldest');
    const header = [
      'id',
      'symbol',
      'trade_type',
      'status',
      'entry_date',
      'entry_price',
      'quantity',
      'entry_value',
      'entry_commission',
      'exit_date',
      'exit_price',
      'exit_value',
      'exit_commission',
      'pnl',
      'pnl_pct',
      'holding_period',
      'notes',
    ];
    const body = toCsv(
      header,
      rows.map((t) => [
        t.id,
        t.symbol,
        t.tradeType,
        t.status,
        t.entryDate.toISOString(),
        t.entryPrice,
        t.quantity,
        t.entryValue,
        t.entryCommission,
        t.exitDate?.toISOString() ?? null,
        t.exitPrice,
        t.exitValue,
        t.exitCommission,
        t.pnl,
        t.pnlPct,
        t.holdingPeriod,
        t.notes,
      ]),
    );
    return new StreamableFile(Buffer.from(body, 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${run.runId}_trades.csv"`,
    });
  }

  /** api/compare_backtests/: your runs side by side, with the best of each figure. */
  async compare(user: AuthUser, keys: string[]) {
    const unique = [...new Set(keys)];
    if (unique.length < 2) throw invalid('run_ids', 'give at least two different runs');
    const runs = await Promise.all(unique.map((k) => this.owned(user, k)));
    const rows = await Promise.all(
      runs.map(async (run) => {
        const r = await this.records.resultOfRun(run.id);
        return {
          id: run.id,
          run_id: run.runId,
          status: run.status,
          strategy: run.strategyId,
          strategy_name: run.strategyName,
          config_name: run.configName,
          symbols: run.symbols,
          metrics: r
            ? {
                final_portfolio_value: r.finalPortfolioValue,
                total_return_pct: r.totalReturnPct,
                annualized_return_pct: r.annualizedReturnPct,
                volatility: r.volatility,
                sharpe_ratio: r.sharpeRatio,
                sortino_ratio: r.sortinoRatio,
                max_drawdown_pct: r.maxDrawdownPct,
                win_rate_pct: r.winRatePct,
                total_trades: r.totalTrades,
                profit_factor: r.profitFactor,
                benchmark_return_pct: r.benchmarkReturnPct,
                alpha: r.alpha,
                beta: r.beta,
              }
            : null,
        };
      }),
    );
    const withResult = rows.filter((r) => r.metrics);
    const best = (field: 'total_return_pct' | 'sharpe_ratio' | 'max_drawdown_pct' | 'win_rate_pct', lowest = false) => {
      const sorted = [...withResult].sort((a, b) => (Number(b.metrics![field]) - Number(a.metrics![field])) * (lowest ? -1 : 1));
      return sorted[0]?.run_id ?? null;
    };
    return {
      count: rows.length,
      runs: rows,
      best: {
        total_return_pct: best('total_return_pct'),
        sharpe_ratio: best('sharpe_ratio'),
        max_drawdown_pct: best('max_drawdown_pct', true),
        win_rate_pct: best('win_rate_pct'),
      },
    };
  }

  async visibleStrategy(user: AuthUser, id: number) {
    return visibleOr404(user, await this.strategies.byId(id), 'Strategy', id);
  }
}

function canSeeStrategy(user: AuthUser, row: { createdBy: number | null } | null): boolean {
  return !!row && canSee(user, row.createdBy);
}
