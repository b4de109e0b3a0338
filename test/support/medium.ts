import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Logger, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, TestingModule } from '@nestjs/testing';
import type { AuthUser } from '../../src/auth/current-user.decorator';
import { UsersRepository } from '../../src/auth/users.repository';
import { Clock, FakeClock } from '../../src/common/clock';
import { ClockModule } from '../../src/common/clock.module';
import { AppConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import type { UpstreamFailure } from '../../src/key-rotation/core/error-classifier';
import { PinoNestLogger } from '../../src/logging/logger';
import { LoggingModule } from '../../src/logging/logging.module';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { StateStoreModule } from '../../src/state-store/state-store.module';
import { GeminiSdkTransport } from '../../src/gemini/gemini-sdk.transport';
import { GenerateRequest, GenerateResult, StreamChunk, TransportError, Turn } from '../../src/gemini/gemini.types';
import { freshPostgresSchema, freshRedisPrefix } from './services';

/**
 * The medium test layer: real modules (config, database, state store, key rotation, Gemini client, …) wired by
 * Nest without an HTTP server, on a fake clock, with a scripted Gemini transport at the port. A test runs in
 * milliseconds and checks a service's orchestration against real stores.
 */

/** What one attempt on a key answers: a text, an upstream failure, or something thrown as it is. */
export type Outcome = { text: string; promptTokens?: number } | { fail: UpstreamFailure } | { throw: Error } | { hang: true };

export interface ScriptedCall {
  secret: string;
  model: string;
  timeoutMs: number;
  prompt: string;
  /** The request's turns and system instruction, as sent. */
  contents: Turn[];
  system?: string;
}

/** The Gemini port, answering from a per-secret script (default: a fixed text), recording every call. */
export class ScriptedTransport {
  readonly calls: ScriptedCall[] = [];
  private readonly scripts = new Map<string, Outcome[]>();
  fallback: Outcome = { text: 'ok' };
  /** Answers a call by what it asks (when no scripted outcome is queued for its key); `undefined`: the fallback. */
  responder: ((call: ScriptedCall) => Outcome | undefined) | null = null;

  /** Queue outcomes for the key with this secret (consumed in order, then the fallback). */
  script(secret: string, ...outcomes: Outcome[]): void {
    this.scripts.set(secret, [...(this.scripts.get(secret) ?? []), ...outcomes]);
  }

  keysCalled(): string[] {
    return this.calls.map((c) => c.secret);
  }

  async generate(secret: string, model: string, req: GenerateRequest, timeoutMs: number): Promise<GenerateResult> {
    return this.answer(secret, model, req, timeoutMs);
  }

  async chat(secret: string, model: string, req: GenerateRequest, timeoutMs: number): Promise<GenerateResult> {
    return this.answer(secret, model, req, timeoutMs);
  }

  async countTokens(secret: string, model: string, req: GenerateRequest, timeoutMs: number): Promise<number> {
    await this.answer(secret, model, req, timeoutMs);
    return 7;
  }

  async stream(secret: string, model: string, req: GenerateRequest, timeoutMs: number): Promise<AsyncGenerator<StreamChunk>> {
    const r = await this.answer(secret, model, req, timeoutMs);
    async function* chunks(): AsyncGenerator<StreamChunk> {
      yield { text: r.text, usage: r.usage, finishReason: 'STOP' };
    }
    return chunks();
  }

  async listModels(secret: string): Promise<void> {
    await this.answer(secret, 'models', { contents: [{ role: 'user', text: 'probe' }] }, 1000);
  }

  private async answer(secret: string, model: string, req: GenerateRequest, timeoutMs: number): Promise<GenerateResult> {
    const call: ScriptedCall = {
      secret,
      model,
      timeoutMs,
      prompt: req.contents.map((t) => t.text).join('\n'),
      contents: req.contents,
      system: req.system,
    };
    this.calls.push(call);
    const outcome = this.scripts.get(secret)?.shift() ?? this.responder?.(call) ?? this.fallback;
    if ('throw' in outcome) throw outcome.throw;
    if ('fail' in outcome) throw new TransportError(outcome.fail, `scripted ${outcome.fail.kind} failure`);
    if ('hang' in outcome) return new Promise<GenerateResult>(() => undefined);
    const promptTokens = outcome.promptTokens ?? 5;
    return { text: outcome.text, finishReason: 'STOP', usage: { promptTokens, candidatesTokens: 3, totalTokens: promptTokens + 3 } };
  }
}

/** Gemini's own error bodies, as the classifier sees them. */
export const failures = {
  perMinute: (retryDelay = '30s', quotaValue = '10'): UpstreamFailure => ({
    kind: 'http',
    status: 429,
    message: 'You exceeded your current quota',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaValue }],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ],
  }),
  perDay: (quotaValue = '250'): UpstreamFailure => ({
    kind: 'http',
    status: 429,
    message: 'You exceeded your current quota',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaValue }],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s' },
    ],
  }),
  invalidKey: (): UpstreamFailure => ({
    kind: 'http',
    status: 400,
    message: 'API key not valid. Please pass a valid API key.',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
  }),
  badRequest: (): UpstreamFailure => ({ kind: 'http', status: 400, message: 'Invalid JSON payload received.', details: [] }),
  modelNotFound: (): UpstreamFailure => ({
    kind: 'http',
    status: 404,
    message: 'models/nope is not found for API version v1beta',
    details: [],
  }),
  overloaded: (): UpstreamFailure => ({
    kind: 'http',
    status: 503,
    message: 'The model is overloaded. Please try again later.',
    details: [],
  }),
};

export interface MediumKey {
  id: string;
  project?: string;
  rpm?: number;
  rpd?: number;
  priority?: number;
  model?: string;
}

export const secretOf = (id: string): string => `AIzaMEDIUM-${id}-${'m'.repeat(20)}`;

export interface MediumContext {
  module: TestingModule;
  clock: FakeClock;
  transport: ScriptedTransport;
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

/** Boots the given feature modules (plus config, logging, clock, database, store, metrics) without HTTP. */
export async function createMediumContext(opts: {
  imports: Array<Type | DynamicModule>;
  keys?: MediumKey[];
  store?: 'memory' | 'redis';
  env?: Record<string, string>;
  clock?: FakeClock;
  providers?: Provider[];
  /** keys.json `model_compatibility`. */
  modelCompatibility?: Record<string, string[]>;
}): Promise<MediumContext> {
  const clock = opts.clock ?? new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
  const transport = new ScriptedTransport();
  // Real PostgreSQL, a fresh schema per context: migrating it takes far less than booting PGlite.
  const pg = await freshPostgresSchema();
  const env: Record<string, string> = {
    DATABASE_URL: pg.url,
    DATABASE_SCHEMA: pg.schema,
    LOG_LEVEL: 'warn',
    GEMINI_MAX_WAIT_MS: '20000',
    ...opts.env,
  };
  const keys = opts.keys ?? [];
  if (keys.length) {
    const dir = mkdtempSync(join(tmpdir(), 'medium-keys-'));
    env.KEYS_FILE = join(dir, 'keys.json');
    writeFileSync(
      env.KEYS_FILE,
      JSON.stringify({
        keys: keys.map((k) => ({
          key_id: k.id,
          model_name: k.model ?? 'gemini-2.5-flash',
          project: k.project ?? `proj-${k.id}`,
          rpm: k.rpm ?? 10,
          tpm: 250000,
          rpd: k.rpd ?? 250,
          priority: k.priority ?? 1,
        })),
        rotation_strategy: 'least_loaded',
        ...(opts.modelCompatibility ? { model_compatibility: opts.modelCompatibility } : {}),
      }),
    );
    for (const k of keys) env[`GEMINI_KEY_${k.id}`] = secretOf(k.id);
  } else {
    env.KEYS_FILE = join(tmpdir(), 'no-such-keys-file.json');
  }
  let cleanup = pg.drop;
  if (opts.store === 'redis') {
    const redis = await freshRedisPrefix();
    env.REDIS_URL = redis.url;
    env.REDIS_KEY_PREFIX = redis.prefix;
    cleanup = async () => {
      await redis.cleanup();
      await pg.drop();
    };
  }
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const module = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot({ env }),
      LoggingModule.forRoot({ destination: quiet }),
      ScheduleModule.forRoot(),
      ClockModule,
      DatabaseModule,
      MetricsModule,
      StateStoreModule,
      ...opts.imports,
    ],
    providers: opts.providers ?? [],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .overrideProvider(GeminiSdkTransport)
    .useValue(transport)
    .compile();
  Logger.overrideLogger(module.get(PinoNestLogger));
  await module.init();
  return {
    module,
    clock,
    transport,
    get: <T>(type: Type<T>) => module.get(type, { strict: false }),
    close: async () => {
      await module.close();
      await cleanup();
    },
  };
}

/** A user row (with its profile) in the context's database, as the services see the caller. Needs AuthModule. */
export async function mediumUser(ctx: MediumContext, username: string, isStaff = false): Promise<AuthUser> {
  const row = await ctx
    .get(UsersRepository)
    .createWithProfile({ username, email: `${username}@example.test`, passwordHash: 'unused', firstName: '', lastName: '' }, new Date());
  if (!row) throw new Error(`could not create the user ${username}`);
  return { id: row.id, username, isStaff };
}

export { domainError } from './domain-error';
