import type { KeyMeta } from './keys-file';
import { FLASH, key, PRO } from './key-fixtures';
import { coolingEnd, KeyRuntimeSnapshot, selectCandidates, SelectionInput } from './key-selector';

const NOW = 1_800_000_000_000;
const LITE = 'gemini-2.5-flash-lite';

const ok = (extra: Partial<KeyRuntimeSnapshot> = {}): KeyRuntimeSnapshot => ({ hasSecret: true, ...extra });

function select(
  keys: KeyMeta[],
  opts: Partial<Omit<SelectionInput, 'keys' | 'request'>> & { request?: Partial<SelectionInput['request']> } = {},
) {
  const state = opts.state ?? Object.fromEntries(keys.map((k) => [k.keyId, ok()]));
  return selectCandidates({
    keys,
    now: NOW,
    random: () => 0,
    ...opts,
    state,
    request: { model: FLASH, userId: 'u1', allowCompatible: false, ...opts.request },
  });
}

const ids = (keys: KeyMeta[], opts: Parameters<typeof select>[1] = {}): string[] => select(keys, opts).keyIds;

describe(coolingEnd.name, () => {
  it('is null when nothing cools', () => {
    expect(coolingEnd(ok(), NOW)).toBeNull();
  });

  it('is null once a cooldown has ended', () => {
    expect(coolingEnd(ok({ coolingUntil: NOW - 1 }), NOW)).toBeNull();
  });

  it('is null exactly at the cooldown end', () => {
    expect(coolingEnd(ok({ projectCoolingUntil: NOW }), NOW)).toBeNull();
  });

  it('is the latest active end across all cooldown kinds', () => {
    expect(coolingEnd(ok({ coolingUntil: NOW + 9, projectCoolingUntil: NOW - 100, projectExhaustedUntil: NOW + 7 }), NOW)).toBe(NOW + 9);
  });
});

describe(selectCandidates.name, () => {
  describe('step 1: candidates', () => {
    it('offers only keys serving the requested model', () => {
      expect(ids([key('f1'), key('p1', { modelName: PRO }), key('f2')])).toEqual(['f1', 'f2']);
    });

    it('skips inactive keys', () => {
      expect(ids([key('a', { active: false }), key('b')])).toEqual(['b']);
    });

    it('skips keys whose secret is missing', () => {
      expect(ids([key('a'), key('b')], { state: { a: ok({ hasSecret: false }), b: ok() } })).toEqual(['b']);
    });

    it('skips keys with no runtime snapshot', () => {
      expect(ids([key('a'), key('b')], { state: { b: ok() } })).toEqual(['b']);
    });

    it('skips disabled keys', () => {
      expect(ids([key('a'), key('b')], { state: { a: ok({ disabledReason: 'leaked' }), b: ok() } })).toEqual(['b']);
    });

    it('skips keys already tried in this call', () => {
      expect(ids([key('a'), key('b'), key('c')], { request: { excludeKeyIds: ['a', 'c'] } })).toEqual(['b']);
    });

    it('accepts the tried keys as a Set', () => {
      expect(ids([key('a'), key('b')], { request: { excludeKeyIds: new Set(['b']) } })).toEqual(['a']);
    });
  });

  describe('step 1: compatible-model fallback', () => {
    const keys = [
      key('p1', { modelName: PRO }),
      key('l1', { modelName: LITE, priority: 0 }),
      key('f1', { priority: 5 }),
      key('f2', { priority: 5 }),
    ];
    const modelCompatibility = { [PRO]: [FLASH, LITE] };
    const proRequest = { model: PRO, allowCompatible: true };

    it('uses the compatible models in listed order when no key serves the model', () => {
      const selection = select(keys, { modelCompatibility, request: proRequest, state: { l1: ok(), f1: ok(), f2: ok() } });
      expect(selection.keyIds).toEqual(['f1', 'f2', 'l1']);
      expect(selection.usedCompatibleModel).toBe(true);
    });

    it('tells which model to call with each compatible key', () => {
      const selection = select(keys, { modelCompatibility, request: proRequest, state: { l1: ok(), f1: ok() } });
      expect(selection.candidates).toEqual([
        { keyId: 'f1', model: FLASH, compatible: true, pinned: false },
        { keyId: 'l1', model: LITE, compatible: true, pinned: false },
      ]);
    });

    it('falls back when every key of the model is disabled', () => {
      const state = { p1: ok({ disabledReason: 'invalid' }), f1: ok() };
      expect(ids(keys, { modelCompatibility, request: proRequest, state })).toEqual(['f1']);
    });

    it('falls back when every key of the model was already tried', () => {
      expect(ids(keys, { modelCompatibility, request: { ...proRequest, excludeKeyIds: ['p1'] } })).toEqual(['f1', 'f2', 'l1']);
    });

    it('does not fall back when the caller does not allow it', () => {
      const selection = select(keys, { modelCompatibility, request: { model: PRO, allowCompatible: false }, state: { f1: ok() } });
      expect(selection.keyIds).toEqual([]);
      expect(selection.empty).toEqual({ kind: 'all_disabled', disabled: [{ keyId: 'p1', reason: 'missing_secret' }] });
    });

    it('does not fall back while keys of the model are merely cooling', () => {
      const state = { p1: ok({ projectCoolingUntil: NOW + 30_000 }), f1: ok() };
      const selection = select(keys, { modelCompatibility, request: proRequest, state });
      expect(selection.keyIds).toEqual([]);
      expect(selection.empty).toEqual({
        kind: 'all_cooling',
        earliestFreeAt: NOW + 30_000,
        cooling: [{ keyId: 'p1', until: NOW + 30_000 }],
      });
    });

    it('prefers the requested model and does not mark its keys compatible', () => {
      const selection = select(keys, { modelCompatibility, request: proRequest });
      expect(selection.candidates).toEqual([{ keyId: 'p1', model: PRO, compatible: false, pinned: false }]);
      expect(selection.usedCompatibleModel).toBe(false);
    });

    it('reports no keys for a model with neither keys nor compatible models', () => {
      expect(select(keys, { modelCompatibility, request: { model: 'gemini-9', allowCompatible: true } }).empty).toEqual({
        kind: 'no_keys_for_model',
      });
    });

    it('reports why when the compatible keys are unusable too', () => {
      const state = { p1: ok({ disabledReason: 'suspended' }), f1: ok({ coolingUntil: NOW + 4000 }) };
      expect(select(keys, { modelCompatibility, request: proRequest, state }).empty).toEqual({
        kind: 'all_cooling',
        earliestFreeAt: NOW + 4000,
        cooling: [{ keyId: 'f1', until: NOW + 4000 }],
      });
    });
  });

  describe('step 2: drop cooling keys', () => {
    it.each([
      ['key cooldown', { coolingUntil: NOW + 1000 }],
      ['project × model cooldown', { projectCoolingUntil: NOW + 1000 }],
      ['project × model daily exhaustion', { projectExhaustedUntil: NOW + 1000 }],
    ])('drops a key under a %s', (_name, cooling) => {
      expect(ids([key('a'), key('b')], { state: { a: ok(cooling), b: ok() } })).toEqual(['b']);
    });

    it('offers a key again once its cooldown has ended', () => {
      expect(ids([key('a')], { state: { a: ok({ coolingUntil: NOW, projectExhaustedUntil: NOW - 1 }) } })).toEqual(['a']);
    });

    it('reports the earliest moment a cooling key frees up', () => {
      const state = {
        a: ok({ coolingUntil: NOW + 5000, projectExhaustedUntil: NOW + 90_000 }),
        b: ok({ projectCoolingUntil: NOW + 36_000 }),
      };
      expect(select([key('a'), key('b')], { state }).empty).toEqual({
        kind: 'all_cooling',
        earliestFreeAt: NOW + 36_000,
        cooling: [
          { keyId: 'a', until: NOW + 90_000 },
          { keyId: 'b', until: NOW + 36_000 },
        ],
      });
    });

    it('drops every key of a project when the project × model cools', () => {
      const keys = [key('a1', { project: 'p' }), key('a2', { project: 'p' }), key('b')];
      const state = { a1: ok({ projectCoolingUntil: NOW + 1 }), a2: ok({ projectCoolingUntil: NOW + 1 }), b: ok() };
      expect(ids(keys, { state })).toEqual(['b']);
    });
  });

  describe('step 3: sticky user', () => {
    const keys = [key('a', { priority: 1 }), key('b', { priority: 2 }), key('c', { priority: 3 })];

    it('puts the pinned key first even when it would sort later', () => {
      const selection = select(keys, { request: { pinnedKeyId: 'c' } });
      expect(selection.keyIds).toEqual(['c', 'a', 'b']);
      expect(selection.pinnedUsed).toBe(true);
      expect(selection.candidates[0].pinned).toBe(true);
    });

    it('reports the pin used when the pinned key already sorts first', () => {
      const selection = select(keys, { request: { pinnedKeyId: 'a' } });
      expect(selection.keyIds).toEqual(['a', 'b', 'c']);
      expect(selection.pinnedUsed).toBe(true);
    });

    it('skips a pinned key that is cooling', () => {
      const state = { a: ok(), b: ok(), c: ok({ projectCoolingUntil: NOW + 10 }) };
      const selection = select(keys, { state, request: { pinnedKeyId: 'c' } });
      expect(selection.keyIds).toEqual(['a', 'b']);
      expect(selection.pinnedUsed).toBe(false);
      expect(selection.candidates.every((c) => !c.pinned)).toBe(true);
    });

    it('skips a pinned key that is disabled', () => {
      const state = { a: ok(), b: ok(), c: ok({ disabledReason: 'blocked' }) };
      expect(select(keys, { state, request: { pinnedKeyId: 'c' } }).pinnedUsed).toBe(false);
    });

    it('skips a pinned key already tried in this call', () => {
      expect(ids(keys, { request: { pinnedKeyId: 'c', excludeKeyIds: ['c'] } })).toEqual(['a', 'b']);
    });

    it('ignores a pin to a key that no longer exists', () => {
      const selection = select(keys, { request: { pinnedKeyId: 'gone' } });
      expect(selection.keyIds).toEqual(['a', 'b', 'c']);
      expect(selection.pinnedUsed).toBe(false);
    });

    it('ignores a pin to a key serving another model', () => {
      expect(ids([...keys, key('p', { modelName: PRO })], { request: { pinnedKeyId: 'p' } })).toEqual(['a', 'b', 'c']);
    });

    it('honours a pin beating workload preference', () => {
      const wk = [key('heavy', { workloadType: 'heavy' }), key('light', { workloadType: 'light' })];
      expect(ids(wk, { request: { workload: 'heavy', pinnedKeyId: 'light' } })).toEqual(['light', 'heavy']);
    });
  });

  describe('step 4: ordering', () => {
    it('tries lower priority numbers first', () => {
      expect(ids([key('a', { priority: 3 }), key('b', { priority: 1 }), key('c', { priority: 2 })])).toEqual(['b', 'c', 'a']);
    });

    it('orders equal priorities by position in fallback_order', () => {
      expect(ids([key('a'), key('b'), key('c')], { fallbackOrder: ['c', 'a', 'b'] })).toEqual(['c', 'a', 'b']);
    });

    it('puts keys missing from fallback_order after listed ones', () => {
      expect(ids([key('a'), key('b'), key('c')], { fallbackOrder: ['c'] })).toEqual(['c', 'a', 'b']);
    });

    it('lets priority win over fallback_order', () => {
      expect(ids([key('a', { priority: 2 }), key('b', { priority: 1 })], { fallbackOrder: ['a', 'b'] })).toEqual(['b', 'a']);
    });

    it('keeps file order when everything ties', () => {
      expect(ids([key('c'), key('a'), key('b')])).toEqual(['c', 'a', 'b']);
    });

    describe('least_loaded (default)', () => {
      const keys = [key('a'), key('b'), key('c')];

      it('tries the key with the most headroom first', () => {
        const state = {
          a: ok({ usage: { rpmUsed: 8, tpmUsed: 0, rpdUsed: 0 } }),
          b: ok({ usage: { rpmUsed: 1, tpmUsed: 0, rpdUsed: 0 } }),
          c: ok({ usage: { rpmUsed: 4, tpmUsed: 0, rpdUsed: 0 } }),
        };
        expect(ids(keys, { state })).toEqual(['b', 'c', 'a']);
      });

      it('counts token and daily usage, not only requests per minute', () => {
        const state = {
          a: ok({ usage: { rpmUsed: 1, tpmUsed: 200_000, rpdUsed: 0 } }),
          b: ok({ usage: { rpmUsed: 3, tpmUsed: 0, rpdUsed: 0 } }),
          c: ok({ usage: { rpmUsed: 0, tpmUsed: 0, rpdUsed: 240 } }),
        };
        expect(ids(keys, { state, strategy: 'least_loaded' })).toEqual(['b', 'a', 'c']);
      });

      it('measures load against learned limits when given', () => {
        const state = {
          a: ok({ usage: { rpmUsed: 4, tpmUsed: 0, rpdUsed: 0 }, limits: { rpm: 5, tpm: 250_000, rpd: 250 } }),
          b: ok({ usage: { rpmUsed: 6, tpmUsed: 0, rpdUsed: 0 } }),
          c: ok({ usage: { rpmUsed: 7, tpmUsed: 0, rpdUsed: 0 } }),
        };
        expect(ids(keys, { state })).toEqual(['b', 'c', 'a']);
      });

      it('measures a shared project against its smallest declared limit', () => {
        const shared = [key('a', { project: 'p', rpm: 10 }), key('a2', { project: 'p', rpm: 5 }), key('b', { rpm: 10 })];
        const state = {
          a: ok({ usage: { rpmUsed: 3, tpmUsed: 0, rpdUsed: 0 } }),
          a2: ok({ usage: { rpmUsed: 3, tpmUsed: 0, rpdUsed: 0 } }),
          b: ok({ usage: { rpmUsed: 5, tpmUsed: 0, rpdUsed: 0 } }),
        };
        // project p: 3/5 = 0.6 for both of its keys; b: 5/10 = 0.5
        expect(ids(shared, { state })).toEqual(['b', 'a', 'a2']);
      });

      it('only reorders within the same priority', () => {
        const state = {
          a: ok({ usage: { rpmUsed: 9, tpmUsed: 0, rpdUsed: 0 } }),
          b: ok(),
        };
        expect(ids([key('a', { priority: 0 }), key('b', { priority: 1 })], { state })).toEqual(['a', 'b']);
      });

      it('breaks load ties by file order', () => {
        expect(ids([key('z'), key('y')])).toEqual(['z', 'y']);
      });
    });

    describe('round_robin', () => {
      const keys = [key('a'), key('b'), key('c')];

      it('starts at the cursor position among tied keys', () => {
        expect([0, 1, 2].map((cursor) => ids(keys, { strategy: 'round_robin', roundRobinCursor: cursor }))).toEqual([
          ['a', 'b', 'c'],
          ['b', 'c', 'a'],
          ['c', 'a', 'b'],
        ]);
      });

      it('wraps the cursor around', () => {
        expect(ids(keys, { strategy: 'round_robin', roundRobinCursor: 4 })).toEqual(['b', 'c', 'a']);
      });

      it('ignores load', () => {
        const state = { a: ok({ usage: { rpmUsed: 9, tpmUsed: 0, rpdUsed: 0 } }), b: ok(), c: ok() };
        expect(ids(keys, { state, strategy: 'round_robin', roundRobinCursor: 0 })).toEqual(['a', 'b', 'c']);
      });

      it('rotates within a priority level, never across', () => {
        const mixed = [key('a'), key('b'), key('z', { priority: 2 })];
        expect(ids(mixed, { strategy: 'round_robin', roundRobinCursor: 1 })).toEqual(['b', 'a', 'z']);
      });
    });

    describe('random', () => {
      const keys = [key('a'), key('b'), key('c')];

      it('shuffles tied keys with the injected random source', () => {
        const sequence = [0.9, 0];
        const random = jest.fn(() => sequence.shift() ?? 0);
        // Fisher–Yates: i=2 swaps with floor(0.9*3)=2 (stays), i=1 swaps with 0
        expect(ids(keys, { strategy: 'random', random })).toEqual(['b', 'a', 'c']);
        expect(random).toHaveBeenCalledTimes(2);
      });

      it('gives the same order for the same random values', () => {
        const run = () =>
          ids(keys, {
            strategy: 'random',
            random: (() => {
              let x = 0.3;
              return () => (x = (x * 7.13) % 1);
            })(),
          });
        expect(run()).toEqual(run());
      });

      it('still respects priority', () => {
        expect(ids([key('z', { priority: 2 }), key('a')], { strategy: 'random', random: () => 0.99 })).toEqual(['a', 'z']);
      });

      it('is not consulted by the other strategies', () => {
        const random = jest.fn(() => 0.5);
        ids(keys, { strategy: 'least_loaded', random });
        ids(keys, { strategy: 'round_robin', random });
        expect(random).not.toHaveBeenCalled();
      });
    });

    describe('workload preference', () => {
      const keys = [
        key('light', { workloadType: 'light', priority: 1 }),
        key('heavy', { workloadType: 'heavy', priority: 2 }),
        key('untagged', { priority: 0 }),
      ];

      it('puts keys matching the workload first, ahead of priority', () => {
        expect(ids(keys, { request: { workload: 'heavy' } })).toEqual(['heavy', 'untagged', 'light']);
      });

      it('falls back to any key when no matching key is available', () => {
        const state = { light: ok(), heavy: ok({ coolingUntil: NOW + 1 }), untagged: ok() };
        expect(ids(keys, { state, request: { workload: 'heavy' } })).toEqual(['untagged', 'light']);
      });

      it('falls back to any key for an unknown workload', () => {
        expect(ids(keys, { request: { workload: 'batch' } })).toEqual(['untagged', 'light', 'heavy']);
      });

      it('has no preference without a workload', () => {
        expect(ids(keys)).toEqual(['untagged', 'light', 'heavy']);
      });
    });
  });

  describe('empty selections', () => {
    it('says no keys serve the model', () => {
      expect(select([key('p', { modelName: PRO })]).empty).toEqual({ kind: 'no_keys_for_model' });
    });

    it('says all keys are disabled, with each reason', () => {
      const keys = [key('a'), key('b', { active: false }), key('c')];
      const state = { a: ok({ disabledReason: 'leaked' }), b: ok(), c: ok({ hasSecret: false }) };
      expect(select(keys, { state }).empty).toEqual({
        kind: 'all_disabled',
        disabled: [
          { keyId: 'a', reason: 'leaked' },
          { keyId: 'b', reason: 'inactive' },
          { keyId: 'c', reason: 'missing_secret' },
        ],
      });
    });

    it('prefers cooling over disabled, since cooling keys come back', () => {
      const state = { a: ok({ disabledReason: 'invalid' }), b: ok({ coolingUntil: NOW + 500 }) };
      expect(select([key('a'), key('b')], { state }).empty).toMatchObject({ kind: 'all_cooling', earliestFreeAt: NOW + 500 });
    });

    it('says every usable key was tried, without a free time when none cools', () => {
      expect(select([key('a'), key('b')], { request: { excludeKeyIds: ['a', 'b'] } }).empty).toEqual({
        kind: 'all_tried',
        earliestFreeAt: null,
      });
    });

    it('says when a tried key frees up, for Retry-After', () => {
      const state = { a: ok({ projectCoolingUntil: NOW + 36_000 }), b: ok({ coolingUntil: NOW + 50_000 }) };
      expect(select([key('a'), key('b')], { state, request: { excludeKeyIds: ['a', 'b'] } }).empty).toEqual({
        kind: 'all_tried',
        earliestFreeAt: NOW + 36_000,
      });
    });

    it('prefers untried cooling keys over the all-tried verdict', () => {
      const state = { a: ok(), b: ok({ coolingUntil: NOW + 10 }) };
      expect(select([key('a'), key('b')], { state, request: { excludeKeyIds: ['a'] } }).empty?.kind).toBe('all_cooling');
    });

    it('leaves empty unset when there are candidates', () => {
      const selection = select([key('a')]);
      expect(selection).toEqual({
        keyIds: ['a'],
        candidates: [{ keyId: 'a', model: FLASH, compatible: false, pinned: false }],
        pinnedUsed: false,
        usedCompatibleModel: false,
      });
    });
  });
});
