import { Injectable } from '@nestjs/common';
import { and, asc, eq, gt, max } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { aiDevRunEvents, aiDevRuns } from '../database/schema';
import type { RunEvent, RunStep } from './run-events';

export type RunRow = typeof aiDevRuns.$inferSelect;
export type RunStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

@Injectable()
export class RunsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  async create(v: Pick<RunRow, 'id' | 'userId' | 'description' | 'strategyName' | 'autoFix' | 'maxIterations'>): Promise<RunRow> {
    const [row] = await this.db
      .insert(aiDevRuns)
      .values({ ...v, status: 'queued', step: 'generate', progress: 0 })
      .returning();
    return row;
  }

  async byId(id: string): Promise<RunRow | null> {
    const [row] = await this.db.select().from(aiDevRuns).where(eq(aiDevRuns.id, id));
    return row ?? null;
  }

  async update(
    id: string,
    changes: Partial<Pick<RunRow, 'status' | 'step' | 'progress' | 'iterations' | 'botId' | 'result'>>,
  ): Promise<void> {
    await this.db
      .update(aiDevRuns)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(aiDevRuns.id, id));
  }

  async addEvent(runId: string, e: RunEvent): Promise<void> {
    await this.db.insert(aiDevRunEvents).values({
      runId,
      seq: e.seq,
      step: e.step,
      progress: e.progress,
      message: e.message,
      data: e.data ?? null,
      createdAt: new Date(e.at),
    });
  }

  async eventsAfter(runId: string, afterSeq: number): Promise<RunEvent[]> {
    const rows = await this.db
      .select()
      .from(aiDevRunEvents)
      .where(and(eq(aiDevRunEvents.runId, runId), gt(aiDevRunEvents.seq, afterSeq)))
      .orderBy(asc(aiDevRunEvents.seq));
    return rows.map((r) => ({
      seq: r.seq,
      step: r.step as RunStep,
      progress: r.progress,
      message: r.message,
      data: r.data,
      at: r.createdAt.toISOString(),
    }));
  }

  /** The last stored event's seq (0 before the first): a resumed run numbers on from it. */
  async lastSeq(runId: string): Promise<number> {
    const [row] = await this.db
      .select({ seq: max(aiDevRunEvents.seq) })
      .from(aiDevRunEvents)
      .where(eq(aiDevRunEvents.runId, runId));
    return row?.seq ?? 0;
  }

  /** Removes a run that could not be queued (it has no events yet). */
  async remove(id: string): Promise<void> {
    await this.db.delete(aiDevRuns).where(eq(aiDevRuns.id, id));
  }
}
