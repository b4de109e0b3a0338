import { Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import { strategyLifecycles, strategyVersions } from '../../database/schema';
import { codeHash } from '../core/content-hash';

export type VersionRow = typeof strategyVersions.$inferSelect;
export type NewVersion = Omit<typeof strategyVersions.$inferInsert, 'id' | 'number' | 'createdAt'>;

/** Immutable strategy versions: inserted, read, never updated or deleted. */
@Injectable()
export class StrategyVersionsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  /** Inserts the next numbered version (1, 2, …). Call inside the transaction that holds the lifecycle row lock. */
  async create(v: NewVersion, tx: Db): Promise<VersionRow> {
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${strategyVersions.number}), 0) + 1` })
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, v.strategyId));
    const [row] = await tx
      .insert(strategyVersions)
      .values({ ...v, number: Number(next) })
      .returning();
    return row;
  }

  async list(strategyId: number): Promise<VersionRow[]> {
    return this.db
      .select()
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, strategyId))
      .orderBy(desc(strategyVersions.number));
  }

  async byNumber(strategyId: number, number: number, tx: Db = this.db): Promise<VersionRow | null> {
    const [row] = await tx
      .select()
      .from(strategyVersions)
      .where(and(eq(strategyVersions.strategyId, strategyId), eq(strategyVersions.number, number)));
    return row ?? null;
  }

  async byTag(strategyId: number, tag: string, tx: Db = this.db): Promise<VersionRow | null> {
    const [row] = await tx
      .select()
      .from(strategyVersions)
      .where(and(eq(strategyVersions.strategyId, strategyId), eq(strategyVersions.tag, tag)));
    return row ?? null;
  }

  /** Versions whose content hash starts with `prefix` (at most 2: enough to tell ambiguity). */
  async byHashPrefix(strategyId: number, prefix: string, tx: Db = this.db): Promise<VersionRow[]> {
    return tx
      .select()
      .from(strategyVersions)
      .where(and(eq(strategyVersions.strategyId, strategyId), sql`left(${strategyVersions.contentHash}, ${prefix.length}) = ${prefix}`))
      .limit(2);
  }

  /**
   * The number of the version a run of `code` runs: the current version when its code is exactly `code`,
   * else the newest version with exactly that code; null when no version has it.
   */
  async numberForCode(strategyId: number, code: string): Promise<number | null> {
    const [row] = await this.db
      .select({ number: strategyVersions.number })
      .from(strategyVersions)
      .leftJoin(strategyLifecycles, eq(strategyLifecycles.strategyId, strategyVersions.strategyId))
      .where(and(eq(strategyVersions.strategyId, strategyId), eq(strategyVersions.codeHash, codeHash(code))))
      .orderBy(sql`(${strategyVersions.number} = ${strategyLifecycles.currentVersion}) is true desc`, desc(strategyVersions.number))
      .limit(1);
    return row?.number ?? null;
  }
}
