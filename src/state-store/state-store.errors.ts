import { DomainError, ErrorCode } from '../common/domain-error';

/** The state store did not answer (down, timed out, refused). The message never carries its URL. */
export class StateStoreUnavailableError extends DomainError {
  constructor(cause: string) {
    super(ErrorCode.StateStoreUnavailable, 'State store unavailable', cause);
  }
}
