/** Who may write the shared market data: staff. Everyone signed in reads it; fetch_data writes on its own. */
import { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';

export function requireStaff(user: AuthUser | undefined, what: string): void {
  if (!user?.isStaff) {
    throw new DomainError(
      ErrorCode.Forbidden,
      `Only staff may change ${what}`,
      'Market data is shared reference data: use POST /api/data/api/fetch_data/ to load bars',
    );
  }
}

export const notFound = (what: string, id: number | string) => new DomainError(ErrorCode.NotFound, `${what} not found`, { id });

export const noSuchPk = (field: string, id: number) =>
  new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [`Invalid pk "${id}" - object does not exist.`] });
