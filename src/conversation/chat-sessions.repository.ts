import { Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, inArray, isNull, SQL, sql } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { aiContexts, chatMessages, chatSessions, strategies, users } from '../database/schema';

export type ChatSessionRow = typeof chatSessions.$inferSelect;
export type ChatMessageRow = typeof chatMessages.$inferSelect;
export type ChatRole = 'user' | 'assistant' | 'system';

export interface SessionFilter {
  /** `undefined`: every owner (staff); `null`: the anonymous user's sessions. */
  userId?: number | null;
  isActive?: boolean;
  strategyId?: number;
}

export interface NewSession {
  sessionId: string;
  userId: number | null;
  title: string;
  strategyId: number | null;
  aiContextId?: number | null;
  isActive?: boolean;
  summary?: string | null;
  modelName?: string;
  temperature?: number;
  maxTokens?: number;
}

/** The columns a session's owner may change. */
export type SessionChanges = Partial<
  Pick<ChatSessionRow, 'title' | 'strategyId' | 'isActive' | 'summary' | 'aiContextId' | 'modelName' | 'temperature' | 'maxTokens'>
>;

/**
 * Chat sessions and their messages. Messages point at `chat_sessions.session_id` by value (no foreign
 * keys in this schema, see schema.ts), so this repository keeps the link: it deletes a session's
 * messages with it and keeps `message_count` in step with the rows.
 */
@Injectable()
export class ChatSessionsRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  async create(s: NewSession, now: Date): Promise<ChatSessionRow> {
    const [row] = await this.db
      .insert(chatSessions)
      .values({ ...s, createdAt: now, updatedAt: now })
      .returning();
    return row;
  }

  async bySessionId(sessionId: string): Promise<ChatSessionRow | null> {
    const [row] = await this.db.select().from(chatSessions).where(eq(chatSessions.sessionId, sessionId));
    return row ?? null;
  }

  async byId(id: number): Promise<ChatSessionRow | null> {
    const [row] = await this.db.select().from(chatSessions).where(eq(chatSessions.id, id));
    return row ?? null;
  }

  /** Deletes a session and its messages. */
  async delete(sessionId: string): Promise<void> {
    await this.db.delete(chatMessages).where(eq(chatMessages.sessionId, sessionId));
    await this.db.delete(chatSessions).where(eq(chatSessions.sessionId, sessionId));
  }

  /** Usernames of the given user ids (for serializers that show `username`). */
  async usernames(userIds: number[]): Promise<Map<number, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, userIds));
    return new Map(rows.map((r) => [r.id, r.username]));
  }

  async list(filter: SessionFilter, limit: number, offset: number): Promise<{ count: number; rows: ChatSessionRow[] }> {
    const conds: SQL[] = [];
    if (filter.userId === null) conds.push(isNull(chatSessions.userId));
    else if (filter.userId !== undefined) conds.push(eq(chatSessions.userId, filter.userId));
    if (filter.isActive !== undefined) conds.push(eq(chatSessions.isActive, filter.isActive));
    if (filter.strategyId !== undefined) conds.push(eq(chatSessions.strategyId, filter.strategyId));
    const where = conds.length ? and(...conds) : undefined;
    const [{ n }] = await this.db.select({ n: count() }).from(chatSessions).where(where);
    const rows = await this.db
      .select()
      .from(chatSessions)
      .where(where)
      .orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id))
      .limit(limit)
      .offset(offset);
    return { count: Number(n), rows };
  }

  async update(sessionId: string, changes: SessionChanges, now: Date): Promise<ChatSessionRow> {
    const [row] = await this.db
      .update(chatSessions)
      .set({ ...changes, updatedAt: now })
      .where(eq(chatSessions.sessionId, sessionId))
      .returning();
    return row;
  }

  /** Stores a message and bumps the session's count and `updated_at`. */
  async addMessage(
    sessionId: string,
    role: ChatRole,
    content: string,
    metadata: Record<string, unknown>,
    tokensUsed: number | null,
    now: Date,
  ): Promise<ChatMessageRow> {
    const [row] = await this.db.insert(chatMessages).values({ sessionId, role, content, metadata, tokensUsed, createdAt: now }).returning();
    await this.db
      .update(chatSessions)
      .set({ messageCount: sql`${chatSessions.messageCount} + 1`, updatedAt: now })
      .where(eq(chatSessions.sessionId, sessionId));
    return row;
  }

  /** Links the session to a strategy made from it and adds that strategy to `generated_strategies` once. */
  async addGeneratedStrategy(sessionId: string, strategyId: number, now: Date): Promise<void> {
    const one = sql`jsonb_build_array(${strategyId}::int)`;
    await this.db
      .update(chatSessions)
      .set({
        strategyId,
        generatedStrategies: sql`CASE WHEN ${chatSessions.generatedStrategies} @> ${one} THEN ${chatSessions.generatedStrategies} ELSE ${chatSessions.generatedStrategies} || ${one} END`,
        updatedAt: now,
      })
      .where(eq(chatSessions.sessionId, sessionId));
  }

  /** The messages of several sessions, oldest first, by session_id. */
  async messagesOf(sessionIds: string[]): Promise<Map<string, ChatMessageRow[]>> {
    const out = new Map<string, ChatMessageRow[]>(sessionIds.map((id) => [id, []]));
    if (sessionIds.length === 0) return out;
    const rows = await this.db.select().from(chatMessages).where(inArray(chatMessages.sessionId, sessionIds)).orderBy(asc(chatMessages.id));
    for (const r of rows) out.get(r.sessionId)?.push(r);
    return out;
  }

  /** Owner and name of the given AI contexts (missing ones are left out). */
  async contexts(ids: number[]): Promise<Map<number, { userId: number; sessionName: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: aiContexts.id, userId: aiContexts.userId, sessionName: aiContexts.sessionName })
      .from(aiContexts)
      .where(inArray(aiContexts.id, ids));
    return new Map(rows.map((r) => [r.id, { userId: r.userId, sessionName: r.sessionName }]));
  }

  /** Names of the given strategies (missing ones are left out). */
  async strategyNames(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.select({ id: strategies.id, name: strategies.name }).from(strategies).where(inArray(strategies.id, ids));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Owner of a strategy, or undefined when there is none with that id. */
  async strategyOwner(id: number): Promise<{ createdBy: number | null } | undefined> {
    const [row] = await this.db.select({ createdBy: strategies.createdBy }).from(strategies).where(eq(strategies.id, id));
    return row;
  }

  /** All messages, oldest first. */
  messages(sessionId: string): Promise<ChatMessageRow[]> {
    return this.db.select().from(chatMessages).where(eq(chatMessages.sessionId, sessionId)).orderBy(asc(chatMessages.id));
  }

  /** The last `n` messages, oldest first. */
  async lastMessages(sessionId: string, n: number): Promise<ChatMessageRow[]> {
    const rows = await this.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, sessionId))
      .orderBy(desc(chatMessages.id))
      .limit(n);
    return rows.reverse();
  }

  async clear(sessionId: string, now: Date): Promise<ChatSessionRow> {
    await this.db.delete(chatMessages).where(eq(chatMessages.sessionId, sessionId));
    const [row] = await this.db
      .update(chatSessions)
      .set({ messageCount: 0, updatedAt: now })
      .where(eq(chatSessions.sessionId, sessionId))
      .returning();
    return row;
  }
}
