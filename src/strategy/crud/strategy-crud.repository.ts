import { Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import {
  chatSessions,
  botPerformance,
  botTestRuns,
  latestBacktestResults,
  strategies,
  strategyComments,
  strategyExecutions,
  strategyPerformance,
  strategyTagLinks,
  strategyTemplates,
  strategyValidations,
  users,
} from '../../database/schema';
import { createdBy, type StrategyRow } from '../strategies.repository';

/** `validation_status` and `latest_performance` of a strategy list item (decimals as strings, as DRF sent them). */
export interface LatestSummary {
  validation_status: { status: string; score: string | null; created_at: string } | null;
  latest_performance: {
    total_return: string | null;
    sharpe_ratio: string | null;
    max_drawdown: string | null;
    win_rate: string | null;
    created_at: string;
  } | null;
}

export type ValidationRow = typeof strategyValidations.$inferSelect;
export type NewValidation = Omit<typeof strategyValidations.$inferInsert, 'id' | 'createdAt'>;
export type PerformanceRow = typeof strategyPerformance.$inferSelect;

/** What a strategy's JSON shows besides its own columns. */
export interface StrategyLabels {
  createdByUsername: string | null;
  templateName: string | null;
}

/** The queries the strategy CRUD endpoints need beyond the shared `StrategiesRepository`. */
@Injectable()
export class StrategyCrudRepository {
  constructor(private readonly database: Database) {}

  get db(): Db {
    return this.database.connection.db;
  }

  /** Creator usernames and template names of `rows`, by strategy id (two queries, whatever the count). */
  async labels(rows: StrategyRow[], tx: Db = this.db): Promise<Map<number, StrategyLabels>> {
    const userIds = [...new Set(rows.map((r) => r.createdBy).filter((id): id is number => id != null))];
    const templateIds = [...new Set(rows.map((r) => r.templateId).filter((id): id is number => id != null))];
    const names = new Map<number, string>();
    const templates = new Map<number, string>();
    if (userIds.length) {
      for (const u of await tx.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, userIds)))
        names.set(u.id, u.username);
    }
    if (templateIds.length) {
      for (const t of await tx
        .select({ id: strategyTemplates.id, name: strategyTemplates.name })
        .from(strategyTemplates)
        .where(inArray(strategyTemplates.id, templateIds))) {
        templates.set(t.id, t.name);
      }
    }
    return new Map(
      rows.map((r) => [
        r.id,
        {
          createdByUsername: r.createdBy != null ? (names.get(r.createdBy) ?? null) : null,
          templateName: r.templateId != null ? (templates.get(r.templateId) ?? null) : null,
        },
      ]),
    );
  }

  /**
   * Django's StrategyListSerializer extras: per strategy its newest validation (status, score) and newest
   * performance record (returns, ratios), in two queries.
   */
  async latestSummaries(ids: number[], tx: Db = this.db): Promise<Map<number, LatestSummary>> {
    const out = new Map<number, LatestSummary>(ids.map((id) => [id, { validation_status: null, latest_performance: null }]));
    if (ids.length === 0) return out;
    const v = strategyValidations;
    const validations = await tx
      .selectDistinctOn([v.strategyId], { strategyId: v.strategyId, status: v.status, score: v.score, createdAt: v.createdAt })
      .from(v)
      .where(inArray(v.strategyId, ids))
      .orderBy(v.strategyId, desc(v.createdAt), desc(v.id));
    for (const r of validations)
      out.get(r.strategyId)!.validation_status = { status: r.status, score: r.score, created_at: r.createdAt.toISOString() };
    const p = strategyPerformance;
    const records = await tx
      .selectDistinctOn([p.strategyId], {
        strategyId: p.strategyId,
        totalReturn: p.totalReturn,
        sharpeRatio: p.sharpeRatio,
        maxDrawdown: p.maxDrawdown,
        winRate: p.winRate,
        createdAt: p.createdAt,
      })
      .from(p)
      .where(inArray(p.strategyId, ids))
      .orderBy(p.strategyId, desc(p.createdAt), desc(p.id));
    for (const r of records) {
      out.get(r.strategyId)!.latest_performance = {
        total_return: r.totalReturn,
        sharpe_ratio: r.sharpeRatio,
        max_drawdown: r.maxDrawdown,
        win_rate: r.winRate,
        created_at: r.createdAt.toISOString(),
      };
    }
    return out;
  }

  /** Whether another strategy of `owner` than `exceptId` holds (name, version). */
  async nameVersionTakenByOther(owner: number | null, name: string, version: string, exceptId: number): Promise<boolean> {
    const [row] = await this.db
      .select({ id: strategies.id })
      .from(strategies)
      .where(and(createdBy(owner), eq(strategies.name, name), eq(strategies.version, version), ne(strategies.id, exceptId)));
    return Boolean(row);
  }

  async insertValidations(values: NewValidation[], tx: Db = this.db): Promise<ValidationRow[]> {
    if (values.length === 0) return [];
    return tx.insert(strategyValidations).values(values).returning();
  }

  /** Newest first, at most `limit`. */
  async validations(strategyId: number, limit: number): Promise<ValidationRow[]> {
    return this.db
      .select()
      .from(strategyValidations)
      .where(eq(strategyValidations.strategyId, strategyId))
      .orderBy(desc(strategyValidations.createdAt), desc(strategyValidations.id))
      .limit(limit);
  }

  /** Newest first, at most `limit`. */
  async performance(strategyId: number, limit: number): Promise<PerformanceRow[]> {
    return this.db
      .select()
      .from(strategyPerformance)
      .where(eq(strategyPerformance.strategyId, strategyId))
      .orderBy(desc(strategyPerformance.createdAt), desc(strategyPerformance.id))
      .limit(limit);
  }

  /**
   * Deletes a strategy the way Django's foreign keys did, in one transaction: its validations, performance
   * records, comments, tag links, latest backtest and executions go with it (CASCADE); templates and chat
   * sessions pointing at it are unlinked (SET_NULL).
   */
  async deleteStrategy(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(strategyTemplates)
        // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
        .set({ linkedStrategyId: null, updatedAt: new Date() })
        .where(eq(strategyTemplates.linkedStrategyId, id));
      await tx.update(chatSessions).set({ strategyId: null }).where(eq(chatSessions.strategyId, id));
      await tx.delete(strategyValidations).where(eq(strategyValidations.strategyId, id));
      await tx.delete(strategyPerformance).where(eq(strategyPerformance.strategyId, id));
      await tx.delete(strategyComments).where(eq(strategyComments.strategyId, id));
      await tx.delete(strategyTagLinks).where(eq(strategyTagLinks.strategyId, id));
      await tx.delete(latestBacktestResults).where(eq(latestBacktestResults.strategyId, id));
      await tx.delete(strategyExecutions).where(eq(strategyExecutions.strategyId, id));
      await tx.delete(botPerformance).where(eq(botPerformance.strategyId, id));
      await tx.delete(botTestRuns).where(eq(botTestRuns.strategyId, id));
      await tx.delete(strategies).where(eq(strategies.id, id));
    });
  }
}
