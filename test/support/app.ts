import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/configure-app';

/** Collects every log line the app writes, for tests that check what is (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  json(): Array<Record<string, any>> {
    return this.lines.map((l) => JSON.parse(l));
  }
}

/**
 * Apps started in this test file and not closed yet. `close-leftovers.ts` (a Jest setup file) closes them when
 * the file's own hooks are done, so an assertion that fails before a test's `close()` leaks no server, pool or
 * Redis client into the next file (and never keeps Jest from exiting). A suite may still hand one app from
 * test to test (a restart test replaces the shared app), which closing after each test would break.
 */
export const openApps = new Set<() => Promise<void>>();

export interface TestApp {
  app: NestExpressApplication;
  logs: LogCapture;
  close: () => Promise<void>;
}

/**
 * Boots the real application (same edge configuration as `main.ts`) with exactly the given environment.
 * Defaults: throwaway PGlite and the in-memory store. `extra` adds test-only controllers.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  extra: { controllers?: Type[]; overrides?: Array<[token: unknown, value: unknown]> } = {},
): Promise<TestApp> {
  const logs = new LogCapture();
  const defaults = { DATABASE_URL: 'pglite://memory', LOG_LEVEL: 'info', KEYS_FILE: join(tmpdir(), 'no-such-keys-file.json') };
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot({ env: { ...defaults, ...env }, logDestination: logs })],
    controllers: extra.controllers ?? [],
  });
  for (const [token, value] of extra.overrides ?? []) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  configureApp(app);
  await app.init();
  let closed = false;
  const close = async (): Promise<void> => {
    openApps.delete(close);
    if (closed) return;
    closed = true;
    await app.close();
  };
  openApps.add(close);
  return { app, logs, close };
}
