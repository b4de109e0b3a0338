import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvironmentVariables } from './env.schema';
import { unknownVariableWarnings } from './environment';
import { asText } from '../common/text';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Where the relational data lives: a PostgreSQL server, or embedded PGlite (in memory or in a folder). */
export type DatabaseTarget = { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string | null };

/**
 * The one typed configuration object. Injected by class token; built once at boot by
 * `loadAppConfig` from the environment. Nothing outside `src/config` reads `process.env`.
 */
export class AppConfig {
  readonly env!: 'development' | 'production' | 'test';
  readonly http!: {
    port: number;
    host: string;
    bodyLimit: string;
    /** `bodyLimit` in bytes: a larger Content-Length is refused with 413 before the body is read. */
    bodyLimitBytes: number;
    shutdownTimeoutMs: number;
    trustProxy: boolean | number | string;
    docsEnabled: boolean;
    /** Bearer token /metrics requires; `null` = public. */
    metricsToken: string | null;
    /** Port of the separate /metrics listener; `null` = /metrics on the API port. */
    metricsPort: number | null;
    /** Browser origins allowed by CORS (exact match, credentials allowed). */
    corsOrigins: string[];
  };
  readonly log!: { level: LogLevel; pretty: boolean };
  readonly database!: { target: DatabaseTarget; schema: string };
  readonly redis!: {
    url: string | null;
    /** Redis Cluster seed nodes for the state store (REDIS_CLUSTER_NODES); null = a single Redis at `url`. */
    clusterNodes: Array<{ host: string; port: number }> | null;
    keyPrefix: string;
    commandTimeoutMs: number;
    failOpen: boolean;
  };
  readonly gemini!: {
    baseUrl: string | null;
    defaultModel: string;
    timeoutMs: number;
    /** Longest one attempt may take (≤ timeoutMs); then the next key is tried. */
    attemptTimeoutMs: number;
    /** Longest the client waits for a busy key to free up before answering 429. */
    maxWaitMs: number;
    /** Attempts per call; `null` = number of keys, at most 8. */
    maxAttempts: number | null;
    promptMaxChars: number;
    /** Per-user Gemini calls per minute / per Pacific day (0 = no limit). */
    userRpm: number;
    userRpd: number;
  };
  readonly rotation!: {
    enabled: boolean;
    keysFile: string;
    stickyTtlMs: number;
    /** How long a slot handed out with a 429's Retry-After waits for its caller; 0 = no slots. */
    slotHoldMs: number;
    probeIntervalMs: number;
    cooldownBaseMs: number;
    cooldownCapMs: number;
    adminToken: string | null;
  };
  readonly secrets!: SecretsConfig;
  readonly auth!: AuthConfig;
  readonly marketData!: {
    source: 'synthetic' | 'csv' | 'yahoo';
    csvDir: string | null;
    timeoutMs: number;
    /** Seconds stored bars stay fresh for daily and longer intervals (intraday: one bar at most); 0 = off. */
    storeMaxAgeSec: number;
    upsertBatch: number;
  };
  readonly bots!: BotsConfig;
  /** Backtest runs executed at once by this process. */
  readonly backtests!: BacktestsConfig;
  readonly jobs!: JobsConfig;
  /** Fetching strategy pages for `input_type: url` (SSRF-guarded). */
  readonly urlFetch!: { timeoutMs: number; maxBytes: number; allowHosts: string[] };
  /** Not errors, logged once at boot: variables with one of our prefixes that nothing reads (typos). */
  readonly warnings!: string[];
}

export interface BotsConfig {
  /** Generated bots are also written here as `<name>.js`. */
  dir: string;
  timeoutMs: number;
  memoryMb: number;
  maxConcurrent: number;
  /** Idle bot processes kept ready (each is used for exactly one run). */
  warmProcesses: number;
  queueMax: number;
  outputCapBytes: number;
}

export interface BacktestsConfig {
  /** Runs executed at once by this process. */
  workers: number;
  /** Pause between two candles of the stream. */
  streamCandleMs: number;
  streamMaxPerUser: number;
  /** Browser origins allowed to open WebSockets (lower case, no trailing slash); empty = same host only. */
  wsAllowedOrigins: string[];
}

export interface JobsConfig {
  /** Whether this API process consumes jobs too (`npm run worker` always does). */
  workerMode: 'inline' | 'off';
  /** Jobs of one kind run at once per process. */
  concurrency: { default: number; perKind: Record<string, number> };
  attempts: number;
  backoffMs: number;
  lockMs: number;
}

export interface AuthConfig {
  jwtSecret: string;
  /** JWT_SECRET was unset: a random secret was made at boot, so tokens do not survive a restart. */
  jwtSecretGenerated: boolean;
  issuer: string;
  accessTtlSec: number;
  refreshTtlSec: number;
  allowAnonymous: boolean;
  /** Failed logins allowed per username inside `loginWindowMs`; per client address four times as many. */
  loginMaxAttempts: number;
  loginWindowMs: number;
  /**
   * How long this process keeps what the database said about an access token (its user, not blacklisted);
   * revocations are still checked in the state store on every call. 0 = read the database every time.
   */
  cacheTtlMs: number;
}

/** Key secrets as found in the environment (the `env` provider's source). */
export interface EnvKeys {
  /** `GEMINI_KEY_<suffix>` → value, suffix exactly as written. */
  perKey: Record<string, string>;
  /** `GEMINI_API_KEYS=a,b,c` in order. */
  list: string[];
  /** `GEMINI_API_KEY`. */
  single: string | null;
}

export interface SecretsConfig {
  type: 'env' | 'vault' | 'aws' | 'azure';
  refreshIntervalMs: number;
  timeoutMs: number;
  bundleName: string | null;
  env: EnvKeys;
  vault: {
    addr: string;
    token: string | null;
    roleId: string | null;
    secretId: string | null;
    namespace: string | null;
    mount: string;
    path: string;
  } | null;
  aws: {
    region: string;
    prefix: string;
    endpoint: string | null;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
  } | null;
  azure: { vaultUrl: string; clientSecret: { tenantId: string; clientId: string; clientSecret: string } | null } | null;
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

/** `512kb`, `1mb`, `100b` (as BODY_LIMIT is validated) → bytes, 1 kb = 1024 b. */
function sizeInBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)$/i.exec(text.trim());
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(m?.[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
  return Math.floor(Number(m?.[1] ?? 0) * unit);
}

function trustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

const KEY_VAR = /^GEMINI_KEY_(.+)$/;
/** Secret-holding variables read here by name besides the schema (and `GEMINI_KEY_<key_id>`, matched by KEY_VAR). */
export const SECRET_ENV_VARIABLES = ['GEMINI_API_KEYS', 'GEMINI_API_KEY'] as const;

function envKeys(raw: Record<string, unknown>, problems: string[]): EnvKeys {
  const perKey: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const m = KEY_VAR.exec(name);
    if (!m || value === undefined) continue;
    const text = asText(value).trim();
    if (!text) problems.push(`${name}: is set but empty`);
    else perKey[m[1]] = text;
  }
  const listRaw = typeof raw.GEMINI_API_KEYS === 'string' ? raw.GEMINI_API_KEYS.trim() : '';
  const list = listRaw ? listRaw.split(',').map((k) => k.trim()) : [];
  if (list.some((k) => !k)) problems.push('GEMINI_API_KEYS: must be a comma-separated list with no empty entries');
  const single = typeof raw.GEMINI_API_KEY === 'string' && raw.GEMINI_API_KEY.trim() ? raw.GEMINI_API_KEY.trim() : null;
  return { perKey, list: list.filter(Boolean), single };
}

function secretsConfig(vars: EnvironmentVariables, env: EnvKeys, problems: string[]): SecretsConfig {
  const type = vars.SECRET_STORE_TYPE ?? 'env';
  const need = (name: keyof EnvironmentVariables, why: string) => {
    if (!vars[name]) problems.push(`${name}: is required ${why}`);
  };
  const base = {
    type,
    refreshIntervalMs: (vars.SECRET_REFRESH_INTERVAL ?? 300) * 1000,
    timeoutMs: vars.SECRET_TIMEOUT_MS ?? 5000,
    bundleName: vars.SECRET_BUNDLE_NAME ?? null,
    env,
  };
  let vault: SecretsConfig['vault'] = null;
  let aws: SecretsConfig['aws'] = null;
  let azure: SecretsConfig['azure'] = null;
  if (type === 'vault') {
    need('VAULT_ADDR', 'when SECRET_STORE_TYPE=vault');
    const appRole = Boolean(vars.VAULT_ROLE_ID || vars.VAULT_SECRET_ID);
    if (!vars.VAULT_TOKEN && !appRole)
      problems.push('VAULT_TOKEN: is required when SECRET_STORE_TYPE=vault (or set VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole)');
    if (appRole) {
      need('VAULT_ROLE_ID', 'with VAULT_SECRET_ID (AppRole login)');
      need('VAULT_SECRET_ID', 'with VAULT_ROLE_ID (AppRole login)');
    }
    vault = {
      addr: (vars.VAULT_ADDR ?? '').replace(/\/+$/, ''),
      token: vars.VAULT_TOKEN ?? null,
      roleId: vars.VAULT_ROLE_ID ?? null,
      secretId: vars.VAULT_SECRET_ID ?? null,
      namespace: vars.VAULT_NAMESPACE ?? null,
      mount: vars.VAULT_MOUNT ?? 'secret',
      path: vars.VAULT_SECRET_PATH ?? 'secret/algoagent',
    };
  }
  if (type === 'aws') {
    need('AWS_REGION', 'when SECRET_STORE_TYPE=aws');
    if (Boolean(vars.AWS_ACCESS_KEY_ID) !== Boolean(vars.AWS_SECRET_ACCESS_KEY)) {
      problems.push('AWS_ACCESS_KEY_ID: and AWS_SECRET_ACCESS_KEY must be set together (or neither, for the default credential chain)');
    }
    aws = {
      region: vars.AWS_REGION ?? '',
      prefix: vars.AWS_SECRET_PREFIX ?? 'algoagent/',
      endpoint: vars.AWS_ENDPOINT_URL ?? null,
      credentials:
        vars.AWS_ACCESS_KEY_ID && vars.AWS_SECRET_ACCESS_KEY
          ? {
              accessKeyId: vars.AWS_ACCESS_KEY_ID,
              secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
              ...(vars.AWS_SESSION_TOKEN ? { sessionToken: vars.AWS_SESSION_TOKEN } : {}),
            }
          : null,
    };
  }
  if (type === 'azure') {
    need('AZURE_VAULT_URL', 'when SECRET_STORE_TYPE=azure');
    const parts = [vars.AZURE_TENANT_ID, vars.AZURE_CLIENT_ID, vars.AZURE_CLIENT_SECRET];
    const given = parts.filter(Boolean).length;
    if (given > 0 && given < 3)
      problems.push(
        'AZURE_CLIENT_SECRET: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET go together (or none, for DefaultAzureCredential)',
      );
    azure = {
      vaultUrl: (vars.AZURE_VAULT_URL ?? '').replace(/\/+$/, ''),
      clientSecret:
        given === 3 ? { tenantId: vars.AZURE_TENANT_ID!, clientId: vars.AZURE_CLIENT_ID!, clientSecret: vars.AZURE_CLIENT_SECRET! } : null,
    };
  }
  return { ...base, vault, aws, azure };
}

/** The local frontend dev servers Django's CORS_ALLOWED_ORIGINS listed. */
export const DEV_CORS_ORIGINS = [3000, 8080, 5173].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);

/** CORS_ORIGINS as a list; unset → Django's local dev servers outside production, none in production. */
function corsOrigins(raw: string | undefined, env: AppConfig['env']): string[] {
  if (raw === undefined) return env === 'production' ? [] : DEV_CORS_ORIGINS;
  return raw
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

/** `2,ai_developer.run=1` → default 2, ai_developer.run 1 (already checked by the schema's pattern). */
function jobConcurrency(value: string | undefined): JobsConfig['concurrency'] {
  const result: JobsConfig['concurrency'] = { default: 2, perKind: {} };
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, n] = part.includes('=') ? part.split('=') : [null, part];
    const count = Math.max(1, Number(n));
    if (kind) result.perKind[kind] = count;
    else result.default = count;
  }
  return result;
}

/** Validates the raw environment and returns the typed config (defaults applied). */
export function loadAppConfig(raw: Record<string, unknown>): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, raw, { excludeExtraneousValues: false });
  const problems = describe(validateSync(vars, { skipMissingProperties: false, whitelist: false }));
  const keys = envKeys(raw, problems);
  const secrets = secretsConfig(vars, keys, problems);
  const cooldownBaseMs = vars.COOLDOWN_BASE_MS ?? 30000;
  const cooldownCapMs = vars.COOLDOWN_CAP_MS ?? 300000;
  if (cooldownBaseMs > cooldownCapMs) problems.push('COOLDOWN_BASE_MS: must not be greater than COOLDOWN_CAP_MS');
  const geminiTimeoutMs = vars.GEMINI_TIMEOUT_MS ?? 60000;
  if (vars.GEMINI_ATTEMPT_TIMEOUT_MS !== undefined && vars.GEMINI_ATTEMPT_TIMEOUT_MS > geminiTimeoutMs) {
    problems.push('GEMINI_ATTEMPT_TIMEOUT_MS: must not be greater than GEMINI_TIMEOUT_MS');
  }
  const env = vars.NODE_ENV ?? 'development';
  if (env === 'production' && !vars.JWT_SECRET) problems.push('JWT_SECRET: is required when NODE_ENV=production (at least 32 characters)');
  const dataSource = vars.DATA_SOURCE ?? 'synthetic';
  if (dataSource === 'csv' && !vars.MARKET_DATA_CSV_DIR) problems.push('MARKET_DATA_CSV_DIR: is required when DATA_SOURCE=csv');
  if (vars.METRICS_PORT && vars.METRICS_PORT === (vars.PORT ?? 8000))
    problems.push('METRICS_PORT: must differ from PORT (unset it to serve /metrics on the API port)');
  if (problems.length > 0) throw new ConfigValidationError(problems);

  return Object.freeze({
    env,
    http: {
      port: vars.PORT ?? 8000,
      host: vars.HOST ?? '0.0.0.0',
      bodyLimit: vars.BODY_LIMIT ?? '1mb',
      bodyLimitBytes: sizeInBytes(vars.BODY_LIMIT ?? '1mb'),
      docsEnabled: vars.DOCS_ENABLED ?? env !== 'production',
      metricsToken: vars.METRICS_TOKEN ?? null,
      metricsPort: vars.METRICS_PORT ?? null,
      shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS ?? 10000,
      trustProxy: trustProxy(vars.TRUST_PROXY),
      corsOrigins: corsOrigins(vars.CORS_ORIGINS, env),
    },
    log: { level: vars.LOG_LEVEL ?? (env === 'test' ? 'warn' : 'info'), pretty: vars.LOG_PRETTY ?? false },
    database: {
      target: databaseTarget(vars.DATABASE_URL, vars.DATABASE_POOL_SIZE ?? 10),
      schema: vars.DATABASE_SCHEMA ?? 'public',
    },
    redis: {
      url: vars.REDIS_URL ?? null,
      clusterNodes: vars.REDIS_CLUSTER_NODES
        ? vars.REDIS_CLUSTER_NODES.split(',').map((n) => {
            const cut = n.lastIndexOf(':');
            return { host: n.slice(0, cut), port: Number(n.slice(cut + 1)) };
          })
        : null,
      keyPrefix: vars.REDIS_KEY_PREFIX ?? 'algoagent:',
      commandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS ?? 1000,
      failOpen: (vars.STATE_STORE_FAIL_MODE ?? 'open') === 'open',
    },
    gemini: {
      baseUrl: vars.GEMINI_BASE_URL?.replace(/\/+$/, '') ?? null,
      defaultModel: vars.GEMINI_DEFAULT_MODEL ?? 'gemini-2.5-flash',
      timeoutMs: geminiTimeoutMs,
      attemptTimeoutMs: vars.GEMINI_ATTEMPT_TIMEOUT_MS ?? Math.max(500, Math.floor(geminiTimeoutMs / 3)),
      maxWaitMs: vars.GEMINI_MAX_WAIT_MS ?? 20000,
      maxAttempts: vars.GEMINI_MAX_ATTEMPTS ?? null,
      promptMaxChars: vars.PROMPT_MAX_CHARS ?? 30000,
      userRpm: vars.AI_USER_RPM ?? 20,
      userRpd: vars.AI_USER_RPD ?? 500,
    },
    rotation: {
      enabled: vars.ENABLE_KEY_ROTATION ?? true,
      keysFile: vars.KEYS_FILE ?? './keys.json',
      stickyTtlMs: (vars.STICKY_TTL_SECONDS ?? 3600) * 1000,
      slotHoldMs: vars.RETRY_SLOT_HOLD_MS ?? 0,
      probeIntervalMs: (vars.KEY_PROBE_INTERVAL_SECONDS ?? 600) * 1000,
      cooldownBaseMs,
      cooldownCapMs,
      adminToken: vars.ADMIN_API_TOKEN ?? null,
    },
    secrets,
    auth: {
      jwtSecret: vars.JWT_SECRET ?? randomBytes(48).toString('base64url'),
      jwtSecretGenerated: !vars.JWT_SECRET,
      issuer: 'algoagent-api',
      accessTtlSec: 3600,
      refreshTtlSec: 7 * 24 * 3600,
      allowAnonymous: vars.ALLOW_ANONYMOUS ?? false,
      loginMaxAttempts: vars.AUTH_LOGIN_MAX_ATTEMPTS ?? 5,
      loginWindowMs: 15 * 60 * 1000,
      cacheTtlMs: vars.AUTH_CACHE_TTL_MS ?? 30_000,
    },
    marketData: {
      source: dataSource,
      csvDir: vars.MARKET_DATA_CSV_DIR ?? null,
      timeoutMs: vars.MARKET_DATA_TIMEOUT_MS ?? 15000,
      storeMaxAgeSec: vars.MARKET_DATA_STORE_MAX_AGE_SECONDS ?? 86400,
      upsertBatch: vars.MARKET_DATA_UPSERT_BATCH ?? 1000,
    },
    bots: {
      dir: vars.BOTS_DIR ?? './data/bots',
      timeoutMs: vars.BOT_TIMEOUT_MS ?? 60000,
      memoryMb: vars.BOT_MEMORY_MB ?? 256,
      maxConcurrent: vars.BOT_MAX_CONCURRENT ?? 2,
      warmProcesses: vars.BOT_WARM_PROCESSES ?? 1,
      queueMax: vars.BOT_QUEUE_MAX ?? 50,
      outputCapBytes: vars.BOT_OUTPUT_CAP_BYTES ?? 1024 * 1024,
    },
    backtests: {
      workers: vars.BACKTEST_WORKERS ?? 2,
      streamCandleMs: vars.BACKTEST_STREAM_CANDLE_MS ?? 20,
      streamMaxPerUser: vars.BACKTEST_STREAM_MAX_PER_USER ?? 2,
      wsAllowedOrigins: (vars.WS_ALLOWED_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim().toLowerCase().replace(/\/+$/, ''))
        .filter(Boolean),
    },
    jobs: {
      workerMode: vars.WORKER_MODE ?? 'inline',
      concurrency: jobConcurrency(vars.JOB_CONCURRENCY),
      attempts: vars.JOB_ATTEMPTS ?? 3,
      backoffMs: vars.JOB_BACKOFF_MS ?? 2000,
      lockMs: vars.JOB_LOCK_MS ?? 30000,
    },
    urlFetch: {
      timeoutMs: vars.URL_FETCH_TIMEOUT_MS ?? 10000,
      maxBytes: vars.URL_FETCH_MAX_BYTES ?? 1024 * 1024,
      allowHosts: (vars.URL_FETCH_ALLOW_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
    warnings: unknownVariableWarnings(raw),
  });
}
