import { Injectable } from '@nestjs/common';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { productionSandboxRuns } from '../database/schema';

export type SandboxRunRow = typeof productionSandboxRuns.$inferSelect;
export type NewSandboxRun = Omit<typeof productionSandboxRuns.$inferInsert, 'id' | 'createdAt'>;
export type SandboxRunKind = 'strategy_test' | 'backtest';

/** Sandboxed test runs and sandboxed backtests with their full answers; status queued | running | completed | failed. */
@Injectable()
export class SandboxRunsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  async create(v: NewSandboxRun, tx: Db = this.db): Promise<SandboxRunRow> {
    const [row] = await tx.insert(productionSandboxRuns).values(v).returning();
    return row;
  }

  async update(id: number, changes: Partial<NewSandboxRun>, tx: Db = this.db): Promise<SandboxRunRow> {
    const [row] = await tx.update(productionSandboxRuns).set(changes).where(eq(productionSandboxRuns.id, id)).returning();
    return row;
  }

  async byId(id: number, kind?: SandboxRunKind): Promise<SandboxRunRow | null> {
    const where = kind ? and(eq(productionSandboxRuns.id, id), eq(productionSandboxRuns.kind, kind)) : eq(productionSandboxRuns.id, id);
    const [row] = await this.db.select().from(productionSandboxRuns).where(where);
    return row ?? null;
  }

  /** The newest finished sandbox test (passed or not) of exactly this code, or null. Backtests do not count. */
  async latestFinished(strategyId: number, codeHash: string, tx: Db = this.db): Promise<SandboxRunRow | null> {
    const [row] = await tx
      .select()
      .from(productionSandboxRuns)
      .where(
        and(
          eq(productionSandboxRuns.strategyId, strategyId),
          eq(productionSandboxRuns.kind, 'strategy_test'),
          eq(productionSandboxRuns.codeHash, codeHash),
          inArray(productionSandboxRuns.status, ['completed', 'failed']),
        ),
      )
      .orderBy(desc(productionSandboxRuns.id))
      .limit(1);
    return row ?? null;
  }
}
