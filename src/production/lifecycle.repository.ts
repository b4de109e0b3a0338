import { Injectable } from '@nestjs/common';
import { asc, count, eq, sql } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { strategyLifecycleEvents, strategyLifecycles } from '../database/schema';

export type LifecycleRow = typeof strategyLifecycles.$inferSelect;
export type LifecycleEventRow = typeof strategyLifecycleEvents.$inferSelect;
export type LifecycleChanges = Partial<Omit<LifecycleRow, 'strategyId' | 'createdAt' | 'updatedAt'>>;
export type NewLifecycleEvent = Omit<typeof strategyLifecycleEvents.$inferInsert, 'id' | 'createdAt'>;

/** The lifecycle row of each strategy and its audit log. */
@Injectable()
export class LifecycleRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  async get(strategyId: number, tx: Db = this.db): Promise<LifecycleRow | null> {
    const [row] = await tx.select().from(strategyLifecycles).where(eq(strategyLifecycles.strategyId, strategyId));
    return row ?? null;
  }

  /** The row, created in `generated` when missing, locked until the transaction ends (one transition at a time). */
  async lock(strategyId: number, tx: Db): Promise<LifecycleRow> {
    await tx.insert(strategyLifecycles).values({ strategyId }).onConflictDoNothing();
    const [row] = await tx.select().from(strategyLifecycles).where(eq(strategyLifecycles.strategyId, strategyId)).for('update');
    return row;
  }

  async update(strategyId: number, changes: LifecycleChanges, tx: Db): Promise<LifecycleRow> {
    const [row] = await tx
      .update(strategyLifecycles)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(strategyLifecycles.strategyId, strategyId))
      .returning();
    return row;
  }

  async addEvent(v: NewLifecycleEvent, tx: Db): Promise<LifecycleEventRow> {
    const [row] = await tx.insert(strategyLifecycleEvents).values(v).returning();
    return row;
  }

  /** Oldest first, at most `limit`. */
  async events(strategyId: number, limit: number): Promise<LifecycleEventRow[]> {
    return this.db
      .select()
      .from(strategyLifecycleEvents)
      .where(eq(strategyLifecycleEvents.strategyId, strategyId))
      .orderBy(asc(strategyLifecycleEvents.id))
      .limit(limit);
  }

  async countTracked(): Promise<number> {
    const [{ n }] = await this.db.select({ n: count() }).from(strategyLifecycles);
    return Number(n);
  }

  /** Adds 1 to each named counter. */
  increments(...columns: Array<'testAttempts' | 'fixAttempts' | 'errorCount' | 'generationAttempts'>): LifecycleChanges {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c] = sql`${strategyLifecycles[c]} + 1`;
    return out;
  }

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx));
  }
}
