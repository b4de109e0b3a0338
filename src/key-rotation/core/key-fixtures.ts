/** Key metadata for the core's tests: one flash key of its own project, free-tier limits, with `overrides`. */
import type { KeyMeta } from './keys-file';

export const FLASH = 'gemini-2.5-flash';
export const PRO = 'gemini-2.5-pro';

export function key(keyId: string, overrides: Partial<KeyMeta> = {}): KeyMeta {
  return {
    keyId,
    modelName: FLASH,
    provider: 'gemini',
    project: keyId,
    rpm: 10,
    tpm: 250_000,
    rpd: 250,
    burstCapacity: 10,
    priority: 1,
    workloadType: null,
    active: true,
    tags: {},
    ...overrides,
  };
}
