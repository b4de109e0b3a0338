/**
 * Path/query parsing and the small validators the record endpoints share. Ids are PostgreSQL `integer`s, so
 * anything that is not 1..2^31-1 is a 400 naming the field (never a 500 from the database).
 */
import { ValidateBy, ValidationOptions } from 'class-validator';
import { DomainError } from '../../common/domain-error';
import { invalid, positiveId } from '../../common/path-id';

export { invalid, MAX_ID, PathId, positiveId } from '../../common/path-id';
export { pageNumber } from '../../common/page';

export { PAGE_SIZE } from '../../common/page';
export const MAX_INT = 2_147_483_647;

/** The same for an optional query filter: absent or empty → undefined. */
export function optionalId(raw: string | undefined, field: string): number | undefined {
  return raw === undefined || raw === '' ? undefined : positiveId(raw, field);
}

/** django-filter's boolean values: true/false/1/0 (any case); absent or empty → undefined. */
export function optionalBool(raw: string | undefined, field: string): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalid(field, `${field} must be true or false`);
}

/** No `Infinity`/`NaN` anywhere inside a JSON value (`1e400` parses to Infinity). */
function allFinite(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.every((v) => allFinite(v, depth + 1));
  if (value && typeof value === 'object') return Object.values(value).every((v) => allFinite(v, depth + 1));
  return true;
}

export function AllFinite(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'allFinite',
      validator: {
        validate: (value: unknown) => allFinite(value),
        defaultMessage: (args) => `${args?.property} must not contain non-finite numbers`,
      },
    },
    options,
  );
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** A real calendar date `YYYY-MM-DD` (2025-02-31 is not). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const d = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && d.getUTCFullYear() >= 1;
        },
        defaultMessage: (args) => `${args?.property} must be a date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** `{ strategy: ['Invalid pk "9" - object does not exist.'] }`, DRF's words for a missing (or not yours) strategy. */
export function noSuchStrategy(field: string, id: number): DomainError {
  return invalid(field, `Invalid pk "${id}" - object does not exist.`);
}
