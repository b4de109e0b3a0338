/**
 * Pure candidate ordering: steps 1–4 of "Picking a key for one attempt" in docs/key-rotation.md.
 *
 *  1. Candidates: active, has secret, not disabled, not tried in this call, serves `model`. Only when none
 *     qualify and the caller allows it, the models in `model_compatibility[model]` are used, in that order.
 *  2. Drop cooling candidates (key cooldown, key × model cooldown, project × model cooldown / exhaustion).
 *  3. Sticky user: a pinned key that survived 1–2 goes first.
 *  4. The rest: workload match first (when the request names one), then `priority` (lower first), then
 *     position in `fallback_order` (unlisted last), then the rotation strategy, then file order.
 *
 * Reservation (step 5) is not done here: the caller tries to reserve the returned keys in order.
 */
import type { KeyMeta, KeysConfig, RotationStrategy } from './keys-file';
import { loadOf, projectLimits } from './project-limits';
import type { Limits, Usage } from './project-limits';

export { loadOf, projectLimits, projectModelKey } from './project-limits';
export type { Limits, Usage } from './project-limits';

/** What the state store knows about one key right now (project × model fields are for the key's own model). */
export interface KeyRuntimeSnapshot {
  hasSecret: boolean;
  /** Why the key is disabled (a classifier DisableReason, `manual`, ...); null/absent when usable. */
  disabledReason?: string | null;
  /**
   * Key cooldown end (backoff after transient failures), epoch ms. A keys.json entry is one key for one model,
   * so this is also the key × model cooldown of the design: there is no separate one to keep.
   */
  coolingUntil?: number | null;
  /** Project × model cooldown end (per-minute or token 429), epoch ms. */
  projectCoolingUntil?: number | null;
  /** Project × model daily exhaustion end (next Pacific midnight), epoch ms. */
  projectExhaustedUntil?: number | null;
  /** Shared project × model counters. Absent = nothing used. */
  usage?: Usage;
  /** Effective limits incl. learned ones. Absent = `projectLimits()` of the declared metadata. */
  limits?: Limits;
}

export interface SelectionRequest {
  model: string;
  userId: string;
  pinnedKeyId?: string | null;
  /** Keys already tried in this call. */
  excludeKeyIds?: Iterable<string>;
  workload?: string | null;
  allowCompatible: boolean;
}

export interface SelectionInput {
  keys: readonly KeyMeta[];
  fallbackOrder?: KeysConfig['fallbackOrder'];
  modelCompatibility?: KeysConfig['modelCompatibility'];
  /** Snapshot per key id; a key with no snapshot is treated as having no secret. */
  state: Readonly<Record<string, KeyRuntimeSnapshot | undefined>>;
  request: SelectionRequest;
  now: number;
  strategy?: RotationStrategy;
  /** Advanced by the caller once per selection; rotates keys that tie on everything above the strategy. */
  roundRobinCursor?: number;
  /** Returns a number in [0, 1); used by the `random` strategy only. */
  random: () => number;
}

export interface SelectedCandidate {
  keyId: string;
  /** Model to call with this key: the requested one, or a compatible one. */
  model: string;
  compatible: boolean;
  pinned: boolean;
}

export type UnavailableReason = 'inactive' | 'missing_secret' | (string & {});

export type EmptyReason =
  /** No configured key serves the model (nor, when allowed, a compatible one). */
  | { kind: 'no_keys_for_model' }
  /** Untried keys exist but all are cooling; `earliestFreeAt` is when the first one frees. */
  | { kind: 'all_cooling'; earliestFreeAt: number; cooling: Array<{ keyId: string; until: number }> }
  /** Every usable key was already tried in this call; `earliestFreeAt` covers tried keys that are cooling. */
  | { kind: 'all_tried'; earliestFreeAt: number | null }
  /** Every key is disabled, inactive or missing its secret. */
  | { kind: 'all_disabled'; disabled: Array<{ keyId: string; reason: UnavailableReason }> };

export interface Selection {
  /** Key ids to try reserving, in order. */
  keyIds: string[];
  candidates: SelectedCandidate[];
  pinnedUsed: boolean;
  usedCompatibleModel: boolean;
  /** Set exactly when `keyIds` is empty. */
  empty?: EmptyReason;
}

/** When a key frees up: the latest of its active cooldown ends, or null when it is not cooling at `now`. */
export function coolingEnd(snapshot: KeyRuntimeSnapshot, now: number): number | null {
  const ends = [snapshot.coolingUntil, snapshot.projectCoolingUntil, snapshot.projectExhaustedUntil].filter(
    (t): t is number => typeof t === 'number' && t > now,
  );
  return ends.length > 0 ? Math.max(...ends) : null;
}

export interface Ready {
  meta: KeyMeta;
  index: number;
  model: string;
  modelRank: number;
  snapshot: KeyRuntimeSnapshot;
}

export interface Survey {
  ready: Ready[];
  cooling: Array<{ keyId: string; until: number }>;
  triedCoolingEnds: number[];
  tried: number;
  disabled: Array<{ keyId: string; reason: UnavailableReason }>;
  /** Step-1 candidates (before dropping cooling ones). */
  candidates: number;
  seen: number;
}

export function survey(input: SelectionInput, models: readonly string[], excluded: ReadonlySet<string>): Survey {
  const out: Survey = { ready: [], cooling: [], triedCoolingEnds: [], tried: 0, disabled: [], candidates: 0, seen: 0 };
  models.forEach((model, modelRank) => {
    input.keys.forEach((meta, index) => {
      if (meta.modelName !== model) return;
      out.seen++;
      const snapshot = input.state[meta.keyId];
      const reason: UnavailableReason | null = !meta.active
        ? 'inactive'
        : !snapshot?.hasSecret
          ? 'missing_secret'
          : (snapshot.disabledReason ?? null);
      if (reason !== null) {
        out.disabled.push({ keyId: meta.keyId, reason });
        return;
      }
      const until = coolingEnd(snapshot!, input.now);
      if (excluded.has(meta.keyId)) {
        out.tried++;
        if (until !== null) out.triedCoolingEnds.push(until);
        return;
      }
      out.candidates++;
      if (until !== null) out.cooling.push({ keyId: meta.keyId, until });
      else out.ready.push({ meta, index, model, modelRank, snapshot: snapshot! });
    });
  });
  return out;
}

function merge(a: Survey, b: Survey): Survey {
  return {
    ready: [...a.ready, ...b.ready],
    cooling: [...a.cooling, ...b.cooling],
    triedCoolingEnds: [...a.triedCoolingEnds, ...b.triedCoolingEnds],
    tried: a.tried + b.tried,
    disabled: [...a.disabled, ...b.disabled],
    candidates: a.candidates + b.candidates,
    seen: a.seen + b.seen,
  };
}

export function whyEmpty(s: Survey): EmptyReason {
  if (s.seen === 0) return { kind: 'no_keys_for_model' };
  if (s.cooling.length > 0) {
    return { kind: 'all_cooling', earliestFreeAt: Math.min(...s.cooling.map((c) => c.until)), cooling: s.cooling };
  }
  if (s.tried > 0) {
    return { kind: 'all_tried', earliestFreeAt: s.triedCoolingEnds.length > 0 ? Math.min(...s.triedCoolingEnds) : null };
  }
  return { kind: 'all_disabled', disabled: s.disabled };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const r = random();
    const j = Math.min(i, Math.floor((r >= 0 && r < 1 ? r : 0) * (i + 1)));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** A ready key's load (highest fraction of any limit used), for `least_loaded`. */
export function loadOfReady(input: Pick<SelectionInput, 'keys'>, r: Ready): number {
  return loadOf(r.snapshot.usage, r.snapshot.limits ?? projectLimits(input.keys, r.meta.project, r.meta.modelName) ?? r.meta);
}

/**
 * Step 4 without the strategy: the ready keys grouped into tiers (model rank, workload match, priority,
 * fallback position), tiers in order, members in file order.
 */
export function tierGroups(input: Pick<SelectionInput, 'request' | 'fallbackOrder'>, ready: Ready[]): Ready[][] {
  const fallbackPos = new Map((input.fallbackOrder ?? []).map((id, i) => [id, i] as const));
  const workload = input.request.workload ?? null;
  const tier = (r: Ready): number[] => [
    r.modelRank,
    workload !== null && r.meta.workloadType !== workload ? 1 : 0,
    r.meta.priority,
    fallbackPos.get(r.meta.keyId) ?? Number.MAX_SAFE_INTEGER,
  ];
  const tiers = new Map<string, { tier: number[]; members: Ready[] }>();
  for (const r of ready) {
    const t = tier(r);
    const id = t.join('|');
    const group = tiers.get(id) ?? { tier: t, members: [] };
    group.members.push(r);
    tiers.set(id, group);
  }
  const compareTiers = (a: number[], b: number[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  return [...tiers.values()].sort((a, b) => compareTiers(a.tier, b.tier)).map((g) => g.members.sort((a, b) => a.index - b.index));
}

function order(input: SelectionInput, ready: Ready[]): Ready[] {
  const strategy = input.strategy ?? 'least_loaded';
  const cursor = Math.max(0, Math.floor(input.roundRobinCursor ?? 0));
  return tierGroups(input, ready).flatMap((byFile) => {
    switch (strategy) {
      case 'least_loaded': {
        const loads = new Map(byFile.map((r) => [r, loadOfReady(input, r)] as const));
        return byFile.sort((a, b) => loads.get(a)! - loads.get(b)! || a.index - b.index);
      }
      case 'round_robin': {
        const start = cursor % byFile.length;
        return [...byFile.slice(start), ...byFile.slice(0, start)];
      }
      case 'random':
        return shuffle(byFile, input.random);
    }
  });
}

/** Order the keys to try for one attempt of a call, or say why there are none. */
export function selectCandidates(input: SelectionInput): Selection {
  const { request } = input;
  const excluded = new Set(request.excludeKeyIds ?? []);
  let found = survey(input, [request.model], excluded);
  let usedCompatibleModel = false;

  if (found.candidates === 0 && request.allowCompatible) {
    const compatible = [...new Set(input.modelCompatibility?.[request.model] ?? [])].filter((m) => m !== request.model);
    if (compatible.length > 0) {
      const fallback = survey(input, compatible, excluded);
      fallback.ready.forEach((r) => (r.modelRank += 1));
      usedCompatibleModel = fallback.ready.length > 0;
      found = merge(found, fallback);
    }
  }

  const ordered = order(input, found.ready);
  const pinIndex = request.pinnedKeyId ? ordered.findIndex((r) => r.meta.keyId === request.pinnedKeyId) : -1;
  if (pinIndex > 0) ordered.unshift(...ordered.splice(pinIndex, 1));

  const candidates = ordered.map((r, i) => ({
    keyId: r.meta.keyId,
    model: r.model,
    compatible: r.model !== request.model,
    pinned: pinIndex >= 0 && i === 0,
  }));
  const selection: Selection = {
    keyIds: candidates.map((c) => c.keyId),
    candidates,
    pinnedUsed: pinIndex >= 0,
    usedCompatibleModel,
  };
  if (candidates.length === 0) selection.empty = whyEmpty(found);
  return selection;
}
