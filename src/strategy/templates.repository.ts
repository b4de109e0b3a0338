import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, isNull, or, SQL } from 'drizzle-orm';
import type { AuthUser } from '../auth/current-user.decorator';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { strategyTemplates } from '../database/schema';
import { ownedBy } from '../auth/ownership';

export type TemplateRow = typeof strategyTemplates.$inferSelect;
export type NewTemplate = Omit<typeof strategyTemplates.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type TemplateChanges = Partial<Omit<NewTemplate, 'createdBy'>>;

@Injectable()
export class TemplatesRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  /** Inserts a template; a taken name becomes "name (2)", "name (3)"… when `uniquify` (the auto-template rule). */
  async create(v: NewTemplate, opts: { uniquify?: boolean } = {}, tx: Db = this.db): Promise<TemplateRow> {
    let name = v.name;
    if (opts.uniquify) {
      for (let n = 2; await this.nameTaken(v.createdBy ?? null, name, tx); n++) name = `${v.name.slice(0, 190)} (${n})`;
    }
    const [row] = await tx
      .insert(strategyTemplates)
      .values({ ...v, name })
      .returning();
    return row;
  }

  /** Whether `owner` (null: the system templates) already has a template called `name`. */
  async nameTaken(owner: number | null, name: string, tx: Db = this.db): Promise<boolean> {
    const byOwner = owner === null ? isNull(strategyTemplates.createdBy) : eq(strategyTemplates.createdBy, owner);
    const [row] = await tx
      .select({ id: strategyTemplates.id })
      .from(strategyTemplates)
      .where(and(byOwner, eq(strategyTemplates.name, name)));
    return Boolean(row);
  }

  async byId(id: number, tx: Db = this.db): Promise<TemplateRow | null> {
    const [row] = await tx.select().from(strategyTemplates).where(eq(strategyTemplates.id, id));
    return row ?? null;
  }

  async update(id: number, changes: TemplateChanges, tx: Db = this.db): Promise<TemplateRow> {
    const [row] = await tx
      .update(strategyTemplates)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(strategyTemplates.id, id))
      .returning();
    return row;
  }

  async delete(id: number): Promise<void> {
    await this.db.delete(strategyTemplates).where(eq(strategyTemplates.id, id));
  }

  /** Ordered by category, name (as Django). System templates are visible to everyone. */
  async list(
    user: AuthUser,
    filters: { category?: string; isActive?: boolean },
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: TemplateRow[] }> {
    const conds: SQL[] = [];
    const own = ownedBy(user, strategyTemplates.createdBy);
    if (own) conds.push(or(own, eq(strategyTemplates.isSystemTemplate, true))!);
    if (filters.category) conds.push(eq(strategyTemplates.category, filters.category));
    if (filters.isActive !== undefined) conds.push(eq(strategyTemplates.isActive, filters.isActive));
    const where = conds.length > 0 ? and(...conds) : undefined;
    const [{ n }] = await this.db.select({ n: count() }).from(strategyTemplates).where(where);
    const rows = await this.db
      .select()
      .from(strategyTemplates)
      .where(where)
      .orderBy(asc(strategyTemplates.category), asc(strategyTemplates.name))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async categories(user: AuthUser): Promise<string[]> {
    const own = ownedBy(user, strategyTemplates.createdBy);
    const rows = await this.db
      .selectDistinct({ c: strategyTemplates.category })
      .from(strategyTemplates)
      .where(own ? or(own, eq(strategyTemplates.isSystemTemplate, true)) : undefined)
      .orderBy(asc(strategyTemplates.category));
    return rows.map((r) => r.c).filter(Boolean);
  }

  async countAll(): Promise<number> {
    const [{ n }] = await this.db.select({ n: count() }).from(strategyTemplates);
    return Number(n);
  }
}
