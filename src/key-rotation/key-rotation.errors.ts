import { DomainError, ErrorCode } from '../common/domain-error';

/** Every key that could serve the call is busy; `retryAfterSec` is when the earliest frees up. → 429 */
export class KeysExhaustedError extends DomainError {
  constructor(retryAfterSec: number, details: string) {
    super(ErrorCode.KeysExhausted, 'All Gemini keys are busy', details, Math.max(1, Math.ceil(retryAfterSec)));
  }
}

/** No key can serve at all: none configured, none for the model, or all disabled (with reasons). → 503 */
export class NoUsableKeysError extends DomainError {
  constructor(message: string, details?: unknown) {
    super(ErrorCode.NoUsableKeys, message, details);
  }
}
