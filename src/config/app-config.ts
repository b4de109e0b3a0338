import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvironmentVariables } from './env.schema';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Where the relational data lives: a PostgreSQL server, or embedded PGlite (in memory or in a folder). */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string | null };

/**
 * The one typed configuration object. Injected by class token; built once at boot by
 * `loadAppConfig` from the environment. Nothing outside `src/config` reads `process.env`.
 */
export class AppConfig {
  readonly env!: 'development' | 'production' | 'test';
  readonly http!: { port: number; host: string; bodyLimit: string; shutdownTimeoutMs: number };
  readonly log!: { level: LogLevel; pretty: boolean };
  readonly database!: { target: DatabaseTarget; schema: string };
  readonly redis!: { url: string | null; keyPrefix: string; commandTimeoutMs: number };
}

export const DEFAULT_PGLITE_DIR = './data/pglite';

/** Thrown when the environment is invalid; the message names every bad variable and what is wrong. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  // Values are never echoed: a mistyped variable may hold a secret.
  return errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
}

function databaseTarget(url: string | undefined, poolSize: number): DatabaseTarget {
  if (!url) return { kind: 'pglite', dataDir: DEFAULT_PGLITE_DIR };
  if (url.startsWith('pglite://')) {
    const where = url.slice('pglite://'.length);
    return { kind: 'pglite', dataDir: where === 'memory' ? null : where };
  }
  return { kind: 'postgres', url, poolSize };
}

/** Validates the raw environment and returns the typed config (defaults applied). */
export function loadAppConfig(raw: Record<string, unknown>): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, raw, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));

  const env = vars.NODE_ENV ?? 'development';
  return Object.freeze({
    env,
    http: {
      port: vars.PORT ?? 8000,
      host: vars.HOST ?? '0.0.0.0',
      bodyLimit: vars.BODY_LIMIT ?? '1mb',
      shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS ?? 10000,
    },
    log: { level: vars.LOG_LEVEL ?? (env === 'test' ? 'warn' : 'info'), pretty: vars.LOG_PRETTY ?? false },
    database: {
      target: databaseTarget(vars.DATABASE_URL, vars.DATABASE_POOL_SIZE ?? 10),
      schema: vars.DATABASE_SCHEMA ?? 'public',
    },
    redis: {
      url: vars.REDIS_URL ?? null,
      keyPrefix: vars.REDIS_KEY_PREFIX ?? 'algoagent:',
      commandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS ?? 1000,
    },
  }) as AppConfig;
}
