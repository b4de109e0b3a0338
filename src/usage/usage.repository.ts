import { Injectable } from '@nestjs/common';
import { and, eq, gte, lte, sql, SQL } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { geminiUsageDaily } from '../database/schema';

export interface UsageEvent {
  day: string;
  userKey: string;
  keyId: string;
  model: string;
  /** Calls counted by this event (several calls of one user, key and model are written as one). */
  requests: number;
  promptTokens: number;
  outputTokens: number;
}

export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  output_tokens: number;
}

export type UsageGroup = 'day' | 'user_key' | 'key_id' | 'model';

/** The port in front of the usage table (abstract class = DI token). */
export abstract class UsageRepository {
  abstract add(event: UsageEvent): Promise<void>;
  /** Sums between two UTC days (inclusive), optionally for one user, grouped by one column. */
  abstract sum(
    from: string,
    to: string,
    group: UsageGroup | null,
    userKey?: string,
  ): Promise<Array<UsageTotals & { group: string | null }>>;
}

const GROUP_COLUMNS = {
  day: geminiUsageDaily.day,
  user_key: geminiUsageDaily.userKey,
  key_id: geminiUsageDaily.keyId,
  model: geminiUsageDaily.model,
} as const;

/** Durable usage in PostgreSQL/PGlite: one atomic upsert per call, so replicas add up without a lost update. */
@Injectable()
export class SqlUsageRepository extends UsageRepository {
  constructor(private readonly database: Database) {
    super();
  }

  private get db(): Db {
    return this.database.connection.db;
  }

  async add(e: UsageEvent): Promise<void> {
    const t = geminiUsageDaily;
    await this.db
      .insert(t)
      .values({
        day: e.day,
        userKey: e.userKey,
        keyId: e.keyId,
        model: e.model,
        requests: e.requests,
        promptTokens: e.promptTokens,
        outputTokens: e.outputTokens,
      })
      .onConflictDoUpdate({
        target: [t.day, t.userKey, t.keyId, t.model],
        set: {
          requests: sql`${t.requests} + ${e.requests}`,
          promptTokens: sql`${t.promptTokens} + ${e.promptTokens}`,
          outputTokens: sql`${t.outputTokens} + ${e.outputTokens}`,
        },
      });
  }

  async sum(from: string, to: string, group: UsageGroup | null, userKey?: string): Promise<Array<UsageTotals & { group: string | null }>> {
    const t = geminiUsageDaily;
    const where: SQL[] = [gte(t.day, from), lte(t.day, to)];
    if (userKey !== undefined) where.push(eq(t.userKey, userKey));
    const column = group ? GROUP_COLUMNS[group] : null;
    const totals = {
      requests: sql<string>`coalesce(sum(${t.requests}), 0)`,
      prompt: sql<string>`coalesce(sum(${t.promptTokens}), 0)`,
      output: sql<string>`coalesce(sum(${t.outputTokens}), 0)`,
    };
    const base = this.db
      .select({ group: column ?? sql<null>`null`, ...totals })
      .from(t)
      .where(and(...where));
    const rows = column ? await base.groupBy(column).orderBy(column) : await base;
    return rows.map((r) => ({
      group: r.group === null ? null : String(r.group),
      requests: Number(r.requests),
      prompt_tokens: Number(r.prompt),
      output_tokens: Number(r.output),
    }));
  }
}
