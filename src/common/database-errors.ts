import { DomainError, ErrorCode } from './domain-error';

/** Seconds a client should wait after the database failed to answer. */
export const DATABASE_RETRY_AFTER_SEC = 5;

interface PgLikeError {
  code?: unknown;
  column?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** Error codes of node-postgres / Node sockets that mean "the server is not there". */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /Query read timeout/i,
  /connect ECONNREFUSED/i,
  /PGlite is closed/i,
];

/** The error and each `cause` below it (Drizzle wraps the driver's error as `cause`). */
function chain(err: unknown): PgLikeError[] {
  const out: PgLikeError[] = [];
  let current: unknown = err;
  while (current && typeof current === 'object' && out.length < 5) {
    out.push(current);
    current = (current as PgLikeError).cause;
  }
  return out;
}

function sqlState(err: unknown): { code: string; column: string | null } | null {
  for (const e of chain(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
      return { code: e.code, column: typeof e.column === 'string' ? e.column : null };
  }
  return null;
}

/** True when `err` says the database could not be reached or went away (not that the query was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const state = sqlState(err);
  if (state) return state.code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '57014'].includes(state.code);
  return chain(err).some(
    (e) =>
      (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) ||
      (typeof e.message === 'string' && CONNECTION_MESSAGES.some((re) => re.test(e.message as string))),
  );
}

function invalidField(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });
}

/**
 * A database failure as the client should see it, or `null` when it is not one the client caused or can wait
 * out (then it stays a logged 500). Unreachable database → 503 + Retry-After; data the database refuses
 * (NUL bytes, out-of-range numbers, a null for a required column…) → 400 naming the column when it is known;
 * a unique or foreign-key conflict → 409 / 400. Never echoes the query or its parameters.
 */
export function databaseErrorToDomain(err: unknown): DomainError | null {
  if (isDatabaseUnavailable(err)) {
    return new DomainError(
      ErrorCode.DatabaseUnavailable,
      'Database unavailable',
      'The database did not answer; try again shortly',
      DATABASE_RETRY_AFTER_SEC,
    );
  }
  const state = sqlState(err);
  if (!state) return null;
  const field = state.column ?? 'request';
  switch (state.code) {
    case '23502':
      return invalidField(field, 'This field may not be null.');
    case '23505':
      return new DomainError(ErrorCode.Conflict, 'Already exists', 'An object with these values already exists');
    case '23503':
      return invalidField(field, 'Refers to an object that does not exist.');
    case '22001':
      return invalidField(field, 'Ensure this field has no more characters than allowed.');
    case '22003':
      return invalidField(field, 'A number is out of range.');
    case '22021':
    case '22P05':
      return invalidField(field, 'Text holds characters that cannot be stored (such as NUL).');
    case '22P02':
    case '22007':
    case '22008':
    case '22023':
    case '2202E':
      return invalidField(field, 'A value has the wrong format.');
    case '40001':
    case '40P01':
      return new DomainError(ErrorCode.DatabaseUnavailable, 'Database busy', 'The change collided with another one; try again', 1);
    default:
      return null;
  }
}

/** What may be logged about a database error: its SQLSTATE and the driver's message, never the parameters. */
export function describeDatabaseError(err: unknown): string | null {
  const state = sqlState(err);
  const isQueryError = chain(err).some((e) => typeof e.message === 'string' && e.message.startsWith('Failed query:'));
  if (!state && !isQueryError) return null;
  const driver = chain(err).find((e) => typeof e.message === 'string' && !e.message.startsWith('Failed query:'));
  const query = chain(err)
    .map((e) => (typeof e.message === 'string' ? /^Failed query: ([\s\S]*?)\nparams:/.exec(e.message)?.[1] : undefined))
    .find(Boolean);
  // Driver messages quote offending values (`invalid input syntax …: "abc"`): those are user content.
  const message = (typeof driver?.message === 'string' ? driver.message : 'unknown').replace(/"[^"]*"/g, '"…"');
  return `database error${state ? ` ${state.code}` : ''}: ${message}${query ? ` (query: ${query.slice(0, 300)})` : ''}`;
}
