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
  return dayOf(nowMs).end;
}

/** The Pacific calendar day containing `nowMs`, as `YYYY-MM-DD` (handy as an RPD bucket id). */
export function pacificDay(nowMs: number): string {
  return dayOf(nowMs).day;
}

interface PacificDay {
  start: number;
  end: number;
  day: string;
}

/**
 * Time-zone maths costs tens of microseconds and every reservation needs it, so the last day computed is
 * remembered: any instant inside [start, end) has the same answer. Still a pure function of `nowMs`.
 */
let last: PacificDay | null = null;

function dayOf(nowMs: number): PacificDay {
  if (last && nowMs >= last.start && nowMs < last.end) return last;
  const local = inPacific(nowMs);
  const start = local.startOf('day');
  last = { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis(), day: local.toISODate() as string };
  return last;
}
