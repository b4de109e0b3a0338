import { DomainError, ErrorCode } from './domain-error';

/** DRF's texts for the errors its generic views raise (rest_framework/exceptions.py). */
export const DRF_NOT_FOUND = 'Not found.';
export const methodNotAllowed = (method: string): string => `Method "${method}" not allowed.`;

function isFieldMap(details: unknown): details is Record<string, string[]> {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return false;
  const values = Object.values(details);
  return values.length > 0 && values.every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'));
}

/**
 * The body a DRF generic viewset action gave for this domain error, or `null` when DRF had no shape of its
 * own for it (busy/missing dependencies keep this service's `{error, details}`).
 */
export function drfBody(error: DomainError): Record<string, unknown> | null {
  switch (error.code) {
    case ErrorCode.ValidationFailed:
      return isFieldMap(error.details) ? error.details : { non_field_errors: [error.message] };
    case ErrorCode.NotFound:
      return { detail: DRF_NOT_FOUND };
    case ErrorCode.Forbidden:
      return { detail: error.message };
    default:
      return null;
  }
}
