import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, getTableColumns, isNull, or, SQL } from 'drizzle-orm';
import type { AuthUser } from '../auth/current-user.decorator';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { backtestConfigs, users } from '../database/schema';
import { ownedBy } from '../auth/ownership';

export type ConfigRow = typeof backtestConfigs.$inferSelect & { createdByUsername: string | null };
export type NewConfig = Omit<typeof backtestConfigs.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** Backtest configs; a user sees their own, and templates made by them or without an account. */
@Injectable()
export class ConfigsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  private select() {
    return this.db
      .select({ ...getTableColumns(backtestConfigs), createdByUsername: users.username })
      .from(backtestConfigs)
      .leftJoin(users, eq(users.id, backtestConfigs.createdBy));
  }

  async list(user: AuthUser, limit: number, offset: number): Promise<{ count: number; rows: ConfigRow[] }> {
    const where = ownedBy(user, backtestConfigs.createdBy);
    const [{ n }] = await this.db.select({ n: count() }).from(backtestConfigs).where(where);
    const rows = await this.select()
      .where(where)
      .orderBy(desc(backtestConfigs.createdAt), desc(backtestConfigs.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  /** Templates `user` may use: their own and those without an owner (staff: all). */
  async templates(user: AuthUser): Promise<ConfigRow[]> {
    const own = ownedBy(user, backtestConfigs.createdBy);
    const visible: SQL | undefined = own ? or(own, isNull(backtestConfigs.createdBy)) : undefined;
    return this.select()
      .where(and(eq(backtestConfigs.isTemplate, true), visible))
      .orderBy(desc(backtestConfigs.createdAt), desc(backtestConfigs.id));
  }

  async byId(id: number): Promise<ConfigRow | null> {
    const [row] = await this.select().where(eq(backtestConfigs.id, id));
    return row ?? null;
  }

  async create(v: NewConfig): Promise<ConfigRow> {
    const [{ id }] = await this.db.insert(backtestConfigs).values(v).returning({ id: backtestConfigs.id });
    return (await this.byId(id))!;
  }

  async update(id: number, changes: Partial<NewConfig>): Promise<ConfigRow> {
    await this.db
      .update(backtestConfigs)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(backtestConfigs.id, id));
    return (await this.byId(id))!;
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db.select({ n: count() }).from(backtestConfigs);
    return Number(n);
  }
}
