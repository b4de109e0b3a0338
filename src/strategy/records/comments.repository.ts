import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, getTableColumns, inArray, SQL } from 'drizzle-orm';
import type { AuthUser } from '../../auth/current-user.decorator';
import { Database } from '../../database/database.module';
import type { Db } from '../../database/database';
import { strategies, strategyComments, users } from '../../database/schema';
import { ownedBy } from '../../auth/ownership';

export type CommentRow = typeof strategyComments.$inferSelect & {
  authorUsername: string | null;
  ownerId: number | null;
  strategyName: string;
};
export type NewComment = Omit<typeof strategyComments.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type CommentChanges = Partial<Pick<NewComment, 'content' | 'rating' | 'isReview' | 'parentId'>>;

/** Comments with their author's username and their strategy's owner and name joined in. */
@Injectable()
export class CommentsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  private select() {
    return this.db
      .select({
        ...getTableColumns(strategyComments),
        authorUsername: users.username,
        ownerId: strategies.createdBy,
        strategyName: strategies.name,
      })
      .from(strategyComments)
      .innerJoin(strategies, eq(strategies.id, strategyComments.strategyId))
      .leftJoin(users, eq(users.id, strategyComments.authorId));
  }

  /** Newest first, on strategies `user` can see. */
  async list(
    user: AuthUser,
    strategyId: number | undefined,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: CommentRow[] }> {
    const conds = [
      ownedBy(user, strategies.createdBy),
      strategyId === undefined ? undefined : eq(strategyComments.strategyId, strategyId),
    ].filter((c): c is SQL => c !== undefined);
    const where = conds.length ? and(...conds) : undefined;
    const [{ n }] = await this.db
      .select({ n: count() })
      .from(strategyComments)
      .innerJoin(strategies, eq(strategies.id, strategyComments.strategyId))
      .where(where);
    const rows = await this.select()
      .where(where)
      .orderBy(desc(strategyComments.createdAt), desc(strategyComments.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async byId(id: number): Promise<CommentRow | null> {
    const [row] = await this.select().where(eq(strategyComments.id, id));
    return row ?? null;
  }

  async create(v: NewComment): Promise<CommentRow> {
    const [row] = await this.db.insert(strategyComments).values(v).returning({ id: strategyComments.id });
    return (await this.byId(row.id))!;
  }

  async update(id: number, changes: CommentChanges): Promise<CommentRow> {
    await this.db
      .update(strategyComments)
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(strategyComments.id, id));
    return (await this.byId(id))!;
  }

  /** Ids of the replies below `id`, at any depth. */
  async descendants(id: number): Promise<number[]> {
    const out: number[] = [];
    let frontier = [id];
    while (frontier.length > 0) {
      const rows = await this.db
        .select({ id: strategyComments.id })
        .from(strategyComments)
        .where(inArray(strategyComments.parentId, frontier));
      frontier = rows.map((r) => r.id).filter((x) => !out.includes(x) && x !== id);
      out.push(...frontier);
    }
    return out;
  }

  /** Deletes a comment and its replies (Django's CASCADE on `parent`). */
  async deleteWithReplies(id: number): Promise<void> {
    const ids = [id, ...(await this.descendants(id))];
    await this.db.delete(strategyComments).where(inArray(strategyComments.id, ids));
  }
}
