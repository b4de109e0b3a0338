import { DateTime } from 'luxon';

/** Gemini's requests-per-day quotas reset at midnight in this zone (DST-aware). */
export const PACIFIC_ZONE = 'America/Los_Angeles';

function inPacific(nowMs: number): DateTime {
  if (!Number.isFinite(nowMs)) {
    throw new RangeError(`expected a finite epoch-ms number, got ${nowMs}`);
  }
  const local = DateTime.fromMillis(nowMs, { zone: PACIFIC_ZONE });
  if (!local.isValid) {
    throw new RangeError(`cannot place ${nowMs} in ${PACIFIC_ZONE}: ${local.invalidExplanation ?? 'invalid'}`);
  }
  return local;
}

/**
 * Epoch ms of the next midnight in America/Los_Angeles strictly after `nowMs`.
 * At exactly midnight the answer is the following midnight (the day just started).
 * Calendar arithmetic, so the Pacific day is 23 h on the spring-forward day and 25 h on the fall-back day.
 */
export function nextPacificMidnight(nowMs: number): number {
  return inPacific(nowMs).startOf('day').plus({ days: 1 }).toMillis();
}

/** The Pacific calendar day containing `nowMs`, as `YYYY-MM-DD` (handy as an RPD bucket id). */
export function pacificDay(nowMs: number): string {
  return inPacific(nowMs).toISODate() as string;
}
