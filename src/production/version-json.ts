import { iso } from '../strategy/records/params';
import type { VersionRow } from './versions/strategy-versions.repository';

/** A version without its code (lists). */
export function versionSummaryJson(v: VersionRow, current: number | null) {
  return {
    number: v.number,
    content_hash: v.contentHash,
    code_hash: v.codeHash,
    message: v.message,
    tag: v.tag,
    is_current: v.number === current,
    test_run_id: v.testRunId,
    created_by: { id: v.createdBy, username: v.createdByName },
    created_at: iso(v.createdAt)!,
  };
}

/** A version with everything it froze. */
export function versionJson(v: VersionRow, current: number | null) {
  return {
    ...versionSummaryJson(v, current),
    strategy_id: v.strategyId,
    code: v.code,
    parameters: v.parameters,
    test_result: v.testResult,
  };
}
