import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, inArray, SQL } from 'drizzle-orm';
import type { AuthUser } from '../../auth/current-user.decorator';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import { strategies, strategyTagLinks, strategyTags } from '../../database/schema';
import { ownedBy } from '../../auth/ownership';

export type TagRow = typeof strategyTags.$inferSelect;
export type NewTag = Omit<typeof strategyTags.$inferInsert, 'id' | 'createdAt'>;

/** Tags (shared by everyone) and their links to strategies (seen only through strategies the caller can see). */
@Injectable()
export class TagsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  async list(limit: number, offset: number): Promise<{ count: number; rows: TagRow[] }> {
    const [{ n }] = await this.db.select({ n: count() }).from(strategyTags);
    const rows = await this.db
      .select()
      .from(strategyTags)
      .orderBy(asc(strategyTags.name), asc(strategyTags.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async byId(id: number, tx: Db = this.db): Promise<TagRow | null> {
    const [row] = await tx.select().from(strategyTags).where(eq(strategyTags.id, id));
    return row ?? null;
  }

  /** tag id → ids of its strategies `user` can see, ascending. */
  async visibleLinks(user: AuthUser, tagIds: number[], tx: Db = this.db): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>(tagIds.map((id) => [id, []]));
    if (tagIds.length === 0) return out;
    const conds = [inArray(strategyTagLinks.tagId, tagIds), ownedBy(user, strategies.createdBy)].filter((c): c is SQL => c !== undefined);
    const rows = await tx
      .select({ tagId: strategyTagLinks.tagId, strategyId: strategyTagLinks.strategyId })
      .from(strategyTagLinks)
      .innerJoin(strategies, eq(strategies.id, strategyTagLinks.strategyId))
      .where(and(...conds))
      .orderBy(asc(strategyTagLinks.strategyId));
    for (const r of rows) out.get(r.tagId)!.push(r.strategyId);
    return out;
  }

  /** Creates a tag with links to `strategyIds`, in one transaction. */
  async create(v: NewTag, strategyIds: number[]): Promise<TagRow> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [row] = await tx.insert(strategyTags).values(v).returning();
      if (strategyIds.length) await tx.insert(strategyTagLinks).values(strategyIds.map((strategyId) => ({ tagId: row.id, strategyId })));
      return row;
    });
  }

  /**
   * Changes a tag; with `strategyIds`, replaces the links to the strategies `user` can see by those
   * (links to strategies they cannot see stay as they are).
   */
  async update(user: AuthUser, id: number, changes: Partial<NewTag>, strategyIds: number[] | undefined): Promise<TagRow> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      if (Object.keys(changes).length) await tx.update(strategyTags).set(changes).where(eq(strategyTags.id, id));
      if (strategyIds) {
        const current = (await this.visibleLinks(user, [id], tx)).get(id)!;
        const gone = current.filter((s) => !strategyIds.includes(s));
        if (gone.length)
          await tx.delete(strategyTagLinks).where(and(eq(strategyTagLinks.tagId, id), inArray(strategyTagLinks.strategyId, gone)));
        const added = strategyIds.filter((s) => !current.includes(s));
        if (added.length)
          await tx
            .insert(strategyTagLinks)
            .values(added.map((strategyId) => ({ tagId: id, strategyId })))
            .onConflictDoNothing();
      }
      return (await this.byId(id, tx))!;
    });
  }

  async delete(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(strategyTagLinks).where(eq(strategyTagLinks.tagId, id));
      await tx.delete(strategyTags).where(eq(strategyTags.id, id));
    });
  }

  /** The ids among `ids` that are strategies `user` can see. */
  async visibleStrategyIds(user: AuthUser, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const conds = [inArray(strategies.id, ids), ownedBy(user, strategies.createdBy)].filter((c): c is SQL => c !== undefined);
    const rows = await this.db
      .select({ id: strategies.id })
      .from(strategies)
      .where(and(...conds));
    return rows.map((r) => r.id);
  }
}
