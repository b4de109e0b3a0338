import type { KeyMeta, RotationStrategy } from './keys-file';
import { FLASH, key, PRO } from './key-fixtures';
import { KeyRuntimeSnapshot, selectCandidates } from './key-selector';
import { SelectionPlan } from './selection-plan';

const NOW = 1_800_000_000_000;

/** A small deterministic generator (mulberry32), so each case is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scenario {
  keys: KeyMeta[];
  state: Record<string, KeyRuntimeSnapshot>;
  fallbackOrder: string[];
  tried: Set<string>;
  pinned: string | null;
  workload: string | null;
}

/** A pool with every kind of key: disabled, cooling, without secret, two models, shared projects, tiers. */
function scenario(seed: number, n: number): Scenario {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const keys = Array.from({ length: n }, (_, i) =>
    key(`k${i}`, {
      modelName: r() < 0.8 ? FLASH : PRO,
      project: `p${Math.floor(r() * (n / 2 + 1))}`,
      priority: pick([1, 1, 1, 2]),
      workloadType: pick([null, 'light', 'heavy']),
      active: r() > 0.05,
      rpm: pick([10, 15, 60]),
    }),
  );
  const state: Record<string, KeyRuntimeSnapshot> = {};
  for (const k of keys) {
    state[k.keyId] = {
      hasSecret: r() > 0.05,
      disabledReason: r() < 0.05 ? 'api_key_invalid' : null,
      coolingUntil: r() < 0.1 ? NOW + 1000 + Math.floor(r() * 5000) : null,
      usage: { rpmUsed: Math.floor(r() * 10), tpmUsed: Math.floor(r() * 1000), rpdUsed: Math.floor(r() * 100) },
      limits: { rpm: k.rpm, tpm: k.tpm, rpd: k.rpd },
    };
  }
  const fallbackOrder = keys.filter(() => r() < 0.2).map((k) => k.keyId);
  const tried = new Set(keys.filter(() => r() < 0.1).map((k) => k.keyId));
  return { keys, state, fallbackOrder, tried, pinned: r() < 0.5 ? pick(keys).keyId : null, workload: pick([null, 'light']) };
}

function both(s: Scenario, strategy: RotationStrategy, allowCompatible: boolean, cursor = 0) {
  const modelCompatibility = { [FLASH]: [PRO] };
  const expected = selectCandidates({
    keys: s.keys,
    fallbackOrder: s.fallbackOrder,
    modelCompatibility,
    state: s.state,
    request: { model: FLASH, userId: 'u', pinnedKeyId: s.pinned, excludeKeyIds: s.tried, workload: s.workload, allowCompatible },
    now: NOW,
    strategy,
    roundRobinCursor: cursor,
    random: rng(7),
  });
  const plan = new SelectionPlan({
    keys: s.keys,
    fallbackOrder: s.fallbackOrder,
    modelCompatibility,
    state: s.state,
    request: { model: FLASH, workload: s.workload },
    now: NOW,
    strategy,
  });
  const got = [
    ...plan.candidates({ pinnedKeyId: s.pinned, excludeKeyIds: s.tried, allowCompatible, roundRobinCursor: cursor, random: rng(7) }),
  ];
  return { expected: expected.candidates, got, plan };
}

describe(SelectionPlan.name, () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('yields the same keys in the same order as selectCandidates (least_loaded, seed %i)', (seed) => {
    const { expected, got } = both(scenario(seed, 40), 'least_loaded', true);
    expect(got).toEqual(expected);
  });

  // round_robin and random rotate / shuffle each tier once per plan, before dropping tried keys (the slow
  // path drops them first), so the two agree exactly on a first attempt and on the set of keys after it.
  it.each([11, 12, 13, 14, 15])('matches selectCandidates for round_robin at any cursor (seed %i)', (seed) => {
    for (const cursor of [0, 1, 5, 17]) {
      const s = scenario(seed, 30);
      const { expected, got } = both({ ...s, tried: new Set() }, 'round_robin', true, cursor);
      expect(got).toEqual(expected);
      const later = both(s, 'round_robin', true, cursor);
      expect(later.got.map((c) => c.keyId).sort()).toEqual(later.expected.map((c) => c.keyId).sort());
    }
  });

  it.each([21, 22, 23])('matches selectCandidates for random with the same random source (seed %i)', (seed) => {
    const s = scenario(seed, 30);
    const { expected, got } = both({ ...s, tried: new Set() }, 'random', false);
    expect(got).toEqual(expected);
    const later = both(s, 'random', false);
    expect(later.got.map((c) => c.keyId).sort()).toEqual(later.expected.map((c) => c.keyId).sort());
  });

  it('falls back to the compatible model only once every key of the requested model was tried', () => {
    const keys = [key('f1'), key('f2'), key('p1', { modelName: PRO })];
    const state = Object.fromEntries(keys.map((k) => [k.keyId, { hasSecret: true }]));
    const plan = new SelectionPlan({ keys, state, modelCompatibility: { [FLASH]: [PRO] }, request: { model: FLASH }, now: NOW });
    const call = (tried: string[]) =>
      [...plan.candidates({ excludeKeyIds: new Set(tried), allowCompatible: true, roundRobinCursor: 0, random: Math.random })].map(
        (c) => c.keyId,
      );
    expect(call([])).toEqual(['f1', 'f2']);
    expect(call(['f1'])).toEqual(['f2']);
    expect(call(['f1', 'f2'])).toEqual(['p1']);
  });

  it('moves a key whose project took a reservation behind the less loaded ones (least_loaded stays live)', () => {
    const keys = [key('a'), key('b'), key('c')];
    const usage = Object.fromEntries(keys.map((k) => [k.keyId, { rpmUsed: 0, tpmUsed: 0, rpdUsed: 0 }]));
    const state = Object.fromEntries(
      keys.map((k) => [k.keyId, { hasSecret: true, usage: usage[k.keyId], limits: { rpm: 10, tpm: 250_000, rpd: 250 } }]),
    );
    const plan = new SelectionPlan({ keys, state, request: { model: FLASH }, now: NOW });
    const first = () =>
      plan.candidates({ excludeKeyIds: new Set(), allowCompatible: false, roundRobinCursor: 0, random: Math.random }).next().value!.keyId;
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = first();
      served.push(id);
      usage[id].rpmUsed += 1;
      plan.charge(`${id}::${FLASH}`);
    }
    expect(served).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('goes stale when the first cooling key frees up, so the caller builds a new plan', () => {
    const keys = [key('a'), key('b')];
    const state = { a: { hasSecret: true }, b: { hasSecret: true, coolingUntil: NOW + 5000 } };
    const plan = new SelectionPlan({ keys, state, request: { model: FLASH }, now: NOW });
    expect(plan.isCurrent(NOW + 4999)).toBe(true);
    expect(plan.isCurrent(NOW + 5000)).toBe(false);
  });

  it('puts the pinned key first and never yields a tried one', () => {
    const keys = [key('a'), key('b'), key('c')];
    const state = Object.fromEntries(keys.map((k) => [k.keyId, { hasSecret: true }]));
    const plan = new SelectionPlan({ keys, state, request: { model: FLASH }, now: NOW });
    const got = [
      ...plan.candidates({
        pinnedKeyId: 'c',
        excludeKeyIds: new Set(['a']),
        allowCompatible: false,
        roundRobinCursor: 0,
        random: Math.random,
      }),
    ];
    expect(got.map((c) => [c.keyId, c.pinned])).toEqual([
      ['c', true],
      ['b', false],
    ]);
  });
});
