import type { EnvKeys } from '../../config/app-config';
import { SecretProvider } from '../secret-provider';

/**
 * Keys from the environment, as the AlgoAgent original: `GEMINI_KEY_<key_id>` (a `-` in the id is also
 * tried as `_`, since shells do not allow `-` in names), `GEMINI_API_KEYS=a,b,c` → `key_01…`, and a lone
 * `GEMINI_API_KEY` → key `default`. In single-key mode only `GEMINI_API_KEY` counts.
 */
export class EnvSecretProvider extends SecretProvider {
  readonly type = 'env' as const;

  constructor(
    private readonly keys: EnvKeys,
    private readonly singleKeyMode = false,
  ) {
    super();
  }

  async fetch(keyIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (this.singleKeyMode) {
      if (this.keys.single) out.set('default', this.keys.single);
      return out;
    }
    for (const id of keyIds) {
      const value = this.keys.perKey[id] ?? this.keys.perKey[id.replace(/-/g, '_')];
      if (value) out.set(id, value);
    }
    for (const [suffix, value] of Object.entries(this.keys.perKey)) {
      if (!keyIds.some((id) => id === suffix || id.replace(/-/g, '_') === suffix)) out.set(suffix, value);
    }
    this.keys.list.forEach((value, i) => {
      const id = `key_${String(i + 1).padStart(2, '0')}`;
      if (!out.has(id)) out.set(id, value);
    });
    if (this.keys.single && !out.has('default')) out.set('default', this.keys.single);
    return out;
  }
}
