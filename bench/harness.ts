import { SchedulerRegistry } from '@nestjs/schedule';
/**
 * Builds the key-rotation stack by hand (tsx emits no decorator metadata, so no Nest DI): config from a
 * synthetic env, env secrets, a memory or Redis state store, and the services the app would inject.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, loadAppConfig } from '../src/config/app-config';
import type { Database } from '../src/database/database.module';
import { GeminiClientService } from '../src/gemini/gemini-client.service';
import { GeminiSdkTransport } from '../src/gemini/gemini-sdk.transport';
import { SystemClock } from '../src/common/clock';
import { UserAiLimit } from '../src/gemini/user-ai-limit';
import { KeyRotationService } from '../src/key-rotation/key-rotation.service';
import { KeyStateRepository } from '../src/key-rotation/key-state.repository';
import { SecretScrubber } from '../src/logging/secret-scrubber';
import { MetricsService } from '../src/metrics/metrics.service';
import type { UsageRepository } from '../src/usage/usage.repository';
import { UsageService } from '../src/usage/usage.service';
import { EnvSecretProvider } from '../src/secrets/providers/env.provider';
import { SecretsService } from '../src/secrets/secrets.service';
import { MemoryStateStore } from '../src/state-store/memory-state-store';
import { RedisStateStore } from '../src/state-store/redis-state-store';
import type { StateStore } from '../src/state-store/state-store';

Logger.overrideLogger(false);

/**
 * The bench's own Redis database: BENCH_REDIS_URL, default index 15 of the local server. Database 0 (where
 * an app's data usually lives) is refused unless BENCH_ALLOW_REDIS_DB0=1; everything the bench writes is
 * under a random prefix and deleted afterwards.
 */
export const REDIS_URL = benchRedisUrl(
  process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15',
  process.env.BENCH_ALLOW_REDIS_DB0 === '1',
);

export function benchRedisUrl(url: string, allowDb0: boolean): string {
  const db = Number(new URL(url).pathname.replace(/^\//, '') || '0');
  if (db === 0 && !allowDb0) {
    throw new Error(
      `bench: refusing Redis database 0 (${new URL(url).host}); pick another index in BENCH_REDIS_URL or set BENCH_ALLOW_REDIS_DB0=1`,
    );
  }
  return url;
}
export const MODEL = 'gemini-2.5-flash';

export interface BenchKey {
  id: string;
  project: string;
  rpm: number;
  tpm: number;
  rpd: number;
}

/** A recognisable fake secret (long enough for the scrubber). */
export function secretFor(id: string): string {
  return `AIzaBENCH-${id}-${'x'.repeat(20)}`;
}

/** `n` keys, `perProject` per project, with the given limits. */
export function makeKeys(n: number, perProject: number, limits: { rpm: number; tpm: number; rpd: number }): BenchKey[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `k${String(i + 1).padStart(4, '0')}`,
    project: `proj-${String(Math.floor(i / perProject) + 1).padStart(4, '0')}`,
    ...limits,
  }));
}

export function benchRedisPrefix(): string {
  return `bench_${randomBytes(4).toString('hex')}:`;
}

/** Deletes every Redis key under `prefix`. */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export interface Stack {
  config: AppConfig;
  store: StateStore;
  rotation: KeyRotationService;
  repo: KeyStateRepository;
  client: GeminiClientService;
  /** Times the (stubbed) audit insert was reached: only key disables write there. */
  auditInserts: () => number;
  close(): Promise<void>;
}

export interface StackOptions {
  keys: BenchKey[];
  store: 'memory' | 'redis';
  /** Fake Gemini base URL; a dead address is fine when nothing is sent upstream. */
  baseUrl?: string;
  env?: Record<string, string>;
}

export async function buildStack(opts: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-keys-'));
  const keysFile = join(dir, 'keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: opts.keys.map((k) => ({ key_id: k.id, model_name: MODEL, project: k.project, rpm: k.rpm, tpm: k.tpm, rpd: k.rpd })),
      rotation_strategy: 'least_loaded',
    }),
  );
  const prefix = benchRedisPrefix();
  const config = loadAppConfig({
    KEYS_FILE: keysFile,
    GEMINI_BASE_URL: opts.baseUrl ?? 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
    // The benchmarks measure the rotation itself, not the per-user fair share.
    AI_USER_RPM: '0',
    AI_USER_RPD: '0',
    ...(opts.store === 'redis' ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}),
    ...Object.fromEntries(opts.keys.map((k) => [`GEMINI_KEY_${k.id}`, secretFor(k.id)])),
    ...opts.env,
  });

  let store: StateStore;
  if (opts.store === 'redis') {
    const redis = new RedisStateStore({ url: REDIS_URL, keyPrefix: prefix, commandTimeoutMs: config.redis.commandTimeoutMs });
    await redis.connect();
    store = redis;
  } else {
    store = new MemoryStateStore();
  }

  let audits = 0;
  const database = {
    connection: {
      db: {
        insert: () => {
          audits++;
          throw new Error('bench: no database');
        },
      },
    },
  } as unknown as Database;

  const clock = new SystemClock();
  const secrets = new SecretsService(new EnvSecretProvider(config.secrets.env), new SecretScrubber(), config, clock);
  const repo = new KeyStateRepository(store);
  const metrics = new MetricsService();
  const rotation = new KeyRotationService(config, secrets, repo, clock, metrics, database, new SchedulerRegistry());
  await rotation.reload({ failOnBadFile: true });
  // Usage rows go nowhere here (no database in the bench); the writes are off the call's path anyway.
  const usageRows: UsageRepository = { add: async () => undefined, sum: async () => [] };
  const usage = new UsageService(usageRows, clock, metrics, config);
  const userLimit = new UserAiLimit(store, config, clock);
  const client = new GeminiClientService(rotation, new GeminiSdkTransport(config.gemini.baseUrl), config, clock, metrics, usage, userLimit);

  return {
    config,
    store,
    rotation,
    repo,
    client,
    auditInserts: () => audits,
    async close() {
      rotation.onApplicationShutdown();
      await store.close();
      if (opts.store === 'redis') await deleteRedisPrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
