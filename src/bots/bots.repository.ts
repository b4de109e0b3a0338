import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { Database } from '../database/database.module';
import { isUniqueViolation, type Db } from '../database/database';
import { botErrorFixes, botFixAttempts, bots } from '../database/schema';
import { uniqueStem } from './core/bot-name';
import type { LearnedFix } from './core/error-learning';

export type BotRow = typeof bots.$inferSelect;
export type FixAttemptRow = typeof botFixAttempts.$inferSelect;

/** One attempt as the error fixer reports it (the API's snake_case), with the ISO time it was made. */
export interface FixAttemptReport {
  attempt: number;
  error_type: string;
  error_message: string;
  success: boolean;
  description: string;
  timestamp: string;
}

/** Bots, their fix attempts and the learned error → fix pairs. */
@Injectable()
export class BotsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  /**
   * Saves a new bot under `stem`, or `stem_2`, `stem_3`… when taken (by the database or by a file that
   * `fileTaken` reports). Retries on a concurrent insert of the same name.
   */
  async create(
    v: { userId: number | null; name: string; description: string; code: string },
    stem: string,
    fileTaken: (fileName: string) => boolean,
    tx?: Db,
  ): Promise<BotRow> {
    const db = tx ?? this.db;
    for (let tries = 0; ; tries++) {
      const sameStem = await db
        .select({ f: bots.fileName })
        .from(bots)
        .where(sql`left(${bots.fileName}, ${stem.length}) = ${stem}`);
      const existing = new Set(sameStem.map((r) => r.f));
      const fileName = uniqueStem(stem, (s) => existing.has(s) || fileTaken(s));
      try {
        const [row] = await db
          .insert(bots)
          .values({ ...v, fileName })
          .returning();
        return row;
      } catch (error) {
        // inside a caller's transaction a failed insert aborts it: no retry there
        if (tx || !isUniqueViolation(error) || tries >= 5) throw error;
      }
    }
  }

  async byId(id: number): Promise<BotRow | null> {
    const [row] = await this.db.select().from(bots).where(eq(bots.id, id));
    return row ?? null;
  }

  async update(
    id: number,
    changes: Partial<Pick<BotRow, 'code' | 'status' | 'lastError' | 'lastMetrics'>>,
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    now = new Date(),
    tx: Db = this.db,
  ): Promise<void> {
    await tx
      .update(bots)
      .set({ ...changes, updatedAt: now })
      .where(eq(bots.id, id));
  }

  async recordAttempt(
    v: { botId: number; attempt: number; errorType: string; errorMessage: string; success: boolean; description: string },
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    now = new Date(),
    tx: Db = this.db,
  ): Promise<FixAttemptRow> {
    const [row] = await tx
      .insert(botFixAttempts)
      .values({ ...v, errorMessage: v.errorMessage.slice(0, 4000), createdAt: now })
      .returning();
    return row;
  }

  /** Stores a reported attempt of the fix loop, dated when it was made. */
  recordFixAttempt(botId: number, a: FixAttemptReport, tx: Db = this.db): Promise<FixAttemptRow> {
    const v = {
      botId,
      attempt: a.attempt,
      errorType: a.error_type,
      errorMessage: a.error_message,
      success: a.success,
      description: a.description,
    };
    return this.recordAttempt(v, new Date(a.timestamp), tx);
  }

  async attempts(botId: number): Promise<FixAttemptRow[]> {
    return this.db
      .select()
      .from(botFixAttempts)
      .where(eq(botFixAttempts.botId, botId))
      .orderBy(asc(botFixAttempts.attempt), asc(botFixAttempts.id));
  }

  /** Learned fixes of one owner and error type, most seen first (at most 200). */
  async learnedFixes(owner: string, errorType: string): Promise<LearnedFix[]> {
    return this.db
      .select({
        errorType: botErrorFixes.errorType,
        signature: botErrorFixes.signature,
        errorMessage: botErrorFixes.errorMessage,
        fixExcerpt: botErrorFixes.fixExcerpt,
        timesSeen: botErrorFixes.timesSeen,
      })
      .from(botErrorFixes)
      .where(and(eq(botErrorFixes.owner, owner), eq(botErrorFixes.errorType, errorType)))
      .orderBy(desc(botErrorFixes.timesSeen), desc(botErrorFixes.updatedAt))
      .limit(200);
  }

  /** Stores an owner's error → fix pair; the same error type and signature again counts up and keeps the newest fix. */
  // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
  async learnFix(owner: string, fix: Omit<LearnedFix, 'timesSeen'>, now = new Date()): Promise<void> {
    const updated = await this.db
      .update(botErrorFixes)
      .set({ errorMessage: fix.errorMessage, fixExcerpt: fix.fixExcerpt, updatedAt: now, timesSeen: sqlIncrement() })
      .where(and(eq(botErrorFixes.owner, owner), eq(botErrorFixes.errorType, fix.errorType), eq(botErrorFixes.signature, fix.signature)))
      .returning({ id: botErrorFixes.id });
    if (updated.length > 0) return;
    try {
      await this.db.insert(botErrorFixes).values({ ...fix, owner, createdAt: now, updatedAt: now });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
}

function sqlIncrement() {
  return sql`${botErrorFixes.timesSeen} + 1`;
}
