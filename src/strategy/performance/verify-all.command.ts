import type { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { MAX_VERIFY_ALL } from './bot-performance.dto';

export const VERIFY_ALL_KIND = 'bots.verify_all';

/** What a verify_all job does, checked again in the worker (the payload comes back from storage). */
export interface VerifyAllCommand {
  user: AuthUser;
  strategyIds: number[] | null;
  forceRetest: boolean;
}

const bad = (field: string, message: string) =>
  new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });

export function verifyAllCommand(payload: unknown): VerifyAllCommand {
  const p = (payload ?? {}) as Record<string, unknown>;
  const user = p.user as Record<string, unknown> | undefined;
  if (!user || !(user.id === null || Number.isInteger(user.id)) || typeof user.isStaff !== 'boolean')
    throw bad('user', 'user must be {id, username, isStaff}');
  const ids = p.strategyIds;
  if (
    ids !== null &&
    (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_VERIFY_ALL || !ids.every((i) => Number.isInteger(i) && i > 0))
  ) {
    throw bad('strategy_ids', `strategy_ids must be 1 to ${MAX_VERIFY_ALL} positive integers`);
  }
  if (typeof p.forceRetest !== 'boolean') throw bad('force_retest', 'force_retest must be a boolean');
  return {
    user: { id: user.id as number | null, username: typeof user.username === 'string' ? user.username : '', isStaff: user.isStaff },
    strategyIds: ids as number[] | null,
    forceRetest: p.forceRetest,
  };
}
