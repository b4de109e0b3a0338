import { hashSlot } from '../state-store/hash-slot';
import { projectModelKey } from './core/project-limits';
import { storeKeys as K } from './store-keys';

/** Every key one reservation script touches, as KeyStateRepository.reserve passes them. */
function reservationKeys(keyId: string, project: string, model: string): string[] {
  const pm = projectModelKey({ project, modelName: model });
  return [
    K.keyDisabled(keyId, project),
    K.keyCooling(keyId, project),
    K.pmCooling(pm),
    K.pmExhausted(pm),
    K.rpm(pm),
    K.tpm(pm),
    K.rpd(pm, '2026-12-01'),
    K.pmHolds(pm),
    // Companions derived inside the scripts.
    `${K.rpm(pm)}:sum`,
    `${K.tpm(pm)}:sum`,
    `${K.pmHolds(pm)}:c`,
  ];
}

describe('store keys', () => {
  it.each([
    ['flash_01', 'proj-a', 'gemini-2.5-flash'],
    ['pro_01', 'proj-a', 'gemini-2.5-pro'],
    ['k0001', 'k0001', 'gemini-2.5-flash'],
    ['odd', 'name::with::colons', 'gemini-2.5-flash'],
  ])('puts every key of a reservation of %s (project %s, %s) in one Redis Cluster hash slot', (keyId, project, model) => {
    const slots = new Set(reservationKeys(keyId, project, model).map((k) => hashSlot(`algoagent:${k}`)));
    expect(slots.size).toBe(1);
  });

  it('keeps a key serving a compatible model in the same slot as that model’s project counters', () => {
    const own = reservationKeys('flash_01', 'proj-a', 'gemini-2.5-flash');
    const compatible = reservationKeys('flash_01', 'proj-a', 'gemini-2.5-pro');
    expect(hashSlot(own[0])).toBe(hashSlot(compatible[4]));
  });

  it('spreads different projects over different slots', () => {
    const slots = new Set(Array.from({ length: 50 }, (_, i) => hashSlot(K.rpm(projectModelKey({ project: `p${i}`, modelName: 'm' })))));
    expect(slots.size).toBeGreaterThan(40);
  });

  it('computes the slots Redis Cluster computes (known values)', () => {
    expect(hashSlot('foo')).toBe(12182);
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('{user1000}.followers'));
    expect(hashSlot('{user1000}.following')).toBe(3443);
    // An empty tag does not count: the whole key is hashed.
    expect(hashSlot('abc{}x')).toBe(11402);
  });
});
