import { Injectable } from '@nestjs/common';
import { and, eq, SQL } from 'drizzle-orm';
import { Database } from '../database/database.module';
import { isUniqueViolation, type Db } from '../database/database';
import { userProfiles, users } from '../database/schema';
import { MAX_ID } from '../common/path-id';

export type UserRow = typeof users.$inferSelect;
export type ProfileRow = typeof userProfiles.$inferSelect;
/** A profile with the two user fields its serializer shows. */
export type ProfileWithUser = ProfileRow & { username: string; email: string };

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
}

export type ProfileChanges = Partial<
  Pick<
    ProfileRow,
    'defaultRiskTolerance' | 'defaultTimeframe' | 'preferredSymbols' | 'tradingGoals' | 'strategyPreferences' | 'riskParameters'
  >
>;

/**
 * Drizzle's query errors carry the query parameters in their message (a password hash here); keep only the
 * driver's own message so nothing sensitive reaches a log line.
 */
function sanitized(e: unknown): Error {
  const cause = (e as { cause?: unknown })?.cause;
  // Keep the driver's error (its SQLSTATE says unavailable vs bad data) but not Drizzle's, which holds the parameters.
  return new Error(`users query failed: ${cause instanceof Error ? cause.message : 'database error'}`, {
    cause: cause instanceof Error ? cause : undefined,
  });
}

const PROFILE_WITH_USER = {
  id: userProfiles.id,
  userId: userProfiles.userId,
  defaultRiskTolerance: userProfiles.defaultRiskTolerance,
  defaultTimeframe: userProfiles.defaultTimeframe,
  preferredSymbols: userProfiles.preferredSymbols,
  tradingGoals: userProfiles.tradingGoals,
  strategyPreferences: userProfiles.strategyPreferences,
  riskParameters: userProfiles.riskParameters,
  createdAt: userProfiles.createdAt,
  updatedAt: userProfiles.updatedAt,
  lastActive: userProfiles.lastActive,
  username: users.username,
  email: users.email,
};

/** Users (Django's `auth_user`) and their 1:1 profiles; the only place that queries those tables. */
@Injectable()
export class UsersRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.connection.db;
  }

  async findById(id: number): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row ?? null;
  }

  async findByUsername(username: string): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.username, username)).limit(1);
    return row ?? null;
  }

  /** Creates the user and its profile together; `null` when the username is taken. */
  async createWithProfile(user: NewUser, now: Date): Promise<UserRow | null> {
    try {
      return await this.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(users)
          .values({ ...user, dateJoined: now })
          .returning();
        await tx.insert(userProfiles).values({ userId: created.id, createdAt: now, updatedAt: now, lastActive: now });
        return created;
      });
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw sanitized(e);
    }
  }

  /** Django's `update_last_login` plus the profile's `last_active`. */
  async recordLogin(userId: number, now: Date): Promise<void> {
    await this.db.update(users).set({ lastLogin: now }).where(eq(users.id, userId));
    await this.db.update(userProfiles).set({ lastActive: now }).where(eq(userProfiles.userId, userId));
  }

  async setActive(userId: number, isActive: boolean): Promise<void> {
    try {
      await this.db.update(users).set({ isActive }).where(eq(users.id, userId));
    } catch (e) {
      throw sanitized(e);
    }
  }

  async setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    try {
      await this.db.update(users).set({ passwordHash }).where(eq(users.id, userId));
    } catch (e) {
      throw sanitized(e);
    }
  }

  /** The user's profile, created on the spot for an account that predates profiles. */
  async profileOf(userId: number): Promise<ProfileWithUser | null> {
    const found = await this.selectProfile(eq(userProfiles.userId, userId));
    if (found) return found;
    const owner = await this.findById(userId);
    if (!owner) return null;
    await this.db.insert(userProfiles).values({ userId }).onConflictDoNothing();
    return this.selectProfile(eq(userProfiles.userId, userId));
  }

  /** A profile by its id, only if `userId` owns it. */
  async profileByIdFor(profileId: number, userId: number): Promise<ProfileWithUser | null> {
    if (!Number.isInteger(profileId) || profileId < 1 || profileId > MAX_ID) return null;
    return this.selectProfile(and(eq(userProfiles.id, profileId), eq(userProfiles.userId, userId)) as SQL);
  }

  async updateProfile(userId: number, changes: ProfileChanges, now: Date): Promise<ProfileWithUser | null> {
    await this.profileOf(userId);
    await this.db
      .update(userProfiles)
      .set({ ...changes, updatedAt: now, lastActive: now })
      .where(eq(userProfiles.userId, userId));
    return this.selectProfile(eq(userProfiles.userId, userId));
  }

  /** Whether the user has a profile row yet (accounts from before profiles may not). */
  async hasProfile(userId: number): Promise<boolean> {
    const [row] = await this.db.select({ id: userProfiles.id }).from(userProfiles).where(eq(userProfiles.userId, userId)).limit(1);
    return row !== undefined;
  }

  /** Puts every preference of the user's profile back to its default (id and timestamps of creation stay). */
  async resetProfile(userId: number, now: Date): Promise<void> {
    await this.db
      .update(userProfiles)
      .set({
        defaultRiskTolerance: 'moderate',
        defaultTimeframe: '1d',
        preferredSymbols: [],
        tradingGoals: '',
        strategyPreferences: '',
        riskParameters: {},
        updatedAt: now,
        lastActive: now,
      })
      .where(eq(userProfiles.userId, userId));
  }

  private async selectProfile(where: SQL): Promise<ProfileWithUser | null> {
    const [row] = await this.db
      .select(PROFILE_WITH_USER)
      .from(userProfiles)
      .innerJoin(users, eq(users.id, userProfiles.userId))
      .where(where)
      .limit(1);
    return row ?? null;
  }
}
