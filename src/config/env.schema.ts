import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;
export const SECRET_STORES = ['env', 'vault', 'aws', 'azure'] as const;
export const DATA_SOURCES = ['synthetic', 'csv', 'yahoo'] as const;
export const WORKER_MODES = ['inline', 'off'] as const;

/** "true"/"false"/"1"/"0"/"yes"/"no" → boolean; anything else stays as given so validation names it. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
}

/** Numeric text → number (NaN when not numeric, which validation then names); empty → unset. */
function toNumber({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? undefined : Number(value);
}

/** Empty strings count as "not set", so `PORT=` in a .env file means the default. */
function emptyToUndefined({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/**
 * Every environment variable the service reads, with its rule. Defaults live in `app-config.ts`.
 * Documented one by one in `.env.example` and the README.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  HOST?: string;

  /** Express `trust proxy`: false (default), true, a hop count, or comma-separated addresses/CIDRs. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*|loopback|linklocal|uniquelocal)$/, {
    message: 'must be true, false, a hop count, or comma-separated proxy addresses/CIDRs',
  })
  TRUST_PROXY?: string;

  /** Comma list of browser origins allowed by CORS (scheme://host[:port]); empty = none. */
  @IsOptional()
  @Matches(/^\s*$|^\s*https?:\/\/[A-Za-z0-9.[\]:-]+\s*(,\s*https?:\/\/[A-Za-z0-9.[\]:-]+\s*)*$/, {
    message: 'must be a comma-separated list of origins such as http://localhost:5173 (no paths, no *)',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\d+(\.\d+)?\s*(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' })
  BODY_LIMIT?: string;

  /** Swagger UI at /docs and the document at /docs-json (default: on, except with NODE_ENV=production). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DOCS_ENABLED?: boolean;

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (at least 16 characters). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /**
   * Serve /metrics on this port only (its own listener, also in `npm run worker`), so the metrics stay off the
   * public port; the API port then answers 404 for /metrics.
   */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  LOG_PRETTY?: boolean;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(postgres(ql)?:\/\/.+|pglite:\/\/.+)$/, {
    message: 'must be postgres://user@host:port/db, pglite://memory or pglite://<folder>',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lowercase SQL identifier' })
  DATABASE_SCHEMA?: string;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/.+/, { message: 'must be redis://host:port[/db] or rediss://…' })
  REDIS_URL?: string;

  /** Redis Cluster seed nodes for the state store, `host:port,host:port`; takes precedence over REDIS_URL there. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, { message: 'must be host:port[,host:port…]' })
  REDIS_CLUSTER_NODES?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9:_-]*$/, { message: 'may hold only letters, digits, ":", "_" and "-"' })
  REDIS_KEY_PREFIX?: string;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(50)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS?: number;

  /** open: keep serving from local memory while Redis is down (degraded); closed: answer 503. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['open', 'closed'])
  STATE_STORE_FAIL_MODE?: 'open' | 'closed';

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(120000)
  SHUTDOWN_TIMEOUT_MS?: number;

  // --- Gemini and key rotation -------------------------------------------------------------------

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  ENABLE_KEY_ROTATION?: boolean;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  KEYS_FILE?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  GEMINI_BASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9][a-z0-9.-]{1,63}$/, { message: 'must be a model name such as gemini-2.5-flash' })
  GEMINI_DEFAULT_MODEL?: string;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(600000)
  GEMINI_TIMEOUT_MS?: number;

  /** Longest one attempt may take; shorter than GEMINI_TIMEOUT_MS so a hanging key leaves room for another. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(500)
  @Max(600000)
  GEMINI_ATTEMPT_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(120000)
  GEMINI_MAX_WAIT_MS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(8)
  GEMINI_MAX_ATTEMPTS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(1000000)
  PROMPT_MAX_CHARS?: number;

  /** Gemini calls one user (or one anonymous address) may make per minute; 0 = no limit. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(100000)
  AI_USER_RPM?: number;

  /** Gemini calls one user (or one anonymous address) may make per Pacific day; 0 = no limit. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(10000000)
  AI_USER_RPD?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(604800)
  STICKY_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(60000)
  RETRY_SLOT_HOLD_MS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(5)
  @Max(86400)
  KEY_PROBE_INTERVAL_SECONDS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(3600000)
  COOLDOWN_BASE_MS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(86400000)
  COOLDOWN_CAP_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_API_TOKEN?: string;

  // --- Auth ----------------------------------------------------------------------------------------

  /** HS256 signing secret of the JWTs. Required in production; generated at boot (with a warning) otherwise. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  /** true: requests without a token act as one anonymous user (local demos); the auth endpoints still need a token. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  ALLOW_ANONYMOUS?: boolean;

  /** Failed logins allowed per username in 15 minutes (per client address: four times as many). */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(1000)
  AUTH_LOGIN_MAX_ATTEMPTS?: number;

  /**
   * Milliseconds an API process trusts the database's answer for an access token (user row, blacklist); logout,
   * password change and deactivation still take effect at once on every replica. 0 = no cache.
   */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUTH_CACHE_TTL_MS?: number;

  // --- Secret store --------------------------------------------------------------------------------

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(SECRET_STORES)
  SECRET_STORE_TYPE?: (typeof SECRET_STORES)[number];

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(5)
  @Max(86400)
  SECRET_REFRESH_INTERVAL?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(60000)
  SECRET_TIMEOUT_MS?: number;

  /** Name of one secret holding `{ "<key_id>": "<secret>" }`, fetched besides (or instead of) per-key secrets. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(512)
  SECRET_BUNDLE_NAME?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  VAULT_ADDR?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  VAULT_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  VAULT_ROLE_ID?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  VAULT_SECRET_ID?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  VAULT_NAMESPACE?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9_./-]+$/, { message: 'must be a path such as secret/algoagent' })
  VAULT_SECRET_PATH?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'must be a mount name such as secret' })
  VAULT_MOUNT?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as us-east-1' })
  AWS_REGION?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(256)
  AWS_SECRET_PREFIX?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  AWS_ENDPOINT_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  AWS_ACCESS_KEY_ID?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  AWS_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  AWS_SESSION_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL such as https://my-vault.vault.azure.net' })
  AZURE_VAULT_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  AZURE_TENANT_ID?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  AZURE_CLIENT_ID?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  AZURE_CLIENT_SECRET?: string;

  /** Where market data comes from: seeded synthetic bars (default), a folder of SYMBOL.csv files, or Yahoo Finance. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(DATA_SOURCES, { message: `must be one of ${DATA_SOURCES.join(', ')}` })
  DATA_SOURCE?: (typeof DATA_SOURCES)[number];

  /** Folder of `SYMBOL.csv` files (date,open,high,low,close,volume); required when DATA_SOURCE=csv. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(1024)
  MARKET_DATA_CSV_DIR?: string;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(500)
  @Max(120000)
  MARKET_DATA_TIMEOUT_MS?: number;

  /** How long stored bars (from `/api/data/api/fetch_data/`) serve backtests instead of the source; 0 = never. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(31_536_000)
  MARKET_DATA_STORE_MAX_AGE_SECONDS?: number;

  /** Rows per INSERT … ON CONFLICT batch when fetch_data stores bars. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(5000)
  MARKET_DATA_UPSERT_BATCH?: number;

  /** Folder where generated bots are also written as files. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(1024)
  BOTS_DIR?: string;

  /** Wall-clock limit of one sandboxed bot run. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(600000)
  BOT_TIMEOUT_MS?: number;

  /** Heap limit (--max-old-space-size) of one sandboxed bot run, in MB. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(32)
  @Max(4096)
  BOT_MEMORY_MB?: number;

  /** Sandboxed runs executing at once; more wait in a queue. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(64)
  BOT_MAX_CONCURRENT?: number;

  /** Bot processes started ahead of time, idle until a run takes one (hides the ~40 ms process start). 0 = off. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(8)
  BOT_WARM_PROCESSES?: number;

  /** Runs allowed to wait in the queue before new ones are refused with 429. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(10000)
  BOT_QUEUE_MAX?: number;

  /** Bytes of output (stdout + stderr + ctx.log) one run may produce before it is stopped. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(104857600)
  BOT_OUTPUT_CAP_BYTES?: number;

  /** Backtest runs (`/api/backtests/api/run_backtest/`) executing at once in this process; more wait queued. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(64)
  BACKTEST_WORKERS?: number;

  /** Pause between two candles of `ws/backtest/stream/` (ms); 0 = as fast as the socket takes them. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(1000)
  BACKTEST_STREAM_CANDLE_MS?: number;

  /** Backtest streams one user may have open at once (across replicas when Redis is configured). */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100)
  BACKTEST_STREAM_MAX_PER_USER?: number;

  /** Comma list of browser origins allowed to open WebSockets; empty = same host as the request only. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(4096)
  WS_ALLOWED_ORIGINS?: string;

  /** `inline`: this API process also consumes jobs; `off`: it only enqueues (run `npm run worker` beside it). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(WORKER_MODES)
  WORKER_MODE?: (typeof WORKER_MODES)[number];

  /** Jobs of one kind a process runs at once: `2`, or a default plus per-kind values `2,ai_developer.run=1`. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(\d{1,3}|[a-z_]+\.[a-z_]+=\d{1,3})(,\s*[a-z_]+\.[a-z_]+=\d{1,3})*$/, {
    message: 'must be a number, optionally followed by kind=number pairs (2,ai_developer.run=1)',
  })
  JOB_CONCURRENCY?: string;

  /** Tries of a job whose failure is not the bot's fault (worker died, database hiccup). */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(20)
  JOB_ATTEMPTS?: number;

  /** First retry delay; doubles with each attempt. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(600000)
  JOB_BACKOFF_MS?: number;

  /** A running job's lock lasts this long and is renewed at half; a worker that died loses its jobs to others after it. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(600000)
  JOB_LOCK_MS?: number;

  /** Timeout of fetching a strategy page for `input_type: url`. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(500)
  @Max(60000)
  URL_FETCH_TIMEOUT_MS?: number;

  /** Largest page fetched for `input_type: url`, in bytes. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(10485760)
  URL_FETCH_MAX_BYTES?: number;

  /** Comma list of host:port allowed even though they resolve to private/loopback addresses (an internal docs server). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9.\-[\]:]+(,[A-Za-z0-9.\-[\]:]+)*$/, { message: 'must be a comma-separated list of host:port' })
  URL_FETCH_ALLOW_HOSTS?: string;
}
