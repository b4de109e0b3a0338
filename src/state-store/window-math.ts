/**
 * Sliding-window arithmetic shared by the memory store (and mirrored in the Redis Lua script):
 * an entry taken at `ts` counts while `ts > now - windowMs`.
 */
export interface WindowEntry {
  id: string;
  ts: number;
  cost: number;
}

export function liveEntries(entries: WindowEntry[], windowMs: number, nowMs: number): WindowEntry[] {
  const cutoff = nowMs - windowMs;
  return entries.filter((e) => e.ts > cutoff);
}

export function windowTotal(entries: WindowEntry[]): number {
  return entries.reduce((sum, e) => sum + e.cost, 0);
}

/**
 * Milliseconds until `cost` more fits under `limit`, given live entries sorted by time;
 * 0 if it fits now, `null` if it never can.
 */
export function windowRetryAfter(live: WindowEntry[], limit: number, windowMs: number, cost: number, nowMs: number): number | null {
  if (cost > limit) return null;
  const excess = windowTotal(live) + cost - limit;
  if (excess <= 0) return 0;
  let freed = 0;
  for (const e of live) {
    freed += e.cost;
    if (freed >= excess) return Math.max(1, e.ts + windowMs - nowMs);
  }
  return windowMs;
}
