import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, getTableColumns, SQL } from 'drizzle-orm';
import type { AuthUser } from '../../auth/current-user.decorator';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import { strategies, strategyPerformance, strategyTemplates, strategyValidations } from '../../database/schema';
import { ownedBy } from '../../auth/ownership';

export type ValidationRow = typeof strategyValidations.$inferSelect;
export type PerformanceRow = typeof strategyPerformance.$inferSelect;
export type NewPerformance = Omit<typeof strategyPerformance.$inferInsert, 'id' | 'createdAt'>;
/** A row together with the owner of its strategy (for the ownership check). */
export type Owned<T> = T & { ownerId: number | null };
/** A row together with the name of its strategy (serializers show `strategy_name`). */
export type Named<T> = T & { strategyName: string };

/** Validations and performance records, always seen through the strategy they belong to. */
@Injectable()
export class RecordsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  private visible(user: AuthUser, strategyId: number | undefined): SQL | undefined {
    const conds = [ownedBy(user, strategies.createdBy), strategyId === undefined ? undefined : eq(strategies.id, strategyId)].filter(
      (c): c is SQL => c !== undefined,
    );
    return conds.length ? and(...conds) : undefined;
  }

  /** Newest first, on strategies `user` can see. */
  async validations(
    user: AuthUser,
    strategyId: number | undefined,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: Named<ValidationRow>[] }> {
    const where = this.visible(user, strategyId);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(strategyValidations)
      .innerJoin(strategies, eq(strategies.id, strategyValidations.strategyId))
      .where(where);
    const rows = await this.db
      .select({ ...getTableColumns(strategyValidations), strategyName: strategies.name })
      .from(strategyValidations)
      .innerJoin(strategies, eq(strategies.id, strategyValidations.strategyId))
      .where(where)
      .orderBy(desc(strategyValidations.createdAt), desc(strategyValidations.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async validation(id: number): Promise<Owned<Named<ValidationRow>> | null> {
    const [row] = await this.db
      .select({ ...getTableColumns(strategyValidations), ownerId: strategies.createdBy, strategyName: strategies.name })
      .from(strategyValidations)
      .innerJoin(strategies, eq(strategies.id, strategyValidations.strategyId))
      .where(eq(strategyValidations.id, id));
    return row ?? null;
  }

  async performances(
    user: AuthUser,
    strategyId: number | undefined,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: Named<PerformanceRow>[] }> {
    const where = this.visible(user, strategyId);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(strategyPerformance)
      .innerJoin(strategies, eq(strategies.id, strategyPerformance.strategyId))
      .where(where);
    const rows = await this.db
      .select({ ...getTableColumns(strategyPerformance), strategyName: strategies.name })
      .from(strategyPerformance)
      .innerJoin(strategies, eq(strategies.id, strategyPerformance.strategyId))
      .where(where)
      .orderBy(desc(strategyPerformance.createdAt), desc(strategyPerformance.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async performance(id: number): Promise<Owned<Named<PerformanceRow>> | null> {
    const [row] = await this.db
      .select({ ...getTableColumns(strategyPerformance), ownerId: strategies.createdBy, strategyName: strategies.name })
      .from(strategyPerformance)
      .innerJoin(strategies, eq(strategies.id, strategyPerformance.strategyId))
      .where(eq(strategyPerformance.id, id));
    return row ?? null;
  }

  async createPerformance(v: NewPerformance): Promise<PerformanceRow> {
    const [row] = await this.db.insert(strategyPerformance).values(v).returning();
    return row;
  }

  async updatePerformance(id: number, changes: Partial<NewPerformance>): Promise<PerformanceRow> {
    if (Object.keys(changes).length === 0) {
      const [same] = await this.db.select().from(strategyPerformance).where(eq(strategyPerformance.id, id));
      return same;
    }
    const [row] = await this.db.update(strategyPerformance).set(changes).where(eq(strategyPerformance.id, id)).returning();
    return row;
  }

  async deletePerformance(id: number): Promise<void> {
    await this.db.delete(strategyPerformance).where(eq(strategyPerformance.id, id));
  }

  /** Reads a template and locks its row until `tx` ends (so concurrent chat-history appends do not lose one). */
  async lockTemplate(id: number, tx: Db): Promise<typeof strategyTemplates.$inferSelect | null> {
    const [row] = await tx.select().from(strategyTemplates).where(eq(strategyTemplates.id, id)).for('update');
    return row ?? null;
  }

  /** Deletes a template; strategies using it keep going without one (Django's SET_NULL). */
  async deleteTemplate(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(strategies).set({ templateId: null }).where(eq(strategies.templateId, id));
      await tx.delete(strategyTemplates).where(eq(strategyTemplates.id, id));
    });
  }
}
