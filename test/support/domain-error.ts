import { DomainError } from '../../src/common/domain-error';

/** The DomainError a call fails with (any other error is rethrown; a call that succeeds fails the test). */
export async function domainError(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected the call to fail with a DomainError');
}
