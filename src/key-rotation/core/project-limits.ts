/**
 * Gemini limits apply per Google Cloud project × model, not per key: keys sharing `project` + model
 * share one set of counters, and that project's limit is the smallest one declared among them.
 */
import type { KeyMeta } from './keys-file';

export interface Usage {
  rpmUsed: number;
  tpmUsed: number;
  rpdUsed: number;
}

export interface Limits {
  rpm: number;
  tpm: number;
  rpd: number;
}

/** Store key for the counters and cooldowns shared by every key of one project serving one model. */
export function projectModelKey(meta: Pick<KeyMeta, 'project' | 'modelName'>, model: string = meta.modelName): string {
  return `${meta.project}::${model}`;
}

/** A project's limits for a model: the smallest declared among its keys for that model (undefined if none). */
export function projectLimits(keys: readonly KeyMeta[], project: string, model: string): Limits | undefined {
  let limits: Limits | undefined;
  for (const k of keys) {
    if (k.project !== project || k.modelName !== model) continue;
    limits = limits
      ? { rpm: Math.min(limits.rpm, k.rpm), tpm: Math.min(limits.tpm, k.tpm), rpd: Math.min(limits.rpd, k.rpd) }
      : { rpm: k.rpm, tpm: k.tpm, rpd: k.rpd };
  }
  return limits;
}

/** Highest fraction of any limit already used; 0 = idle, ≥ 1 = full. */
export function loadOf(usage: Usage | undefined, limits: Limits): number {
  if (!usage) return 0;
  const ratio = (used: number, limit: number): number => (limit > 0 ? used / limit : Number.POSITIVE_INFINITY);
  return Math.max(ratio(usage.rpmUsed, limits.rpm), ratio(usage.tpmUsed, limits.tpm), ratio(usage.rpdUsed, limits.rpd));
}
