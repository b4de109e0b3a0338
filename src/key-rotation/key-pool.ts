import type { KeyMeta, KeysConfig } from './core/keys-file';
import { Limits, projectLimits, projectModelKey } from './core/project-limits';

/**
 * The keys as configured right now: metadata (keys.json or synthesised) joined with the secrets in use.
 * Immutable; a reload builds a new pool, while counters, cooldowns and pins stay in the state store.
 */
export class KeyPool {
  readonly byId: ReadonlyMap<string, KeyMeta>;
  /** Distinct project × model pairs with their declared limits. */
  readonly projectModels: ReadonlyMap<string, Limits>;
  private readonly usable: string[];

  constructor(
    readonly config: KeysConfig,
    private readonly secrets: ReadonlyMap<string, string>,
  ) {
    this.byId = new Map(config.keys.map((k) => [k.keyId, k]));
    const pms = new Map<string, Limits>();
    for (const k of config.keys) {
      const pm = projectModelKey(k);
      if (!pms.has(pm)) pms.set(pm, projectLimits(config.keys, k.project, k.modelName)!);
    }
    this.projectModels = pms;
    this.usable = config.keys.filter((k) => secrets.has(k.keyId)).map((k) => k.keyId);
  }

  get keys(): readonly KeyMeta[] {
    return this.config.keys;
  }

  secretOf(keyId: string): string | undefined {
    return this.secrets.get(keyId);
  }

  hasSecret(keyId: string): boolean {
    return this.secrets.has(keyId);
  }

  /** Ids of the keys configured for `model`. */
  idsServing(model: string): string[] {
    return this.config.keys.filter((k) => k.modelName === model).map((k) => k.keyId);
  }

  /** Key ids that have metadata and a secret. */
  usableIds(): readonly string[] {
    return this.usable;
  }
}
