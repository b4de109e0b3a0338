import { Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, isNull, or, SQL, sql } from 'drizzle-orm';
import type { AuthUser } from '../../auth/current-user.decorator';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import { botPerformance, botTestRuns, strategies } from '../../database/schema';
import type { StrategyRow } from '../strategies.repository';
import { ownedBy } from '../../auth/ownership';

export type BotPerformanceRow = typeof botPerformance.$inferSelect;
/** A performance row with the name of its strategy (the lists and answers show both). */
export type NamedPerformanceRow = BotPerformanceRow & { strategyName: string };
export type BotTestRunRow = typeof botTestRuns.$inferSelect;
export type NewBotTestRun = Omit<typeof botTestRuns.$inferInsert, 'id'>;
/** Everything a finished verification writes (created_at stays, updated_at is `at`). */
export type PerformanceResult = Omit<typeof botPerformance.$inferInsert, 'strategyId' | 'createdAt' | 'updatedAt'>;

/** A coarse SQL pre-filter for bot modules; `looksLikeBot` (src/bots/core) through `StrategyBotsService.codeOf` decides. */
const BOT_MODULE_PATTERN = 'module\\.exports|exports\\.onBar';

const named = { ...getTableColumns(botPerformance), strategyName: strategies.name };

/**
 * Verification state (`bot_performance`, one row per strategy) and runs (`bot_test_runs`). Rows whose strategy
 * was deleted are never shown: every read joins `strategies` (there are no foreign keys, see schema.ts).
 */
@Injectable()
export class BotPerformanceRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  /** Most recently updated first, on strategies `user` can see. */
  async list(user: AuthUser, limit: number, offset: number): Promise<{ count: number; rows: NamedPerformanceRow[] }> {
    const where = ownedBy(user, strategies.createdBy);
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(botPerformance)
      .innerJoin(strategies, eq(strategies.id, botPerformance.strategyId))
      .where(where);
    const rows = await this.db
      .select(named)
      .from(botPerformance)
      .innerJoin(strategies, eq(strategies.id, botPerformance.strategyId))
      .where(where)
      .orderBy(desc(botPerformance.updatedAt), desc(botPerformance.strategyId))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  /** Verified bots `user` can see, best total return first (ties: lower strategy id first). */
  async verified(user: AuthUser): Promise<NamedPerformanceRow[]> {
    const own = ownedBy(user, strategies.createdBy);
    return this.db
      .select(named)
      .from(botPerformance)
      .innerJoin(strategies, eq(strategies.id, botPerformance.strategyId))
      .where(own ? and(eq(botPerformance.isVerified, true), own) : eq(botPerformance.isVerified, true))
      .orderBy(sql`${botPerformance.totalReturn} desc nulls last`, asc(botPerformance.strategyId));
  }

  /** A new untested row for the strategy; null when it already has one. */
  async createUntested(strategyId: number, verificationNotes: string, at: Date): Promise<NamedPerformanceRow | null> {
    const [row] = await this.db
      .insert(botPerformance)
      .values({ strategyId, verificationNotes, createdAt: at, updatedAt: at })
      .onConflictDoNothing({ target: botPerformance.strategyId })
      .returning({ strategyId: botPerformance.strategyId });
    return row ? this.byStrategy(row.strategyId) : null;
  }

  async setNotes(strategyId: number, verificationNotes: string, at: Date): Promise<NamedPerformanceRow | null> {
    await this.db.update(botPerformance).set({ verificationNotes, updatedAt: at }).where(eq(botPerformance.strategyId, strategyId));
    return this.byStrategy(strategyId);
  }

  /** Deletes the verdict; the strategy's runs (`test_history/`) stay. */
  async delete(strategyId: number): Promise<void> {
    await this.db.delete(botPerformance).where(eq(botPerformance.strategyId, strategyId));
  }

  async byStrategy(strategyId: number, tx: Db = this.db): Promise<NamedPerformanceRow | null> {
    const [row] = await tx
      .select(named)
      .from(botPerformance)
      .innerJoin(strategies, eq(strategies.id, botPerformance.strategyId))
      .where(eq(botPerformance.strategyId, strategyId));
    return row ?? null;
  }

  /**
   * Marks the strategy as being tested with this configuration (a new row starts unverified; an existing one
   * keeps its last figures and verdict until the run ends). Returns the row as it was before, to restore it
   * when the run cannot finish.
   */
  async markTesting(
    strategyId: number,
    config: Pick<PerformanceResult, 'symbol' | 'timeframe' | 'initialBalance' | 'commission'>,
    at: Date,
  ): Promise<BotPerformanceRow | null> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(botPerformance).where(eq(botPerformance.strategyId, strategyId)).for('update');
      await tx
        .insert(botPerformance)
        .values({ strategyId, ...config, status: 'testing', createdAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: botPerformance.strategyId, set: { status: 'testing', updatedAt: at } });
      return before ?? null;
    });
  }

  /** Puts back the row `markTesting` replaced (or removes the row it created). */
  async restore(strategyId: number, before: BotPerformanceRow | null): Promise<void> {
    if (before)
      await this.db
        .update(botPerformance)
        .set({ status: before.status, updatedAt: before.updatedAt })
        .where(eq(botPerformance.strategyId, strategyId));
    else await this.db.delete(botPerformance).where(eq(botPerformance.strategyId, strategyId));
  }

  /** Records the run and writes its verdict, together. */
  async finish(run: NewBotTestRun, result: PerformanceResult, at: Date): Promise<NamedPerformanceRow> {
    return this.db.transaction(async (tx) => {
      await tx.insert(botTestRuns).values(run);
      await tx
        .insert(botPerformance)
        .values({ strategyId: run.strategyId, ...result, createdAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: botPerformance.strategyId, set: { ...result, updatedAt: at } });
      return (await this.byStrategy(run.strategyId, tx))!;
    });
  }

  /** The strategy's runs, newest first. */
  async testRuns(strategyId: number, limit: number): Promise<BotTestRunRow[]> {
    return this.db
      .select()
      .from(botTestRuns)
      .where(eq(botTestRuns.strategyId, strategyId))
      .orderBy(desc(botTestRuns.startedAt), desc(botTestRuns.id))
      .limit(limit);
  }

  /**
   * The strategies `verify_all/` should test: visible to `user`, among `ids` when given, with a bot to run
   * (a linked bot, or code that looks like a bot module — the same test as `StrategyBotsService.codeOf`,
   * which stays the judge), and untested unless `forceRetest`. Never tested first, then the longest untested,
   * so that repeated calls work through more than `limit` strategies.
   */
  async toVerify(user: AuthUser, opts: { ids?: number[]; forceRetest: boolean; limit: number }): Promise<StrategyRow[]> {
    const conds: SQL[] = [or(isNotNull(strategies.botId), sql`${strategies.strategyCode} ~ ${BOT_MODULE_PATTERN}`)!];
    const own = ownedBy(user, strategies.createdBy);
    if (own) conds.push(own);
    if (opts.ids) conds.push(inArray(strategies.id, opts.ids));
    if (!opts.forceRetest) conds.push(or(isNull(botPerformance.strategyId), eq(botPerformance.status, 'untested'))!);
    const rows = await this.db
      .select({ strategy: getTableColumns(strategies) })
      .from(strategies)
      .leftJoin(botPerformance, eq(botPerformance.strategyId, strategies.id))
      .where(and(...conds))
      .orderBy(sql`${botPerformance.lastTestedAt} asc nulls first`, asc(strategies.id))
      .limit(opts.limit);
    return rows.map((r) => r.strategy);
  }

  /** Which of `ids` are strategies `user` can see. */
  async visibleIds(user: AuthUser, ids: number[]): Promise<Set<number>> {
    const own = ownedBy(user, strategies.createdBy);
    const rows = await this.db
      .select({ id: strategies.id })
      .from(strategies)
      .where(own ? and(inArray(strategies.id, ids), own) : inArray(strategies.id, ids));
    return new Set(rows.map((r) => r.id));
  }
}
