/**
 * A sliding window of timestamped, weighted entries: an entry taken at `ts` counts while
 * `ts > now - windowMs`. Entries arrive in time order, so expiry pops from the front and the running
 * total makes every check O(1) amortised, however full the window is. (The Redis Lua script keeps the same
 * total in a companion key.)
 */
export interface WindowEntry {
  id: string;
  ts: number;
  cost: number;
}

export class SlidingWindow {
  private entries: WindowEntry[] = [];
  private head = 0;
  private readonly byId = new Map<string, WindowEntry>();
  total = 0;

  add(entry: WindowEntry): void {
    this.entries.push(entry);
    this.byId.set(entry.id, entry);
    this.total += entry.cost;
  }

  /** Drops entries that left the window. */
  evict(windowMs: number, nowMs: number): void {
    const cutoff = nowMs - windowMs;
    while (this.head < this.entries.length && this.entries[this.head].ts <= cutoff) {
      const e = this.entries[this.head++];
      if (this.byId.get(e.id) === e) {
        this.byId.delete(e.id);
        this.total -= e.cost;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  remove(id: string): void {
    const e = this.byId.get(id);
    if (!e) return;
    this.byId.delete(id);
    this.total -= e.cost;
    e.cost = 0;
  }

  adjust(id: string, cost: number): void {
    const e = this.byId.get(id);
    if (!e) return;
    this.total += cost - e.cost;
    e.cost = cost;
  }

  /**
   * Milliseconds until `cost` more fits under `limit` (after evicting at `nowMs`): 0 if it fits now,
   * `null` if it never can.
   */
  retryAfter(limit: number, windowMs: number, cost: number, nowMs: number): number | null {
    if (cost > limit) return null;
    this.evict(windowMs, nowMs);
    const excess = this.total + cost - limit;
    if (excess <= 0) return 0;
    let freed = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i];
      freed += this.byId.get(e.id) === e ? e.cost : 0;
      if (freed >= excess) return Math.max(1, e.ts + windowMs - nowMs);
    }
    return windowMs;
  }
}
