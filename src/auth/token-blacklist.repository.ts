import { Injectable } from '@nestjs/common';
import { eq, lt } from 'drizzle-orm';
import { Database } from '../database/database.module';
import type { Db } from '../database/database';
import { tokenBlacklist } from '../database/schema';

/** Revoked token ids (`jti`), kept until the token would have expired anyway. */
@Injectable()
export class TokenBlacklistRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  /**
   * Revokes a token id. Returns `false` when it was already revoked: two refreshes racing with the same
   * token cannot both win, the primary key decides.
   */
  async add(jti: string, userId: number, expiresAt: Date): Promise<boolean> {
    const inserted = await this.db
      .insert(tokenBlacklist)
      .values({ jti, userId, expiresAt })
      .onConflictDoNothing()
      .returning({ jti: tokenBlacklist.jti });
    return inserted.length === 1;
  }

  async has(jti: string): Promise<boolean> {
    const rows = await this.db.select({ jti: tokenBlacklist.jti }).from(tokenBlacklist).where(eq(tokenBlacklist.jti, jti)).limit(1);
    return rows.length === 1;
  }

  /** Deletes the rows of tokens that have expired by `now`; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    const removed = await this.db.delete(tokenBlacklist).where(lt(tokenBlacklist.expiresAt, now)).returning({ jti: tokenBlacklist.jti });
    return removed.length;
  }
}
