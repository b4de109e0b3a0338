import { Logger } from '@nestjs/common';
import { asText } from '../common/text';
import { describeDatabaseError } from '../common/database-errors';

/** Structured fields of one log line; `err` may hold anything thrown (an Error is serialized with its stack). */
export type LogFields = Record<string, unknown> & { err?: unknown };

/**
 * The logger the project's code uses: a message first, then optional structured fields. Unlike Nest's
 * `Logger` (whose parameters are `any`), a call in the wrong order does not compile, so no line loses its
 * message. Lines go through the app's pino logger (JSON, redacted, scrubbed of secrets).
 */
export class AppLogger {
  constructor(private readonly context: string) {}

  info(message: string, fields?: LogFields): void {
    Logger.log(this.line(message, fields), this.context);
  }

  warn(message: string, fields?: LogFields): void {
    Logger.warn(this.line(message, fields), this.context);
  }

  error(message: string, fields?: LogFields): void {
    Logger.error(this.line(message, fields), undefined, this.context);
  }

  debug(message: string, fields?: LogFields): void {
    Logger.debug(this.line(message, fields), this.context);
  }

  /** A bare message stays a string (readable by Nest's console logger too); with fields, one object. */
  private line(message: string, fields: LogFields | undefined): string | Record<string, unknown> {
    if (!fields) return message;
    const { err, ...rest } = fields;
    return { ...rest, ...(err === undefined ? {} : { err: loggable(err) }), msg: message };
  }
}

/**
 * An error as it may be logged: a database error by its SQLSTATE, driver message and query text only (its
 * parameters carry user content and token ids), anything else thrown as it is.
 */
function loggable(err: unknown): unknown {
  const database = describeDatabaseError(err);
  if (database) return { type: 'DatabaseError', message: database };
  return err instanceof Error ? err : { message: asText(err) };
}
