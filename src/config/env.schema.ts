import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

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
  @IsOptional() @IsIn(NODE_ENVS)
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @IsOptional() @Transform(toNumber)
  @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @Transform(emptyToUndefined) @IsString()
  HOST?: string;

  @IsOptional() @Transform(emptyToUndefined)
  @Matches(/^\d+(\.\d+)?\s*(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' })
  BODY_LIMIT?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsIn(LOG_LEVELS)
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  LOG_PRETTY?: boolean;

  @IsOptional() @Transform(emptyToUndefined)
  @Matches(/^(postgres(ql)?:\/\/.+|pglite:\/\/.+)$/, {
    message: 'must be postgres://user@host:port/db, pglite://memory or pglite://<folder>',
  })
  DATABASE_URL?: string;

  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lowercase SQL identifier' })
  DATABASE_SCHEMA?: string;

  @IsOptional() @Transform(toNumber)
  @IsInt() @Min(1) @Max(100)
  DATABASE_POOL_SIZE?: number;

  @IsOptional() @Transform(emptyToUndefined) @Matches(/^rediss?:\/\/.+/, { message: 'must be redis://host:port[/db] or rediss://…' })
  REDIS_URL?: string;

  @IsOptional() @Transform(emptyToUndefined) @MaxLength(64) @Matches(/^[A-Za-z0-9:_-]*$/, { message: 'may hold only letters, digits, ":", "_" and "-"' })
  REDIS_KEY_PREFIX?: string;

  @IsOptional() @Transform(toNumber)
  @IsInt() @Min(50) @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS?: number;

  @IsOptional() @Transform(toNumber)
  @IsInt() @Min(100) @Max(120000)
  SHUTDOWN_TIMEOUT_MS?: number;
}
