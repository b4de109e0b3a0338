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
    let i = this.entries.length;
    while (i > this.head && this.entries[i - 1].ts > entry.ts) i--;
    if (i === this.entries.length) this.entries.push(entry);
    else this.entries.splice(i, 0, entry);
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
   * Milliseconds after `atMs` (default `nowMs`) until `cost` more fits under `limit`, evicting only at
   * `nowMs`: 0 if it fits then, `null` if it never can. Entries still live at `nowMs` but gone by `atMs`
   * do not count; entries dated after `nowMs` (held slots) do.
   */
  retryAfter(limit: number, windowMs: number, cost: number, nowMs: number, atMs = nowMs): number | null {
    if (cost > limit) return null;
    this.evict(windowMs, nowMs);
    const cutoff = atMs - windowMs;
    let i = this.head;
    let gone = 0;
    for (; i < this.entries.length && this.entries[i].ts <= cutoff; i++) gone += this.live(this.entries[i]);
    const excess = this.total - gone + cost - limit;
    if (excess <= 0) return 0;
    let freed = 0;
    for (; i < this.entries.length; i++) {
      const e = this.entries[i];
      freed += this.live(e);
      if (freed >= excess) return Math.max(1, e.ts + windowMs - atMs);
    }
    return windowMs;
  }

  private live(e: WindowEntry): number {
    return this.byId.get(e.id) === e ? e.cost : 0;
  }
}
