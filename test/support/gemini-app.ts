import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clock, FakeClock } from '../../src/common/clock';
import { FakeGemini } from '../fakes/fake-gemini';
import { createTestApp, TestApp } from './app';
import { freshRedisPrefix } from './services';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestKey {
  id: string;
  project: string;
  /** Limits declared in keys.json. */
  rpm?: number;
  tpm?: number;
  rpd?: number;
  /** Limits the fake Gemini really enforces (default: the declared ones). */
  real?: { rpm?: number; tpm?: number; rpd?: number };
  model?: string;
  priority?: number;
}

export interface GeminiTestApp extends TestApp {
  fake: FakeGemini;
  clock: FakeClock;
  secrets: Record<string, string>;
  shutdown: () => Promise<void>;
}

/** A recognisable, fake secret per key, so a scan of logs and responses can look for every one. */
export function secretFor(id: string): string {
  return `AIzaTEST-${id}-${'s'.repeat(24)}`;
}

/**
 * Boots the app against a fake Gemini with the given keys (keys.json + GEMINI_KEY_<id> secrets), on the
 * memory store or real Redis, with a fake clock shared by the app and the fake server.
 */
export async function createGeminiTestApp(
  keys: TestKey[],
  opts: { store: 'memory' | 'redis'; env?: Record<string, string>; clock?: FakeClock; fake?: FakeGemini; redisPrefix?: string } = {
    store: 'memory',
  },
): Promise<GeminiTestApp> {
  const clock = opts.clock ?? new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
  const ownFake = !opts.fake;
  const fake = opts.fake ?? new FakeGemini({ now: () => clock.now() });
  if (ownFake) {
    for (const k of keys)
      fake.addKey({ key: secretFor(k.id), id: k.id, project: k.project, ...(k.real ?? { rpm: k.rpm, tpm: k.tpm, rpd: k.rpd }) });
    await fake.start();
  }
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  const keysFile = join(dir, 'keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: keys.map((k) => ({
        key_id: k.id,
        model_name: k.model ?? 'gemini-2.5-flash',
        provider: 'gemini',
        project: k.project,
        rpm: k.rpm ?? 10,
        tpm: k.tpm ?? 250000,
        rpd: k.rpd ?? 250,
        priority: k.priority ?? 1,
      })),
      rotation_strategy: 'least_loaded',
    }),
  );
  const secrets = Object.fromEntries(keys.map((k) => [k.id, secretFor(k.id)]));
  const env: Record<string, string> = {
    KEYS_FILE: keysFile,
    GEMINI_BASE_URL: fake.url,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    GEMINI_MAX_WAIT_MS: '0',
    TRUST_PROXY: 'loopback',
    ...Object.fromEntries(keys.map((k) => [`GEMINI_KEY_${k.id}`, secretFor(k.id)])),
    ...opts.env,
  };
  let cleanupRedis = async () => undefined as void;
  if (opts.store === 'redis') {
    const redis = opts.redisPrefix
      ? { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: opts.redisPrefix, cleanup: async () => undefined }
      : await freshRedisPrefix();
    env.REDIS_URL = redis.url;
    env.REDIS_KEY_PREFIX = redis.prefix;
    cleanupRedis = redis.cleanup;
  }
  const t = await createTestApp(env, { overrides: [[Clock, clock]] });
  return {
    ...t,
    fake,
    clock,
    secrets,
    shutdown: async () => {
      await t.close();
      if (ownFake) await fake.stop();
      await cleanupRedis();
    },
  };
}
