import { Injectable } from '@nestjs/common';
import { count, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { AuthUser } from '../../auth/current-user.decorator';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import { latestBacktestResults, strategies } from '../../database/schema';
import { ownedBy } from '../../auth/ownership';

export type BacktestResultRow = typeof latestBacktestResults.$inferSelect;
export type BacktestResultValues = Omit<typeof latestBacktestResults.$inferInsert, 'strategyId' | 'createdAt' | 'updatedAt'>;

/** The latest backtest of each strategy (one row per strategy). */
@Injectable()
export class BacktestResultsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  /** Most recently saved first, on strategies `user` can see. */
  async list(user: AuthUser, limit: number, offset: number): Promise<{ count: number; rows: BacktestResultRow[] }> {
    const where = ownedBy(user, strategies.createdBy);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(latestBacktestResults)
      .innerJoin(strategies, eq(strategies.id, latestBacktestResults.strategyId))
      .where(where);
    const rows = await this.db
      .select(getTableColumns(latestBacktestResults))
      .from(latestBacktestResults)
      .innerJoin(strategies, eq(strategies.id, latestBacktestResults.strategyId))
      .where(where)
      .orderBy(desc(latestBacktestResults.updatedAt), desc(latestBacktestResults.strategyId))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async byStrategy(strategyId: number): Promise<BacktestResultRow | null> {
    const [row] = await this.db.select().from(latestBacktestResults).where(eq(latestBacktestResults.strategyId, strategyId));
    return row ?? null;
  }

  /**
   * Django's `update_or_create`: every field is replaced by `values` (omitted ones by their defaults, which
   * the caller fills in); `created_at` stays. `created` says whether the row is new.
   */
  async upsert(strategyId: number, values: Required<BacktestResultValues>): Promise<{ row: BacktestResultRow; created: boolean }> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    const now = new Date();
    // xmax = 0 only on a freshly inserted tuple (PostgreSQL and PGlite alike).
    const [{ inserted, ...row }] = await this.db
      .insert(latestBacktestResults)
      .values({ strategyId, ...values, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: latestBacktestResults.strategyId, set: { ...values, updatedAt: now } })
      .returning({ ...getTableColumns(latestBacktestResults), inserted: sql<boolean>`(xmax = 0)` });
    return { row, created: Boolean(inserted) };
  }
}
