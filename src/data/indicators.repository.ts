import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, SQL } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { dataIndicators, dataSymbols, indicatorData } from '../database/schema';

export type IndicatorRow = typeof dataIndicators.$inferSelect;
export type NewIndicator = Omit<typeof dataIndicators.$inferInsert, 'id' | 'createdAt'>;
export type IndicatorDataRow = typeof indicatorData.$inferSelect & { symbolName: string; indicatorName: string };
export type NewIndicatorData = Omit<typeof indicatorData.$inferInsert, 'id' | 'createdAt'>;

export interface IndicatorDataFilter {
  symbol?: string;
  indicator?: string;
  interval?: string;
}

/** Indicator definitions and stored indicator values. */
@Injectable()
export class IndicatorsRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  async list(limit: number, offset: number): Promise<{ count: number; rows: IndicatorRow[] }> {
    const [{ n }] = await this.db.select({ n: count() }).from(dataIndicators);
    const rows = await this.db
      .select()
      .from(dataIndicators)
      .orderBy(asc(dataIndicators.category), asc(dataIndicators.name))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  /** Each category once, in order. */
  async categories(): Promise<string[]> {
    const rows = await this.db.selectDistinct({ c: dataIndicators.category }).from(dataIndicators).orderBy(asc(dataIndicators.category));
    return rows.map((r) => r.c);
  }

  async byId(id: number): Promise<IndicatorRow | null> {
    const [row] = await this.db.select().from(dataIndicators).where(eq(dataIndicators.id, id));
    return row ?? null;
  }

  async insert(v: NewIndicator): Promise<IndicatorRow> {
    const [row] = await this.db.insert(dataIndicators).values(v).returning();
    return row;
  }

  async update(id: number, v: Partial<NewIndicator>): Promise<IndicatorRow> {
    if (Object.keys(v).length === 0) return (await this.byId(id))!;
    const [row] = await this.db.update(dataIndicators).set(v).where(eq(dataIndicators.id, id)).returning();
    return row;
  }

  async delete(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(indicatorData).where(eq(indicatorData.indicatorId, id));
      await tx.delete(dataIndicators).where(eq(dataIndicators.id, id));
    });
  }

  private selectData() {
    return this.db
      .select({ row: indicatorData, symbolName: dataSymbols.symbol, indicatorName: dataIndicators.name })
      .from(indicatorData)
      .innerJoin(dataSymbols, eq(dataSymbols.id, indicatorData.symbolId))
      .innerJoin(dataIndicators, eq(dataIndicators.id, indicatorData.indicatorId));
  }

  async listData(f: IndicatorDataFilter, limit: number, offset: number): Promise<{ count: number; rows: IndicatorDataRow[] }> {
    const conds: SQL[] = [];
    if (f.symbol !== undefined) conds.push(eq(dataSymbols.symbol, f.symbol));
    if (f.indicator !== undefined) conds.push(eq(dataIndicators.name, f.indicator));
    if (f.interval !== undefined) conds.push(eq(indicatorData.interval, f.interval));
    const where = conds.length ? and(...conds) : undefined;
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(indicatorData)
      .innerJoin(dataSymbols, eq(dataSymbols.id, indicatorData.symbolId))
      .innerJoin(dataIndicators, eq(dataIndicators.id, indicatorData.indicatorId))
      .where(where);
    const rows = await this.selectData()
      .where(where)
      .orderBy(asc(indicatorData.timestamp), asc(indicatorData.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows: rows.map((r) => ({ ...r.row, symbolName: r.symbolName, indicatorName: r.indicatorName })) };
  }

  async dataById(id: number): Promise<IndicatorDataRow | null> {
    const [r] = await this.selectData().where(eq(indicatorData.id, id));
    return r ? { ...r.row, symbolName: r.symbolName, indicatorName: r.indicatorName } : null;
  }

  async insertData(v: NewIndicatorData): Promise<number> {
    const [row] = await this.db.insert(indicatorData).values(v).returning({ id: indicatorData.id });
    return row.id;
  }

  async updateData(id: number, v: Partial<NewIndicatorData>): Promise<void> {
    if (Object.keys(v).length) await this.db.update(indicatorData).set(v).where(eq(indicatorData.id, id));
  }

  async deleteData(id: number): Promise<void> {
    await this.db.delete(indicatorData).where(eq(indicatorData.id, id));
  }
}
