/** Shared setup of the job tests: a fake Gemini with one roomy key, and the environment that points at it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FakeGemini, type FakeRequest } from '../fakes/fake-gemini';
import { bearer, JWT_SECRET } from '../support/auth';
import { secretFor } from '../support/gemini-app';
import { parseSse, SseEvent } from '../support/jobs';

export const BROKEN_BOT = `module.exports = {
  name: 'SMA cross',
  params: { fast: 5, slow: 20 },
  onBar(bar, ctx) {
    const slow = ctx.indicators.sma({ period: ctx.params.slow });
    if (slow !== null && smaFast > slow) ctx.buy();
  },
};`;
export const LOOPING_BOT = 'module.exports = { onBar(bar, ctx) { while (true) {} } };';

export const fenced = (code: string) => `Here is the bot:\n\n\`\`\`javascript\n${code}\n\`\`\`\n`;
export const isFixPrompt = (req: FakeRequest) => JSON.stringify(req.contents).includes('TASK: Fix the trading bot');
export const KEY = secretFor('k1');

export async function startFakeGemini(): Promise<FakeGemini> {
  const fake = new FakeGemini();
  fake.addKey({ key: KEY, id: 'k1', project: 'p1', rpm: 10_000, tpm: 100_000_000, rpd: 1_000_000 });
  await fake.start();
  return fake;
}

/** Everything an API replica or a worker needs to share the same users, keys and fake Gemini. */
export function jobTestEnv(fake: FakeGemini, extra: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
  const keysFile = join(dir, 'keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: [{ key_id: 'k1', model_name: 'gemini-2.5-flash', project: 'p1', rpm: 10_000, tpm: 100_000_000, rpd: 1_000_000, priority: 1 }],
    }),
  );
  return {
    KEYS_FILE: keysFile,
    GEMINI_KEY_k1: KEY,
    GEMINI_BASE_URL: fake.url,
    GEMINI_MAX_WAIT_MS: '0',
    JWT_SECRET,
    BOTS_DIR: join(dir, 'bots'),
    BOT_TIMEOUT_MS: '60000',
    BOT_WARM_PROCESSES: '0',
    JOB_BACKOFF_MS: '200',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Reads an SSE response until the server ends it (at the `done` event). */
export async function readSse(baseUrl: string, path: string, token: string, lastEventId?: number): Promise<SseEvent[]> {
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...bearer(token) };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  const res = await fetch(`${baseUrl}${path}`, { headers });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return parseSse(await res.text()).filter((e) => e.event !== 'ping');
}

/** Polls `probe` until it returns a truthy value (fails the test after `maxMs`). */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, maxMs = 60_000): Promise<T> {
  const end = Date.now() + maxMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const startRun = (app: NestExpressApplication, token: string, name: string) =>
  request(app.getHttpServer())
    .post('/api/ai-developer/runs')
    .set(bearer(token))
    .send({ description: 'Buy when the 5-day SMA crosses above the 20-day SMA; sell on the cross back.', strategy_name: name })
    .expect(202);

/** Seqs are 1, 2, 3… with no gap and no repeat. */
export function contiguous(events: Array<{ seq: number }>): boolean {
  return events.every((e, i) => e.seq === i + 1);
}
