/**
 * Where Gemini key secrets come from. One implementation per store (env, vault, aws, azure), chosen by
 * `SECRET_STORE_TYPE`. A provider only fetches; refresh, last-good and hot reload live in `SecretsService`.
 */
export abstract class SecretProvider {
  abstract readonly type: 'env' | 'vault' | 'aws' | 'azure';

  /**
   * Fetches the secret of each requested key id (per-key lookup) and, when a bundle secret is configured,
   * every `{ key_id: secret }` pair in it. Ids that have no secret are simply absent. May return ids that
   * were not requested (from the bundle, or `GEMINI_API_KEYS`): they are used when there is no keys.json.
   * Throws `SecretStoreError` when the store itself cannot be read.
   */
  abstract fetch(keyIds: string[]): Promise<Map<string, string>>;

  /** Releases timers and connections. */
  async close(): Promise<void> {}
}

export type SecretStoreFailure =
  'unreachable' | 'timeout' | 'sealed' | 'forbidden' | 'not_found' | 'unauthenticated' | 'invalid' | 'decryption';

/**
 * The store could not be read. `message` is actionable and safe to log and show in health: it names the
 * store, the failure and what to check — never a secret value or token.
 */
export class SecretStoreError extends Error {
  constructor(
    readonly store: SecretProvider['type'],
    readonly failure: SecretStoreFailure,
    message: string,
  ) {
    super(`${store}: ${message}`);
    this.name = 'SecretStoreError';
  }
}

/** The bundle secret as a store names it, how to read its text (null when missing), and what to say then. */
export interface BundleSource {
  name: string;
  read: () => Promise<string | null>;
  notFound: string;
}

const PER_KEY_CONCURRENCY = 8;

/**
 * The fetch every store shares: the bundle first (when configured; missing → `not_found`), then each
 * requested id the bundle did not cover, read one by one (8 at a time). `readKey` returns null for a key
 * the store does not have.
 */
export async function fetchBundleThenKeys(
  store: SecretProvider['type'],
  keyIds: string[],
  bundle: BundleSource | null,
  readKey: (keyId: string) => Promise<string | null>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (bundle) {
    const text = await bundle.read();
    if (text === null) throw new SecretStoreError(store, 'not_found', bundle.notFound);
    for (const [keyId, secret] of parseBundle(store, bundle.name, text)) out.set(keyId, secret);
  }
  const rest = keyIds.filter((id) => !out.has(id));
  await eachLimited(rest, PER_KEY_CONCURRENCY, async (keyId) => {
    const value = await readKey(keyId);
    if (value !== null) out.set(keyId, value);
  });
  return out;
}

/** Parses a bundle secret `{ "<key_id>": "<secret>" }`; anything else is an `invalid` store error. */
export function parseBundle(store: SecretProvider['type'], name: string, text: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretStoreError(store, 'invalid', `bundle secret "${name}" is not JSON (expected {"<key_id>": "<secret>"})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretStoreError(store, 'invalid', `bundle secret "${name}" must be a JSON object {"<key_id>": "<secret>"}`);
  }
  const out = new Map<string, string>();
  for (const [keyId, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' || !value.trim()) {
      throw new SecretStoreError(store, 'invalid', `bundle secret "${name}" entry "${keyId}" must be a non-empty string`);
    }
    out.set(keyId, value.trim());
  }
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time; stops starting new ones after the first failure. */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
