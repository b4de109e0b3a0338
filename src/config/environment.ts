import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables } from './env.schema';

/**
 * The raw environment the service is configured from: `.env` in the working directory (if present), overridden
 * by the real environment — the same precedence `@nestjs/config` uses. Read once, in `main.ts`, before Nest boots,
 * so a bad value is reported as plain lines instead of through Nest's exception handler.
 */
export function readEnvironment(cwd: string = process.cwd()): Record<string, string | undefined> {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Prefixes of our own variables: a name with one of these that we do not read is most likely a typo. */
const OWN_PREFIXES = [
  'ADMIN_',
  'AUTH_',
  'BOT_',
  'BOTS_',
  'COOLDOWN_',
  'DATABASE_',
  'GEMINI_',
  'JWT_',
  'KEY_',
  'KEYS_',
  'LOG_',
  'MARKET_DATA_',
  'PROMPT_',
  'REDIS_',
  'SECRET_',
  'SHUTDOWN_',
  'STATE_STORE_',
  'STICKY_',
  'URL_FETCH_',
  'VAULT_',
];
/** Read outside the schema: per-key secrets and the key lists (`envKeys` in app-config.ts). */
const OWN_PATTERNS = [/^GEMINI_KEY_.+$/, /^GEMINI_API_KEYS?$/];

let schemaNames: Set<string> | null = null;

function knownNames(): Set<string> {
  schemaNames ??= new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((m) => m.propertyName),
  );
  return schemaNames;
}

/**
 * One warning per variable that carries one of our prefixes but is not one we read (`GEMINI_TIMOUT_MS`),
 * so a typo does not silently leave the default in place. Names only — values are never echoed.
 */
export function unknownVariableWarnings(raw: Record<string, unknown>): string[] {
  const known = knownNames();
  return Object.keys(raw)
    .filter((name) => OWN_PREFIXES.some((p) => name.startsWith(p)))
    .filter((name) => !known.has(name) && !OWN_PATTERNS.some((re) => re.test(name)))
    .sort()
    .map((name) => `${name}: is not a variable this service reads (a typo?); it is ignored`);
}
