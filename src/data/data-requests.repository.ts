import { Injectable } from '@nestjs/common';
import { count, desc, eq, SQL } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { dataRequests, dataSymbols } from '../database/schema';

export type DataRequestRow = typeof dataRequests.$inferSelect & { symbolName: string };
export type NewDataRequest = Omit<typeof dataRequests.$inferInsert, 'id' | 'createdAt'>;

@Injectable()
export class DataRequestsRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  private select(db: Db) {
    return db
      .select({ row: dataRequests, symbolName: dataSymbols.symbol })
      .from(dataRequests)
      .innerJoin(dataSymbols, eq(dataSymbols.id, dataRequests.symbolId));
  }

  /** Newest first; `where` limits to one requester (non-staff callers). */
  async list(where: SQL | undefined, limit: number, offset: number): Promise<{ count: number; rows: DataRequestRow[] }> {
    const [{ n }] = await this.db.select({ n: count() }).from(dataRequests).where(where);
    const rows = await this.select(this.db)
      .where(where)
      .orderBy(desc(dataRequests.createdAt), desc(dataRequests.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows: rows.map((r) => ({ ...r.row, symbolName: r.symbolName })) };
  }

  async byId(id: number, db: Db = this.db): Promise<DataRequestRow | null> {
    const [r] = await this.select(db).where(eq(dataRequests.id, id));
    return r ? { ...r.row, symbolName: r.symbolName } : null;
  }

  async insert(v: NewDataRequest, db: Db = this.db): Promise<number> {
    const [row] = await db.insert(dataRequests).values(v).returning({ id: dataRequests.id });
    return row.id;
  }

  async update(id: number, v: Partial<NewDataRequest>, db: Db = this.db): Promise<void> {
    if (Object.keys(v).length) await db.update(dataRequests).set(v).where(eq(dataRequests.id, id));
  }

  async delete(id: number): Promise<void> {
    await this.db.delete(dataRequests).where(eq(dataRequests.id, id));
  }
}

export const byRequester = (userId: number): SQL => eq(dataRequests.requestedBy, userId);
