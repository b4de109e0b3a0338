/**
 * Key selection made cheap per call: `selectCandidates` surveys and sorts every key, which is fine once but
 * not on every call with 1,000 keys. A plan does steps 1, 2 and 4 once per state view (and request shape:
 * model, workload, compatibility), and each call then only walks the ordered keys, skipping the few it has
 * already tried. `least_loaded` stays live within the view's lifetime: `charge()` moves a key whose
 * project took a reservation to its new place in its tier (a binary search in that tier).
 *
 * The order a plan yields is the order `selectCandidates` returns for the same input (a spec checks it).
 * When a plan yields nothing, the caller asks `selectCandidates` why (the rare, slow path).
 */
import { loadOfReady, Ready, SelectedCandidate, SelectionInput, shuffle, survey, tierGroups } from './key-selector';
import type { RotationStrategy } from './keys-file';

export type PlanInput = Omit<SelectionInput, 'roundRobinCursor' | 'random' | 'request'> & {
  request: { model: string; workload?: string | null };
};

interface Member {
  ready: Ready;
  load: number;
}

class ModelPlan {
  readonly tiers: Member[][];
  readonly byKey = new Map<string, { member: Member; tier: Member[] }>();
  /** Step-1 candidates (ready or cooling), for "does this model have any untried key left?". */
  readonly candidateIds: ReadonlySet<string>;
  readonly coolingEnds: number[];

  constructor(input: PlanInput, models: readonly string[], rankOffset: number) {
    const found = survey(
      { ...input, request: { ...input.request, userId: '', allowCompatible: false }, random: Math.random },
      models,
      new Set(),
    );
    found.ready.forEach((r) => (r.modelRank += rankOffset));
    this.candidateIds = new Set([...found.ready.map((r) => r.meta.keyId), ...found.cooling.map((c) => c.keyId)]);
    this.coolingEnds = found.cooling.map((c) => c.until);
    this.tiers = tierGroups({ ...input, request: { ...input.request, userId: '', allowCompatible: false } }, found.ready).map((group) =>
      group.map((ready) => ({ ready, load: 0 })),
    );
    for (const tier of this.tiers) for (const member of tier) this.byKey.set(member.ready.meta.keyId, { member, tier });
  }

  untriedCandidates(excluded: ReadonlySet<string>): number {
    let tried = 0;
    for (const id of excluded) if (this.candidateIds.has(id)) tried++;
    return this.candidateIds.size - tried;
  }
}

function byLoad(a: Member, b: Member): number {
  return a.load - b.load || a.ready.index - b.ready.index;
}

export interface PlanCall {
  pinnedKeyId?: string | null;
  excludeKeyIds: ReadonlySet<string>;
  allowCompatible: boolean;
  roundRobinCursor: number;
  random: () => number;
}

export class SelectionPlan {
  private readonly main: ModelPlan;
  private readonly compatible: ModelPlan | null;
  private readonly strategy: RotationStrategy;
  /** Project × model key → the members it weighs on (keys of one project share its usage). */
  private readonly byProject = new Map<string, Member[]>();
  /** The plan is right until the first cooling key frees up; after that, build a new one. */
  readonly validUntil: number;

  constructor(private readonly input: PlanInput) {
    this.strategy = input.strategy ?? 'least_loaded';
    this.main = new ModelPlan(input, [input.request.model], 0);
    const compatibleModels = [...new Set(input.modelCompatibility?.[input.request.model] ?? [])].filter((m) => m !== input.request.model);
    this.compatible = compatibleModels.length > 0 ? new ModelPlan(input, compatibleModels, 1) : null;
    for (const plan of [this.main, this.compatible]) {
      if (!plan) continue;
      for (const tier of plan.tiers) {
        for (const m of tier) {
          m.load = loadOfReady(input, m.ready);
          const pm = `${m.ready.meta.project}::${m.ready.model}`;
          const list = this.byProject.get(pm) ?? [];
          list.push(m);
          this.byProject.set(pm, list);
        }
        if (this.strategy === 'least_loaded') tier.sort(byLoad);
      }
    }
    const ends = [...this.main.coolingEnds, ...(this.compatible?.coolingEnds ?? [])].filter((t) => t > input.now);
    this.validUntil = ends.length ? Math.min(...ends) : Number.POSITIVE_INFINITY;
  }

  /** The keys to try for one attempt, best first, lazily: the caller usually stops at the first. */
  *candidates(call: PlanCall): Generator<SelectedCandidate> {
    let plan = this.main;
    if (plan.untriedCandidates(call.excludeKeyIds) === 0) {
      if (!call.allowCompatible || !this.compatible) return;
      plan = this.compatible;
    }
    const model = this.input.request.model;
    const out = (r: Ready, pinned: boolean): SelectedCandidate => ({
      keyId: r.meta.keyId,
      model: r.model,
      compatible: r.model !== model,
      pinned,
    });
    const pin = call.pinnedKeyId ? plan.byKey.get(call.pinnedKeyId) : undefined;
    const pinnedId = pin && !call.excludeKeyIds.has(call.pinnedKeyId!) ? call.pinnedKeyId! : null;
    if (pinnedId) yield out(pin!.member.ready, true);
    // Another call's charge() may reorder a tier while this one awaits a reservation: never yield a key twice.
    const yielded = new Set<string>();
    const skip = (id: string) => id === pinnedId || call.excludeKeyIds.has(id) || yielded.has(id);
    for (const tier of plan.tiers) {
      for (const m of this.walk(tier, call)) {
        const id = m.ready.meta.keyId;
        if (skip(id)) continue;
        yielded.add(id);
        yield out(m.ready, false);
      }
    }
  }

  /**
   * Reorders after a reservation on `pm` (whose usage object the snapshots share, already updated by the
   * caller). Only `least_loaded` depends on load.
   */
  charge(pm: string): void {
    if (this.strategy !== 'least_loaded') return;
    for (const m of this.byProject.get(pm) ?? []) {
      const entry = this.main.byKey.get(m.ready.meta.keyId) ?? this.compatible?.byKey.get(m.ready.meta.keyId);
      if (!entry) continue;
      const tier = entry.tier;
      tier.splice(tier.indexOf(m), 1);
      m.load = loadOfReady(this.input, m.ready);
      let lo = 0;
      let hi = tier.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byLoad(tier[mid], m) <= 0) lo = mid + 1;
        else hi = mid;
      }
      tier.splice(lo, 0, m);
    }
  }

  /** False once a key that was cooling when the plan was built has freed up (time to build a new plan). */
  isCurrent(now: number): boolean {
    return now < this.validUntil;
  }

  private *walk(tier: Member[], call: PlanCall): Generator<Member> {
    switch (this.strategy) {
      case 'least_loaded':
        yield* tier;
        return;
      case 'round_robin': {
        const start = Math.max(0, Math.floor(call.roundRobinCursor)) % tier.length;
        for (let i = 0; i < tier.length; i++) yield tier[(start + i) % tier.length];
        return;
      }
      case 'random':
        yield* shuffle([...tier], call.random);
        return;
    }
  }
}
