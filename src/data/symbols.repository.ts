import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { dataRequests, dataSymbols, indicatorData } from '../database/schema';
import { MarketDataRepository } from './market-data.repository';

export type SymbolRow = typeof dataSymbols.$inferSelect;
export type NewSymbol = Omit<typeof dataSymbols.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** `%`, `_` and `\` taken literally inside an ILIKE pattern. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class SymbolsRepository {
  constructor(
    private readonly database: Database,
    private readonly bars: MarketDataRepository,
  ) {}

  get db(): Db {
    return this.database.connection.db;
  }

  async list(limit: number, offset: number): Promise<{ count: number; rows: SymbolRow[] }> {
    const [{ n }] = await this.db.select({ n: count() }).from(dataSymbols);
    const rows = await this.db.select().from(dataSymbols).orderBy(asc(dataSymbols.symbol), asc(dataSymbols.id)).limit(limit).offset(offset);
    return { count: Number(n), rows };
  }

  /** Active symbols whose symbol or name contains `q` (any case), by symbol; at most `limit`. */
  async search(q: string, limit: number): Promise<SymbolRow[]> {
    const pattern = `%${likeEscape(q)}%`;
    return this.db
      .select()
      .from(dataSymbols)
      .where(and(eq(dataSymbols.isActive, true), or(ilike(dataSymbols.symbol, pattern), ilike(dataSymbols.name, pattern))))
      .orderBy(asc(dataSymbols.symbol))
      .limit(limit);
  }

  async byId(id: number, db: Db = this.db): Promise<SymbolRow | null> {
    const [row] = await db.select().from(dataSymbols).where(eq(dataSymbols.id, id));
    return row ?? null;
  }

  async bySymbol(symbol: string, db: Db = this.db): Promise<SymbolRow | null> {
    const [row] = await db.select().from(dataSymbols).where(eq(dataSymbols.symbol, symbol));
    return row ?? null;
  }

  async insert(v: NewSymbol): Promise<SymbolRow> {
    const [row] = await this.db.insert(dataSymbols).values(v).returning();
    return row;
  }

  /** The row for `v.symbol`, created with `v` when missing (concurrent callers get the same row). */
  async getOrCreate(v: NewSymbol, db: Db = this.db): Promise<{ row: SymbolRow; created: boolean }> {
    const [made] = await db.insert(dataSymbols).values(v).onConflictDoNothing({ target: dataSymbols.symbol }).returning();
    if (made) return { row: made, created: true };
    return { row: (await this.bySymbol(v.symbol, db))!, created: false };
  }

  /** Inserts the symbols not stored yet, in one statement; returns the new rows (by symbol). */
  async createMissing(values: NewSymbol[]): Promise<SymbolRow[]> {
    if (values.length === 0) return [];
    const rows = await this.db.insert(dataSymbols).values(values).onConflictDoNothing({ target: dataSymbols.symbol }).returning();
    return rows.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async update(id: number, v: Partial<NewSymbol>): Promise<SymbolRow> {
    const [row] = await this.db
      .update(dataSymbols)
      .set({ ...v, updatedAt: sql`now()` })
      .where(eq(dataSymbols.id, id))
      .returning();
    return row;
  }

  /** Deletes a symbol with everything that points at it (Django's CASCADE), in one transaction. */
  async delete(id: number): Promise<void> {
    await this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      await this.bars.deleteForSymbol(tx, id);
      await tx.delete(indicatorData).where(eq(indicatorData.symbolId, id));
      await tx.delete(dataRequests).where(eq(dataRequests.symbolId, id));
      await tx.delete(dataSymbols).where(eq(dataSymbols.id, id));
    });
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db.select({ n: count() }).from(dataSymbols);
    return Number(n);
  }

  /** symbol id → symbol text for `ids`. */
  async names(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: dataSymbols.id, s: dataSymbols.symbol })
      .from(dataSymbols)
      .where(inArray(dataSymbols.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, r.s]));
  }
}
