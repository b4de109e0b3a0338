import { FLASH, key, PRO } from './key-fixtures';
import { loadOf, projectLimits, projectModelKey } from './project-limits';

describe(projectModelKey.name, () => {
  it('combines project and the key model', () => {
    expect(projectModelKey(key('a', { project: 'proj-a' }))).toBe('proj-a::gemini-2.5-flash');
  });

  it('is the same for two keys of one project serving one model', () => {
    expect(projectModelKey(key('a', { project: 'p' }))).toBe(projectModelKey(key('b', { project: 'p' })));
  });

  it('differs per model within one project', () => {
    expect(projectModelKey(key('a', { project: 'p' }), PRO)).not.toBe(projectModelKey(key('a', { project: 'p' })));
  });
});

describe(projectLimits.name, () => {
  const keys = [
    key('a', { project: 'p', rpm: 10, tpm: 300_000, rpd: 100 }),
    key('b', { project: 'p', rpm: 5, tpm: 400_000, rpd: 250 }),
    key('c', { project: 'q', rpm: 1, tpm: 1, rpd: 1 }),
    key('d', { project: 'p', modelName: PRO, rpm: 2, tpm: 2, rpd: 2 }),
  ];

  it('takes the smallest of each limit declared among the project keys for the model', () => {
    expect(projectLimits(keys, 'p', FLASH)).toEqual({ rpm: 5, tpm: 300_000, rpd: 100 });
  });

  it('ignores keys of other projects and other models', () => {
    expect(projectLimits(keys, 'p', PRO)).toEqual({ rpm: 2, tpm: 2, rpd: 2 });
  });

  it('gives a key without a shared project its own limits', () => {
    expect(projectLimits([key('solo', { rpm: 7 })], 'solo', FLASH)).toEqual({ rpm: 7, tpm: 250_000, rpd: 250 });
  });

  it('is undefined when no key of the project serves the model', () => {
    expect(projectLimits(keys, 'q', PRO)).toBeUndefined();
  });
});

describe(loadOf.name, () => {
  const limits = { rpm: 10, tpm: 1000, rpd: 100 };

  it('is 0 without usage', () => {
    expect(loadOf(undefined, limits)).toBe(0);
  });

  it('is the highest used fraction of any limit', () => {
    expect(loadOf({ rpmUsed: 2, tpmUsed: 500, rpdUsed: 10 }, limits)).toBe(0.5);
    expect(loadOf({ rpmUsed: 9, tpmUsed: 0, rpdUsed: 0 }, limits)).toBe(0.9);
    expect(loadOf({ rpmUsed: 0, tpmUsed: 0, rpdUsed: 70 }, limits)).toBe(0.7);
  });
});
