import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

/**
 * The relational schema, one definition for PostgreSQL and PGlite. Change it here, then run
 * `npm run db:generate` to write the next SQL migration into `src/database/migrations/`.
 */

/** Accounts, shaped like Django's `auth_user` so the frontend's fields map one to one. */
export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }).notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    firstName: varchar('first_name', { length: 150 }).notNull().default(''),
    lastName: varchar('last_name', { length: 150 }).notNull().default(''),
    isStaff: boolean('is_staff').notNull().default(false),
    isActive: boolean('is_active').notNull().default(true),
    dateJoined: timestamp('date_joined', { withTimezone: true }).notNull().defaultNow(),
    lastLogin: timestamp('last_login', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_username_key').on(t.username)],
);

/**
 * Operator actions and automatic decisions about Gemini keys (disabled as leaked, re-enabled by a probe…),
 * kept for audit. Holds key ids and reasons only — never a secret.
 */
export const keyEvents = pgTable(
  'key_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    keyId: varchar('key_id', { length: 128 }).notNull(),
    event: varchar('event', { length: 32 }).notNull(),
    reason: varchar('reason', { length: 64 }),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('key_events_key_id_idx').on(t.keyId, t.createdAt)],
);
