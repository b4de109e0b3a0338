import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, getTableColumns, gte, inArray, lte, sql, SQL } from 'drizzle-orm';
import type { AuthUser } from '../auth/current-user.decorator';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { backtestAlerts, backtestConfigs, backtestResults, backtestRuns, backtestTrades, strategies, users } from '../database/schema';
import { ownedBy } from '../auth/ownership';
import type { RunStatus } from './backtests.dto';

export type RunRecord = typeof backtestRuns.$inferSelect;
export type RunRow = RunRecord & {
  configName: string | null;
  strategyName: string | null;
  strategyVersion: string | null;
  createdByUsername: string | null;
  resultFinalValue: string | null;
  resultTotalReturn: string | null;
  resultSharpe: string | null;
  resultMaxDrawdown: string | null;
  resultTrades: number | null;
  resultWinRate: string | null;
};
export type NewRun = Omit<typeof backtestRuns.$inferInsert, 'id' | 'createdAt'>;
export type ResultValues = Omit<typeof backtestResults.$inferInsert, 'id' | 'runId' | 'createdAt'>;
export type TradeValues = Omit<typeof backtestTrades.$inferInsert, 'id' | 'runId' | 'createdAt'>;
export type AlertValues = Omit<typeof backtestAlerts.$inferInsert, 'id' | 'runId' | 'createdAt'>;
export type RunSummary = Pick<
  NewRun,
  'executionTime' | 'totalReturn' | 'annualizedReturn' | 'maxDrawdown' | 'sharpeRatio' | 'totalTrades' | 'winRate'
>;

export interface RunFilters {
  status?: RunStatus;
  strategyId?: number;
  /** The run's symbols contain every one of these. */
  symbols?: string[];
  createdFrom?: Date;
  createdTo?: Date;
  username?: string;
}

/** Runs and what a run writes (result, trades, alerts); every write that belongs together is one transaction. */
@Injectable()
export class RunsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  private select() {
    return this.db
      .select({
        ...getTableColumns(backtestRuns),
        configName: backtestConfigs.name,
        strategyName: strategies.name,
        strategyVersion: strategies.version,
        createdByUsername: users.username,
        resultFinalValue: backtestResults.finalPortfolioValue,
        resultTotalReturn: backtestResults.totalReturnPct,
        resultSharpe: backtestResults.sharpeRatio,
        resultMaxDrawdown: backtestResults.maxDrawdownPct,
        resultTrades: backtestResults.totalTrades,
        resultWinRate: backtestResults.winRatePct,
      })
      .from(backtestRuns)
      .leftJoin(backtestConfigs, eq(backtestConfigs.id, backtestRuns.configId))
      .leftJoin(strategies, eq(strategies.id, backtestRuns.strategyId))
      .leftJoin(users, eq(users.id, backtestRuns.createdBy))
      .leftJoin(backtestResults, eq(backtestResults.runId, backtestRuns.id));
  }

  private where(user: AuthUser, f: RunFilters): SQL | undefined {
    return and(
      ownedBy(user, backtestRuns.createdBy),
      f.status ? eq(backtestRuns.status, f.status) : undefined,
      f.strategyId ? eq(backtestRuns.strategyId, f.strategyId) : undefined,
      f.symbols?.length ? sql`${backtestRuns.symbols} @> ${JSON.stringify(f.symbols)}::jsonb` : undefined,
      f.createdFrom ? gte(backtestRuns.createdAt, f.createdFrom) : undefined,
      f.createdTo ? lte(backtestRuns.createdAt, f.createdTo) : undefined,
      f.username !== undefined ? eq(users.username, f.username) : undefined,
    );
  }

  async list(user: AuthUser, f: RunFilters, limit: number, offset: number): Promise<{ count: number; rows: RunRow[] }> {
    const where = this.where(user, f);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(backtestRuns)
      .leftJoin(users, eq(users.id, backtestRuns.createdBy))
      .where(where);
    const rows = await this.select().where(where).orderBy(desc(backtestRuns.createdAt), desc(backtestRuns.id)).limit(limit).offset(offset);
    return { count: Number(n), rows };
  }

  async byId(id: number): Promise<RunRow | null> {
    const [row] = await this.select().where(eq(backtestRuns.id, id));
    return row ?? null;
  }

  async byIds(ids: number[]): Promise<RunRow[]> {
    return ids.length ? this.select().where(inArray(backtestRuns.id, ids)) : [];
  }

  async byRunId(runId: string): Promise<RunRow | null> {
    const [row] = await this.select().where(eq(backtestRuns.runId, runId));
    return row ?? null;
  }

  async create(v: NewRun): Promise<RunRow> {
    const [{ id }] = await this.db.insert(backtestRuns).values(v).returning({ id: backtestRuns.id });
    return (await this.byId(id))!;
  }

  async update(id: number, changes: Partial<NewRun>): Promise<RunRow> {
    await this.db.update(backtestRuns).set(changes).where(eq(backtestRuns.id, id));
    return (await this.byId(id))!;
  }

  /** Moves the run to `to` only from one of `from`; false when it was in another state (say, cancelled meanwhile). */
  async transition(id: number, from: readonly RunStatus[], to: RunStatus, extra: Partial<NewRun> = {}): Promise<boolean> {
    const done = await this.db
      .update(backtestRuns)
      .set({ ...extra, status: to })
      .where(and(eq(backtestRuns.id, id), inArray(backtestRuns.status, [...from])))
      .returning({ id: backtestRuns.id });
    return done.length > 0;
  }

  async status(id: number): Promise<RunStatus | null> {
    const [row] = await this.db.select({ status: backtestRuns.status }).from(backtestRuns).where(eq(backtestRuns.id, id));
    return (row?.status as RunStatus | undefined) ?? null;
  }

  /** Progress of a running run; false when it no longer runs. */
  async progress(id: number, pct: number): Promise<boolean> {
    const done = await this.db
      .update(backtestRuns)
      .set({ progress: pct.toFixed(2) })
      .where(and(eq(backtestRuns.id, id), eq(backtestRuns.status, 'running')))
      .returning({ id: backtestRuns.id });
    return done.length > 0;
  }

  async addAlerts(id: number, alerts: AlertValues[]): Promise<void> {
    if (alerts.length) await this.db.insert(backtestAlerts).values(alerts.map((a) => ({ ...a, runId: id })));
  }

  /**
   * Result, trades, alerts and the run summary together, only while the run is still `running` (a run
   * cancelled meanwhile keeps nothing). False when it was no longer running.
   */
  async complete(
    id: number,
    result: ResultValues,
    trades: TradeValues[],
    alerts: AlertValues[],
    summary: RunSummary,
    completedAt: Date,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const moved = await tx
        .update(backtestRuns)
        .set({ ...summary, status: 'completed', progress: '100.00', completedAt })
        .where(and(eq(backtestRuns.id, id), eq(backtestRuns.status, 'running')))
        .returning({ id: backtestRuns.id });
      if (moved.length === 0) return false;
      await tx.insert(backtestResults).values({ ...result, runId: id });
      for (let i = 0; i < trades.length; i += 500)
        await tx.insert(backtestTrades).values(trades.slice(i, i + 500).map((t) => ({ ...t, runId: id })));
      if (alerts.length) await tx.insert(backtestAlerts).values(alerts.map((a) => ({ ...a, runId: id })));
      return true;
    });
  }

  /** A run and all it wrote. */
  async delete(id: number): Promise<void> {
    await this.db.transaction(async (tx) => deleteRuns(tx, [id]));
  }

  /** A config and every run made with it (Django's CASCADE). */
  async deleteConfig(configId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const runs = await tx.select({ id: backtestRuns.id }).from(backtestRuns).where(eq(backtestRuns.configId, configId));
      await deleteRuns(
        tx,
        runs.map((r) => r.id),
      );
      await tx.delete(backtestConfigs).where(eq(backtestConfigs.id, configId));
    });
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db.select({ n: count() }).from(backtestRuns);
    return Number(n);
  }
}

async function deleteRuns(tx: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.delete(backtestTrades).where(inArray(backtestTrades.runId, ids));
  await tx.delete(backtestAlerts).where(inArray(backtestAlerts.runId, ids));
  await tx.delete(backtestResults).where(inArray(backtestResults.runId, ids));
  await tx.delete(backtestRuns).where(inArray(backtestRuns.id, ids));
}
