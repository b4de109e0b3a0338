import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Client } from 'pg';
import type { DatabaseTarget } from '../config/app-config';
import { blankClusterImage } from './pglite-blank-image';
import { TransactionSafePool } from './pool';
import * as schema from './schema';

/** The Drizzle handle the rest of the service uses; the same API over PostgreSQL and PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = join(__dirname, 'migrations');
/** Any fixed number: the advisory lock that keeps two booting replicas from migrating at once. */
const MIGRATION_LOCK_ID = 7_401_100;

/** Raw SQL for the rare query the builder cannot express; both drivers answer with `{ rows }`. */
export async function selectRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

/** An open database: the handle plus its lifecycle. */
/** PostgreSQL's unique_violation, as raised by node-postgres and PGlite (Drizzle keeps it as `cause`). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (x: unknown) => (x as { code?: unknown } | undefined)?.code;
  return code(e) === '23505' || code((e as { cause?: unknown })?.cause) === '23505';
}

export interface DatabaseConnection {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  /** Runs pending SQL migrations (idempotent; already applied ones are skipped). */
  migrate(): Promise<void>;
  /** `select 1`, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function openPostgres(url: string, poolSize: number, schemaName: string): Promise<DatabaseConnection> {
  const connection = {
    connectionString: url,
    options: `-c search_path=${schemaName}`,
    connectionTimeoutMillis: 5000,
    query_timeout: 30000,
  };
  const pool = new TransactionSafePool({ ...connection, max: poolSize, idleTimeoutMillis: 30000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // A client checked out when the server goes away (inside a transaction, between two queries) emits 'error'
  // too; unheard, that would end the process. The failing query itself still rejects and is answered with 503.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async migrate() {
      const client = new Client(connection);
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemaName)}`);
        await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER, migrationsSchema: schemaName });
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`).catch(() => undefined);
        await client.end();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}

/**
 * Postgres settings for the embedded database, sized for one service process rather than a server
 * (PostgreSQL's defaults reserve 128 MB of shared buffers inside the WASM heap, which never shrinks).
 */
const PGLITE_CONF = ['shared_buffers=16MB', 'work_mem=2MB', 'maintenance_work_mem=16MB', 'temp_buffers=2MB', 'wal_buffers=1MB'];

/**
 * The image of a blank cluster, kept for every in-memory database of the process when reuse is switched on.
 * PGlite runs initdb on every `create()` (1.2–2.5 s on a 2-core machine); loading the image takes ~0.25 s. Off by
 * default, because the image stays in memory (~40 MB): a service opens one database, a test process hundreds.
 */
let blankCluster: Promise<Blob> | null | undefined;

/** From now on, in-memory embedded databases in this process start from one image of a blank cluster. */
export function reuseBlankPgliteCluster(): void {
  blankCluster ??= null;
}

async function openPglite(dataDir: string | null, schemaName: string): Promise<DatabaseConnection> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Loaded only when the embedded database is the one configured.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  let loadDataDir: Blob | undefined;
  if (!dataDir) {
    // In memory: start from a blank cluster made by initdb in a child process (see blankClusterImage); tests
    // keep the one image for every database of the process. Where no child can run, initdb runs here.
    const image = blankCluster ?? blankClusterImage(PGLITE_CONF);
    if (blankCluster === null) blankCluster = image;
    loadDataDir = await image.catch(() => undefined);
  }
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    postgresqlconf: PGLITE_CONF,
  });
  if (schemaName !== 'public') {
    await client.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemaName)}; SET search_path TO ${quoteIdent(schemaName)};`);
  }
  const db = drizzlePglite({ client, schema });
  let closed = false;
  return {
    kind: 'pglite',
    db: db as unknown as Db,
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER, migrationsSchema: schemaName }),
    async ping() {
      await client.query('select 1');
    },
    async close() {
      if (!closed) {
        closed = true;
        await client.close();
      }
    },
  };
}

export function openDatabase(target: DatabaseTarget, schemaName = 'public'): Promise<DatabaseConnection> {
  return target.kind === 'postgres' ? openPostgres(target.url, target.poolSize, schemaName) : openPglite(target.dataDir, schemaName);
}
