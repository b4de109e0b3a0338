import { Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, getTableColumns, SQL } from 'drizzle-orm';
import type { AuthUser } from '../auth/current-user.decorator';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { backtestAlerts, backtestResults, backtestRuns, backtestTrades, strategies } from '../database/schema';
import { ownedBy } from '../auth/ownership';

export type ResultRow = typeof backtestResults.$inferSelect & { runCode: string; strategyName: string | null };
export type TradeRow = typeof backtestTrades.$inferSelect & { runCode: string; strategyName: string | null };
export type AlertRow = typeof backtestAlerts.$inferSelect & { runCode: string };

export interface TradeFilters {
  runCode?: string;
  symbol?: string;
  tradeType?: string;
  status?: string;
}

/** Reads of results, trades and alerts, always through the run, so only the run's owner sees them. */
@Injectable()
export class RecordsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  private results() {
    return this.db
      .select({ ...getTableColumns(backtestResults), runCode: backtestRuns.runId, strategyName: strategies.name })
      .from(backtestResults)
      .innerJoin(backtestRuns, eq(backtestRuns.id, backtestResults.runId))
      .leftJoin(strategies, eq(strategies.id, backtestRuns.strategyId));
  }

  private trades() {
    return this.db
      .select({ ...getTableColumns(backtestTrades), runCode: backtestRuns.runId, strategyName: strategies.name })
      .from(backtestTrades)
      .innerJoin(backtestRuns, eq(backtestRuns.id, backtestTrades.runId))
      .leftJoin(strategies, eq(strategies.id, backtestRuns.strategyId));
  }

  private alerts() {
    return this.db
      .select({ ...getTableColumns(backtestAlerts), runCode: backtestRuns.runId })
      .from(backtestAlerts)
      .innerJoin(backtestRuns, eq(backtestRuns.id, backtestAlerts.runId));
  }

  async resultOfRun(runId: number): Promise<ResultRow | null> {
    const [row] = await this.results().where(eq(backtestResults.runId, runId));
    return row ?? null;
  }

  async resultPage(user: AuthUser, limit: number, offset: number): Promise<{ count: number; rows: ResultRow[] }> {
    const where = ownedBy(user, backtestRuns.createdBy);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(backtestResults)
      .innerJoin(backtestRuns, eq(backtestRuns.id, backtestResults.runId))
      .where(where);
    const rows = await this.results()
      .where(where)
      .orderBy(desc(backtestResults.createdAt), desc(backtestResults.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async result(user: AuthUser, id: number): Promise<ResultRow | null> {
    const [row] = await this.results().where(and(eq(backtestResults.id, id), ownedBy(user, backtestRuns.createdBy)));
    return row ?? null;
  }

  /** Every trade of a run, newest entry first (`all` = ascending, for exports and statistics). */
  async tradesOfRun(runId: number, order: 'newest' | 'oldest' = 'newest'): Promise<TradeRow[]> {
    const by =
      order === 'newest'
        ? [desc(backtestTrades.entryDate), desc(backtestTrades.id)]
        : [asc(backtestTrades.entryDate), asc(backtestTrades.id)];
    return this.trades()
      .where(eq(backtestTrades.runId, runId))
      .orderBy(...by);
  }

  async tradePage(user: AuthUser, f: TradeFilters, limit: number, offset: number): Promise<{ count: number; rows: TradeRow[] }> {
    const where: SQL | undefined = and(
      ownedBy(user, backtestRuns.createdBy),
      f.runCode !== undefined ? eq(backtestRuns.runId, f.runCode) : undefined,
      f.symbol !== undefined ? eq(backtestTrades.symbol, f.symbol) : undefined,
      f.tradeType !== undefined ? eq(backtestTrades.tradeType, f.tradeType) : undefined,
      f.status !== undefined ? eq(backtestTrades.status, f.status) : undefined,
    );
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(backtestTrades)
      .innerJoin(backtestRuns, eq(backtestRuns.id, backtestTrades.runId))
      .where(where);
    const rows = await this.trades()
      .where(where)
      .orderBy(desc(backtestTrades.entryDate), desc(backtestTrades.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async trade(user: AuthUser, id: number): Promise<TradeRow | null> {
    const [row] = await this.trades().where(and(eq(backtestTrades.id, id), ownedBy(user, backtestRuns.createdBy)));
    return row ?? null;
  }

  async alertsOfRun(runId: number): Promise<AlertRow[]> {
    return this.alerts().where(eq(backtestAlerts.runId, runId)).orderBy(desc(backtestAlerts.timestamp), desc(backtestAlerts.id));
  }

  async alertPage(user: AuthUser, limit: number, offset: number): Promise<{ count: number; rows: AlertRow[] }> {
    const where = ownedBy(user, backtestRuns.createdBy);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(backtestAlerts)
      .innerJoin(backtestRuns, eq(backtestRuns.id, backtestAlerts.runId))
      .where(where);
    const rows = await this.alerts()
      .where(where)
      .orderBy(desc(backtestAlerts.timestamp), desc(backtestAlerts.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async alert(user: AuthUser, id: number): Promise<AlertRow | null> {
    const [row] = await this.alerts().where(and(eq(backtestAlerts.id, id), ownedBy(user, backtestRuns.createdBy)));
    return row ?? null;
  }
}
