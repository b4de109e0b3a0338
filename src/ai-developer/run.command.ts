import type { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseMarketDataRequest } from '../market-data/market-data.port';
import type { StartRunInput } from './ai-developer.service';

export const AI_RUN_KIND = 'ai_developer.run';

/** One AI developer run as a job: the run's id, who it is for, and what to build. */
export interface RunCommand {
  runId: string;
  user: AuthUser & { id: number };
  input: StartRunInput;
}

const bad = (field: string, message: string) =>
  new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function runCommand(payload: unknown): RunCommand {
  const p = asRecord(payload);
  if (typeof p.runId !== 'string' || !/^run_[0-9a-f]{20}$/.test(p.runId))
    throw bad('run_id', 'run_id must look like run_ followed by 20 hex digits');
  const u = asRecord(p.user);
  if (typeof u.id !== 'number' || !Number.isInteger(u.id) || typeof u.isStaff !== 'boolean')
    throw bad('user', 'user must be {id, username, isStaff}');
  const i = asRecord(p.input);
  if (typeof i.description !== 'string' || i.description.length < 10)
    throw bad('description', 'description must be at least 10 characters');
  if (typeof i.strategyName !== 'string' || i.strategyName.length < 1 || i.strategyName.length > 200) {
    throw bad('strategy_name', 'strategy_name must be 1-200 characters');
  }
  if (typeof i.autoFix !== 'boolean') throw bad('auto_fix', 'auto_fix must be a boolean');
  if (typeof i.maxIterations !== 'number' || !Number.isInteger(i.maxIterations) || i.maxIterations < 1 || i.maxIterations > 10) {
    throw bad('max_iterations', 'max_iterations must be 1-10');
  }
  const testConfig = parseMarketDataRequest(i.testConfig ?? {});
  return {
    runId: p.runId,
    user: { id: u.id, username: typeof u.username === 'string' ? u.username : '', isStaff: u.isStaff },
    input: { description: i.description, strategyName: i.strategyName, autoFix: i.autoFix, maxIterations: i.maxIterations, testConfig },
  };
}
