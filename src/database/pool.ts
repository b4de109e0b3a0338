import { Pool, PoolClient, PoolConfig } from 'pg';

/**
 * A node-postgres pool that cannot lose clients to a failed BEGIN. drizzle-orm's pooled `transaction()` checks
 * a client out, sends BEGIN, and releases the client in a `finally` that a failing BEGIN never reaches: every
 * BEGIN lost to a database blip (connection cut between checkout and BEGIN) kept one pool slot forever, until
 * the pool was empty and every query and the shutdown waited for good. Here a BEGIN that fails releases (and
 * discards) its client itself.
 */
export class TransactionSafePool extends Pool {
  constructor(config: PoolConfig) {
    super(config);
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void) {
    if (callback) return super.connect(callback);
    return super.connect().then(guardBegin);
  }
}

const plainQuery = new WeakMap<PoolClient, PoolClient['query']>();

function isBegin(arg: unknown): boolean {
  const text = typeof arg === 'string' ? arg : (arg as { text?: unknown } | null)?.text;
  return typeof text === 'string' && /^\s*begin\b/i.test(text);
}

/** The checked-out client, whose next query — when it is a BEGIN that fails — releases it as broken. */
function guardBegin(client: PoolClient): PoolClient {
  if (!plainQuery.has(client)) plainQuery.set(client, client.query.bind(client));
  const query = plainQuery.get(client)!;
  let first = true;
  client.query = ((...args: unknown[]) => {
    const guarded = first && isBegin(args[0]);
    first = false;
    const result = (query as (...a: unknown[]) => unknown)(...args);
    if (!guarded || !(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      client.query = query;
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    });
  }) as PoolClient['query'];
  return client;
}
