import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { fieldErrors } from '../../common/validation';
import { parseCanonicalInput } from './canonical-input';
import { GenerateWithAutoFixDto } from './strategy-bots.dto';

export const AUTO_FIX_KIND = 'strategy.generate_with_auto_fix';

/** `generate_with_auto_fix/` as a job: who asked, and the request body as posted (checked again in the worker). */
export interface AutoFixCommand {
  /** `id` null for the anonymous user (ALLOW_ANONYMOUS=true). */
  user: AuthUser;
  input: GenerateWithAutoFixDto;
}

const bad = (details: Record<string, string[]>) =>
  new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(details).join(', ')}`, details);

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function autoFixCommand(payload: unknown): AutoFixCommand {
  const p = asRecord(payload);
  const u = asRecord(p.user);
  const id = u.id === null || (typeof u.id === 'number' && Number.isInteger(u.id) && u.id > 0);
  if (!id || typeof u.isStaff !== 'boolean') throw bad({ user: ['user must be {id, username, isStaff}'] });
  const dto = plainToInstance(GenerateWithAutoFixDto, asRecord(p.input));
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw bad(fieldErrors(errors));
  parseCanonicalInput(dto.canonical_json); // a bad canonical_json is a 400 before anything is stored
  const input: GenerateWithAutoFixDto = { canonical_json: dto.canonical_json };
  if (dto.strategy_name !== undefined) input.strategy_name = dto.strategy_name;
  if (dto.strategy_id !== undefined) input.strategy_id = dto.strategy_id;
  if (dto.max_fix_attempts !== undefined) input.max_fix_attempts = dto.max_fix_attempts;
  if (dto.test_config !== undefined) input.test_config = { ...dto.test_config };
  return {
    user: { id: u.id as number | null, username: typeof u.username === 'string' ? u.username : '', isStaff: u.isStaff },
    input,
  };
}
