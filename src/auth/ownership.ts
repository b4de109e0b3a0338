/**
 * Who may see what: a user sees and changes only the rows they created; staff see all. With
 * ALLOW_ANONYMOUS the anonymous user owns the rows created without an account (created_by null).
 */
import { eq, isNull, SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { AuthUser } from './current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';

/** The WHERE condition limiting `ownerColumn` to `user`'s rows, or undefined for staff. */
export function ownedBy(user: AuthUser, ownerColumn: PgColumn): SQL | undefined {
  if (user.isStaff) return undefined;
  return user.id == null ? isNull(ownerColumn) : eq(ownerColumn, user.id);
}

export function canSee(user: AuthUser, ownerId: number | null): boolean {
  return user.isStaff || (ownerId ?? null) === (user.id ?? null);
}

/** The row when `user` may see it; 404 otherwise (existence is not revealed). */
export function visibleOr404<T extends { createdBy: number | null }>(
  user: AuthUser,
  row: T | null | undefined,
  what: string,
  id: number | string,
): T {
  if (!row || !canSee(user, row.createdBy)) throw new DomainError(ErrorCode.NotFound, `${what} not found`, { id });
  return row;
}
