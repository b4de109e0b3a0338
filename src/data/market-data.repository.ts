import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, gte, inArray, lte, SQL, sql } from 'drizzle-orm';
import type { Bar } from '../backtest/engine/types';
import { Database } from '../database/database.module';
import { selectRows, type Db } from '../database/database';
import { dataSymbols, marketData, marketDataCoverage } from '../database/schema';

export type MarketDataRow = typeof marketData.$inferSelect;
export type NewMarketDataRow = Omit<typeof marketData.$inferInsert, 'id' | 'createdAt'>;
export type CoverageRow = typeof marketDataCoverage.$inferSelect;

export interface MarketDataFilter {
  symbol?: string;
  interval?: string;
  from?: Date;
  to?: Date;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** Decimal text PostgreSQL `numeric(20,6)` takes (prices are finite; the engine's bars are checked upstream). */
const dec = (v: number): string => v.toFixed(6);

/**
 * Stored bars. Reads go through the (symbol_id, interval, timestamp) unique index; writes are batched
 * `INSERT … ON CONFLICT DO UPDATE` that only touches rows whose values changed, so fetching the same range
 * twice stores each bar once and rewrites nothing.
 */
@Injectable()
export class MarketDataRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  /**
   * Conditions on `market_data` alone (the symbol resolved to its id first), so the count and the page use the
   * (symbol_id, interval, timestamp) index — or the timestamp index without a symbol — and never a join.
   */
  private async where(f: MarketDataFilter): Promise<SQL | undefined | null> {
    const conds: SQL[] = [];
    if (f.symbol !== undefined) {
      const [row] = await this.db.select({ id: dataSymbols.id }).from(dataSymbols).where(eq(dataSymbols.symbol, f.symbol));
      if (!row) return null;
      conds.push(eq(marketData.symbolId, row.id));
    }
    if (f.interval !== undefined) conds.push(eq(marketData.interval, f.interval));
    if (f.from) conds.push(gte(marketData.timestamp, f.from));
    if (f.to) conds.push(lte(marketData.timestamp, f.to));
    return conds.length ? and(...conds) : undefined;
  }

  async list(
    f: MarketDataFilter,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: Array<MarketDataRow & { symbolName: string }> }> {
    const where = await this.where(f);
    if (where === null) return { count: 0, rows: [] };
    const [{ n }] = await this.db.select({ n: count() }).from(marketData).where(where);
    // The page without a join (the planner may otherwise join every matching row before the LIMIT), then its symbols.
    const rows = await this.db
      .select()
      .from(marketData)
      .where(where)
      .orderBy(asc(marketData.timestamp), asc(marketData.id))
      .limit(limit)
      .offset(offset);
    const ids = [...new Set(rows.map((r) => r.symbolId))];
    const names = ids.length
      ? new Map(
          (await this.db.select({ id: dataSymbols.id, s: dataSymbols.symbol }).from(dataSymbols).where(inArray(dataSymbols.id, ids))).map(
            (r) => [r.id, r.s],
          ),
        )
      : new Map<number, string>();
    return { count: Number(n), rows: rows.map((r) => ({ ...r, symbolName: names.get(r.symbolId) ?? '' })) };
  }

  async byId(id: number): Promise<(MarketDataRow & { symbolName: string }) | null> {
    const [r] = await this.db
      .select({ row: marketData, symbolName: dataSymbols.symbol })
      .from(marketData)
      .innerJoin(dataSymbols, eq(dataSymbols.id, marketData.symbolId))
      .where(eq(marketData.id, id));
    return r ? { ...r.row, symbolName: r.symbolName } : null;
  }

  async insert(v: NewMarketDataRow): Promise<MarketDataRow> {
    const [row] = await this.db.insert(marketData).values(v).returning();
    return row;
  }

  async update(id: number, v: Partial<NewMarketDataRow>): Promise<void> {
    if (Object.keys(v).length) await this.db.update(marketData).set(v).where(eq(marketData.id, id));
  }

  async delete(id: number): Promise<void> {
    await this.db.delete(marketData).where(eq(marketData.id, id));
  }

  /** Bars of one symbol and interval with `from ≤ time ≤ to` (each bound optional), ascending: the backtests' range query. */
  async bars(symbolId: number, interval: string, from?: Date, to?: Date, db: Db = this.db): Promise<Bar[]> {
    // Numbers come back as float8 (no numeric text to parse per field); times as epoch milliseconds.
    const rows = await selectRows<{ t: number; o: number; h: number; l: number; c: number; v: number }>(
      db,
      sql`SELECT (extract(epoch FROM ${marketData.timestamp}) * 1000)::float8 AS t, ${marketData.openPrice}::float8 AS o,
            ${marketData.highPrice}::float8 AS h, ${marketData.lowPrice}::float8 AS l, ${marketData.closePrice}::float8 AS c,
            ${marketData.volume}::float8 AS v
          FROM ${marketData}
          WHERE ${marketData.symbolId} = ${symbolId} AND ${marketData.interval} = ${interval}
            ${from ? sql`AND ${marketData.timestamp} >= ${from.toISOString()}::timestamptz` : sql``}
            ${to ? sql`AND ${marketData.timestamp} <= ${to.toISOString()}::timestamptz` : sql``}
          ORDER BY ${marketData.timestamp}`,
    );
    return rows.map((r) => ({ time: r.t, open: r.o, high: r.h, low: r.l, close: r.c, volume: r.v }));
  }

  /** Every bar of one symbol and interval, ascending (calculate_indicator's input). */
  async allBars(symbolId: number, interval: string): Promise<Bar[]> {
    return this.bars(symbolId, interval);
  }

  async hasBars(symbolId: number, interval: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: marketData.id })
      .from(marketData)
      .where(and(eq(marketData.symbolId, symbolId), eq(marketData.interval, interval)))
      .limit(1);
    return rows.length > 0;
  }

  /** Upserts `bars` in batches of `batch` rows inside `tx`; counts new rows and rows whose values changed. */
  async upsertBars(tx: Db, symbolId: number, interval: string, bars: readonly Bar[], batch: number): Promise<UpsertCounts> {
    const counts: UpsertCounts = { inserted: 0, updated: 0 };
    for (let i = 0; i < bars.length; i += batch) {
      const values = bars.slice(i, i + batch).map((b) => ({
        symbolId,
        interval,
        timestamp: new Date(b.time),
        openPrice: dec(b.open),
        highPrice: dec(b.high),
        lowPrice: dec(b.low),
        closePrice: dec(b.close),
        volume: Math.round(b.volume),
        adjClose: dec(b.close),
      }));
      const ex = (column: string) => sql.raw(`excluded.${column}`);
      const rows = await tx
        .insert(marketData)
        .values(values)
        .onConflictDoUpdate({
          target: [marketData.symbolId, marketData.interval, marketData.timestamp],
          set: {
            openPrice: ex('open_price'),
            highPrice: ex('high_price'),
            lowPrice: ex('low_price'),
            closePrice: ex('close_price'),
            volume: ex('volume'),
            adjClose: ex('adj_close'),
          },
          setWhere: sql`(${marketData.openPrice}, ${marketData.highPrice}, ${marketData.lowPrice}, ${marketData.closePrice},
              ${marketData.volume})
            IS DISTINCT FROM
            (excluded.open_price, excluded.high_price, excluded.low_price, excluded.close_price, excluded.volume)`,
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const r of rows) {
        if (r.inserted) counts.inserted++;
        else counts.updated++;
      }
    }
    return counts;
  }

  async coverage(symbol: string, interval: string, source: string): Promise<(CoverageRow & { symbolId: number }) | null> {
    const [row] = await this.db
      .select({ c: marketDataCoverage })
      .from(marketDataCoverage)
      .innerJoin(dataSymbols, eq(dataSymbols.id, marketDataCoverage.symbolId))
      .where(and(eq(dataSymbols.symbol, symbol), eq(marketDataCoverage.interval, interval), eq(marketDataCoverage.source, source)));
    return row?.c ?? null;
  }

  async saveCoverage(tx: Db, c: CoverageRow): Promise<void> {
    const set = { days: c.days, firstBar: c.firstBar, lastBar: c.lastBar, bars: c.bars, synthetic: c.synthetic, fetchedAt: c.fetchedAt };
    await tx
      .insert(marketDataCoverage)
      .values(c)
      .onConflictDoUpdate({ target: [marketDataCoverage.symbolId, marketDataCoverage.interval, marketDataCoverage.source], set });
  }

  async deleteForSymbol(tx: Db, symbolId: number): Promise<void> {
    await tx.delete(marketData).where(eq(marketData.symbolId, symbolId));
    await tx.delete(marketDataCoverage).where(eq(marketDataCoverage.symbolId, symbolId));
  }
}
