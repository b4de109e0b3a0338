import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, SQL } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { aiContexts, users } from '../database/schema';

export type AiContextRow = typeof aiContexts.$inferSelect & { username: string };
export type AiContextChanges = Partial<
  Pick<typeof aiContexts.$inferSelect, 'sessionName' | 'instructions' | 'contextData' | 'isActive' | 'lastUsed'>
>;

/** AI contexts, with the owner's username joined in (no foreign keys, see schema.ts). */
@Injectable()
export class AiContextsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  private select() {
    return this.db
      .select({
        id: aiContexts.id,
        userId: aiContexts.userId,
        sessionName: aiContexts.sessionName,
        instructions: aiContexts.instructions,
        contextData: aiContexts.contextData,
        isActive: aiContexts.isActive,
        createdAt: aiContexts.createdAt,
        updatedAt: aiContexts.updatedAt,
        lastUsed: aiContexts.lastUsed,
        username: users.username,
      })
      .from(aiContexts)
      .innerJoin(users, eq(users.id, aiContexts.userId));
  }

  async byId(id: number): Promise<AiContextRow | null> {
    const [row] = await this.select().where(eq(aiContexts.id, id));
    return row ?? null;
  }

  /** `userId` undefined: every owner (staff). Newest `last_used` first. */
  async list(userId: number | undefined, limit: number, offset: number): Promise<{ count: number; rows: AiContextRow[] }> {
    const conds: SQL[] = [];
    if (userId !== undefined) conds.push(eq(aiContexts.userId, userId));
    const where = conds.length ? and(...conds) : undefined;
    const [{ n }] = await this.db.select({ n: count() }).from(aiContexts).where(where);
    const rows = await this.select().where(where).orderBy(desc(aiContexts.lastUsed), desc(aiContexts.id)).limit(limit).offset(offset);
    return { count: Number(n), rows };
  }

  async create(
    userId: number,
    v: { sessionName: string; instructions: string; contextData: Record<string, unknown>; isActive: boolean },
    now: Date,
  ): Promise<AiContextRow> {
    const [{ id }] = await this.db
      .insert(aiContexts)
      .values({ userId, ...v, createdAt: now, updatedAt: now, lastUsed: now })
      .returning({ id: aiContexts.id });
    return (await this.byId(id))!;
  }

  async update(id: number, changes: AiContextChanges, now: Date): Promise<AiContextRow> {
    await this.db
      .update(aiContexts)
      .set({ ...changes, updatedAt: now })
      .where(eq(aiContexts.id, id));
    return (await this.byId(id))!;
  }

  /** Marks the context as just used (does not touch `updated_at`). */
  async touch(id: number, now: Date): Promise<void> {
    await this.db.update(aiContexts).set({ lastUsed: now }).where(eq(aiContexts.id, id));
  }

  async delete(id: number): Promise<void> {
    await this.db.delete(aiContexts).where(eq(aiContexts.id, id));
  }
}
