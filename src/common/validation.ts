import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error';

/** `{ "prompt": ["prompt must be shorter than…"], "config.temperature": [...] }` — dotted paths for nesting. */
export function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, fieldErrors(e.children, path));
  }
  return out;
}

/** The global pipe: unknown fields rejected, types converted, failures as a `validation_failed` domain error. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = fieldErrors(errors);
      return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(details).join(', ')}`, details);
    },
  });
}
