import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, ilike, inArray, isNull, or, SQL, sql } from 'drizzle-orm';
import type { AuthUser } from '../auth/current-user.decorator';
import { Database } from '../database/database.module';
import { isUniqueViolation, type Db } from '../database/database';
import { strategies, strategyExecutions, strategyTemplates, users } from '../database/schema';
import { ownedBy } from '../auth/ownership';

export type StrategyRow = typeof strategies.$inferSelect;
export type NewStrategy = Omit<typeof strategies.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type StrategyChanges = Partial<Omit<NewStrategy, 'createdBy'>> & { lastValidated?: Date | null };
export type ExecutionRow = typeof strategyExecutions.$inferSelect;

export interface StrategyFilters {
  status?: string;
  category?: string;
  /** Every tag must be present. */
  tags?: string[];
  /** In name or description, case-insensitive. */
  search?: string;
  riskLevel?: string;
  timeframe?: string;
  createdByUsername?: string;
}

/** Strategies and their executions; ownership filtering is applied by the caller's user. */
@Injectable()
export class StrategiesRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  /**
   * Inserts a strategy. With `bumpVersionOnClash`, a taken (name, 1.0.0) becomes "name vN" / "N.0.0" (the
   * Django create_strategy_with_ai rule); otherwise a clash is reported as a unique violation.
   */
  async create(v: NewStrategy, opts: { bumpVersionOnClash?: boolean } = {}, tx: Db = this.db): Promise<StrategyRow> {
    let values = { ...v };
    if (opts.bumpVersionOnClash) {
      const base = v.name;
      for (let n = 2; await this.nameVersionTaken(v.createdBy ?? null, values.name, values.version ?? '1.0.0', tx); n++) {
        values = { ...v, name: `${base} v${n}`.slice(0, 200), version: `${n}.0.0` };
      }
    }
    const [row] = await tx.insert(strategies).values(values).returning();
    return row;
  }

  /** Whether `owner` already has a strategy (name, version); names are unique per owner only. */
  async nameVersionTaken(owner: number | null, name: string, version: string, tx: Db = this.db): Promise<boolean> {
    const [row] = await tx
      .select({ id: strategies.id })
      .from(strategies)
      .where(and(createdBy(owner), eq(strategies.name, name), eq(strategies.version, version)));
    return Boolean(row);
  }

  async byId(id: number, tx: Db = this.db): Promise<StrategyRow | null> {
    const [row] = await tx.select().from(strategies).where(eq(strategies.id, id));
    return row ?? null;
  }

  async update(id: number, changes: StrategyChanges, tx: Db = this.db): Promise<StrategyRow> {
    const [row] = await tx
      .update(strategies)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(strategies.id, id))
      .returning();
    return row;
  }

  async delete(id: number): Promise<void> {
    await this.db.delete(strategies).where(eq(strategies.id, id));
  }

  /** Newest first, `user`'s own (staff: all), filtered. */
  async list(user: AuthUser, f: StrategyFilters, limit: number, offset: number): Promise<{ count: number; rows: StrategyRow[] }> {
    const conds: SQL[] = [];
    const own = ownedBy(user, strategies.createdBy);
    if (own) conds.push(own);
    if (f.status) conds.push(eq(strategies.status, f.status));
    if (f.riskLevel) conds.push(eq(strategies.riskLevel, f.riskLevel));
    if (f.timeframe) conds.push(eq(strategies.timeframe, f.timeframe));
    if (f.tags && f.tags.length > 0) conds.push(sql`${strategies.tags} @> ${JSON.stringify(f.tags)}::jsonb`);
    if (f.search) {
      const like = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conds.push(or(ilike(strategies.name, like), ilike(strategies.description, like))!);
    }
    if (f.category) {
      const ids = this.db.select({ id: strategyTemplates.id }).from(strategyTemplates).where(eq(strategyTemplates.category, f.category));
      conds.push(inArray(strategies.templateId, ids));
    }
    if (f.createdByUsername) {
      const ids = this.db.select({ id: users.id }).from(users).where(eq(users.username, f.createdByUsername));
      conds.push(inArray(strategies.createdBy, ids));
    }
    const where = conds.length > 0 ? and(...conds) : undefined;
    const [{ n }] = await this.db.select({ n: count() }).from(strategies).where(where);
    const rows = await this.db
      .select()
      .from(strategies)
      .where(where)
      .orderBy(desc(strategies.createdAt), desc(strategies.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async countAll(): Promise<number> {
    const [{ n }] = await this.db.select({ n: count() }).from(strategies);
    return Number(n);
  }

  async recordExecution(v: Omit<typeof strategyExecutions.$inferInsert, 'id' | 'createdAt'>): Promise<void> {
    await this.db.insert(strategyExecutions).values(v);
  }

  async executions(strategyId: number, limit: number): Promise<{ total: number; rows: ExecutionRow[] }> {
    const [{ n }] = await this.db.select({ n: count() }).from(strategyExecutions).where(eq(strategyExecutions.strategyId, strategyId));
    const rows = await this.db
      .select()
      .from(strategyExecutions)
      .where(eq(strategyExecutions.strategyId, strategyId))
      .orderBy(desc(strategyExecutions.createdAt), desc(strategyExecutions.id))
      .limit(limit);
    return { total: Number(n), rows };
  }

  /** Runs `work` in one transaction (nothing half-saved when it throws). */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx as unknown as Db));
  }
}

export { isUniqueViolation };

/** `created_by = owner`, or `created_by IS NULL` for the anonymous / system owner. */
export function createdBy(owner: number | null): SQL {
  return owner === null ? isNull(strategies.createdBy) : eq(strategies.createdBy, owner);
}
