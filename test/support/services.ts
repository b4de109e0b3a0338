import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';

/**
 * The real services the tests use. Defaults are the machine's own PostgreSQL and Redis; CI exports the URLs.
 * A test that needs one and cannot reach it fails with this message — it never skips.
 */
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Checks PostgreSQL answers, then hands out a fresh schema name; `drop` removes it afterwards. */
export async function freshPostgresSchema(): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is required for this test and is not reachable at ${POSTGRES_URL}: ${(e as Error).message}`);
  }
  const schema = uniqueName('t');
  await client.end();
  return {
    url: POSTGRES_URL,
    schema,
    drop: async () => {
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/**
 * Checks Redis answers and returns a key prefix no other test uses, with a cleanup that deletes its keys.
 */
export async function freshRedisPrefix(): Promise<{ url: string; prefix: string; cleanup: () => Promise<void> }> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new Error(`Redis is required for this test and is not reachable at ${REDIS_URL}: ${(e as Error).message}`);
  }
  const prefix = `${uniqueName('test')}:`;
  return {
    url: REDIS_URL,
    prefix,
    cleanup: async () => {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
