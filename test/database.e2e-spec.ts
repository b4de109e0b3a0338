import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq, sql } from 'drizzle-orm';
import { DatabaseConnection, openDatabase, selectRows } from '../src/database/database';
import { keyEvents, users } from '../src/database/schema';
import journal from '../src/database/migrations/meta/_journal.json';
import { freshPostgresSchema } from './support/services';

/** One migration + CRUD suite, run against real PostgreSQL and embedded PGlite. */
type Target = {
  name: string;
  open: () => Promise<{ conn: DatabaseConnection; reopen: () => Promise<DatabaseConnection>; cleanup: () => Promise<void> }>;
};

const targets: Target[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const pg = await freshPostgresSchema();
      const reopen = () => openDatabase({ kind: 'postgres', url: pg.url, poolSize: 4 }, pg.schema);
      return { conn: await reopen(), reopen, cleanup: pg.drop };
    },
  },
  {
    name: 'PGlite (folder)',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pglite-'));
      const reopen = () => openDatabase({ kind: 'pglite', dataDir: dir });
      return { conn: await reopen(), reopen, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];

describe.each(targets)('database on $name', ({ open }) => {
  let conn: DatabaseConnection;
  let reopen: () => Promise<DatabaseConnection>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ conn, reopen, cleanup } = await open());
    await conn.migrate();
  });

  afterAll(async () => {
    await conn.close();
    await cleanup();
  });

  it('creates the tables and records the migration once, however often migrations run', async () => {
    await conn.migrate();
    await conn.migrate();
    const tables = await selectRows<{ table_name: string }>(
      conn.db,
      sql`select table_name from information_schema.tables where table_schema = current_schema() order by table_name`,
    );
    expect(tables.map((r) => r.table_name)).toEqual([
      '__drizzle_migrations',
      'ai_contexts',
      'ai_dev_run_events',
      'ai_dev_runs',
      'backtest_alerts',
      'backtest_configs',
      'backtest_results',
      'backtest_runs',
      'backtest_trades',
      'bot_error_fixes',
      'bot_fix_attempts',
      'bot_performance',
      'bot_test_runs',
      'bots',
      'chat_messages',
      'chat_sessions',
      'data_indicators',
      'data_requests',
      'data_symbols',
      'gemini_usage_daily',
      'indicator_data',
      'job_events',
      'jobs',
      'key_events',
      'latest_backtest_results',
      'market_data',
      'market_data_coverage',
      'production_sandbox_runs',
      'strategies',
      'strategy_comments',
      'strategy_executions',
      'strategy_lifecycle_events',
      'strategy_lifecycles',
      'strategy_performance',
      'strategy_tag_links',
      'strategy_tags',
      'strategy_templates',
      'strategy_validations',
      'strategy_versions',
      'token_blacklist',
      'user_profiles',
      'users',
    ]);
    const [applied] = await selectRows<{ n: number }>(conn.db, sql`select count(*)::int as n from __drizzle_migrations`);
    expect(applied.n).toBe(journal.entries.length);
  });

  it('inserts, reads, updates and deletes a user', async () => {
    const [created] = await conn.db.insert(users).values({ username: 'ada', passwordHash: 'x', email: 'ada@example.com' }).returning();
    expect(created.id).toBeGreaterThan(0);
    expect(created.isStaff).toBe(false);
    expect(created.dateJoined).toBeInstanceOf(Date);

    await conn.db.update(users).set({ firstName: 'Ada' }).where(eq(users.id, created.id));
    const [read] = await conn.db.select().from(users).where(eq(users.username, 'ada'));
    expect(read.firstName).toBe('Ada');

    await conn.db.delete(users).where(eq(users.id, created.id));
    expect(await conn.db.select().from(users).where(eq(users.id, created.id))).toHaveLength(0);
  });

  it('enforces unique usernames', async () => {
    await conn.db.insert(users).values({ username: 'grace', passwordHash: 'x' });
    await expect(conn.db.insert(users).values({ username: 'grace', passwordHash: 'y' })).rejects.toThrow();
  });

  it('stores JSON detail on key events and orders them by time', async () => {
    await conn.db.insert(keyEvents).values({ keyId: 'flash_01', event: 'disabled', reason: 'leaked', detail: { status: 403 } });
    await conn.db.insert(keyEvents).values({ keyId: 'flash_01', event: 'enabled', reason: 'probe_ok' });
    const rows = await conn.db.select().from(keyEvents).where(eq(keyEvents.keyId, 'flash_01')).orderBy(desc(keyEvents.id));
    expect(rows.map((r) => r.event)).toEqual(['enabled', 'disabled']);
    expect(rows[1].detail).toEqual({ status: 403 });
  });

  it('keeps data across a close and reopen, and migrating again changes nothing', async () => {
    await conn.db.insert(users).values({ username: 'persisted', passwordHash: 'x' });
    await conn.close();
    conn = await reopen();
    await conn.migrate();
    const [row] = await conn.db.select().from(users).where(eq(users.username, 'persisted'));
    expect(row.username).toBe('persisted');
  });

  it('answers a ping', async () => {
    await expect(conn.ping()).resolves.toBeUndefined();
  });
});

describe('database on PGlite (memory)', () => {
  it('migrates a throwaway database that starts empty every time', async () => {
    for (let i = 0; i < 2; i++) {
      const conn = await openDatabase({ kind: 'pglite', dataDir: null });
      await conn.migrate();
      expect(await conn.db.select().from(users)).toHaveLength(0);
      await conn.db.insert(users).values({ username: 'temp', passwordHash: 'x' });
      await conn.close();
    }
  });
});

describe('database on PostgreSQL: a transaction whose BEGIN fails', () => {
  it('gives its pooled client back, so the pool is not drained (drizzle keeps it when BEGIN throws)', async () => {
    const pg = await freshPostgresSchema();
    const conn = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 1 }, pg.schema);
    try {
      // An isolation level PostgreSQL does not know makes the BEGIN itself fail, every time.
      const badBegin = { isolationLevel: 'no such level' } as unknown as Parameters<typeof conn.db.transaction>[1];
      for (let i = 0; i < 3; i++) {
        await expect(conn.db.transaction(async () => undefined, badBegin)).rejects.toThrow(/syntax error|isolation/i);
      }
      // With the one client leaked, this would wait for a free client for ever.
      const rows = await Promise.race([
        selectRows<{ one: number }>(conn.db, sql`select 1 as one`),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the pool has no client left')), 5000)),
      ]);
      expect(rows).toEqual([{ one: 1 }]);
      await expect(conn.db.transaction(async (tx) => selectRows<{ two: number }>(tx, sql`select 2 as two`))).resolves.toEqual([{ two: 2 }]);
    } finally {
      await conn.close();
      await pg.drop();
    }
  });
});
