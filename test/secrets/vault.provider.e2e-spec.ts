import type { SecretsConfig } from '../../src/config/app-config';
import { SecretStoreError, type SecretStoreFailure } from '../../src/secrets/secret-provider';
import { VaultSecretProvider, type VaultProviderOptions } from '../../src/secrets/providers/vault.provider';
import { FakeVault } from '../fakes/fake-vault';

type VaultConfig = NonNullable<SecretsConfig['vault']>;

const ROOT_TOKEN = 'hvs.root-token-do-not-leak';
const ROLE_ID = 'role-id-1';
const SECRET_ID = 'approle-secret-id-do-not-leak';
const SECRETS = { key_01: 'AIza-secret-one', key_02: 'AIza-secret-two', key_03: 'AIza-secret-three' };

describe(VaultSecretProvider.name, () => {
  let fake: FakeVault;
  let addr: string;
  let clock: number;
  const providers: VaultSecretProvider[] = [];

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    fake = new FakeVault({ rootToken: ROOT_TOKEN, roleId: ROLE_ID, secretId: SECRET_ID, leaseSeconds: 60, now: () => clock });
    addr = await fake.start();
    for (const [id, value] of Object.entries(SECRETS)) fake.setSecret(`algoagent/${id}`, value);
  });

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await fake.stop();
  });

  function provider(config: Partial<VaultConfig> = {}, opts: Partial<VaultProviderOptions> = {}): VaultSecretProvider {
    const p = new VaultSecretProvider(
      { addr, token: ROOT_TOKEN, roleId: null, secretId: null, namespace: null, mount: 'secret', path: 'secret/algoagent', ...config },
      { timeoutMs: 2000, bundleName: null, now: () => clock, ...opts },
    );
    providers.push(p);
    return p;
  }

  const appRole = (opts: Partial<VaultProviderOptions> = {}) => provider({ token: null, roleId: ROLE_ID, secretId: SECRET_ID }, opts);
  const logins = () => fake.requests.filter((r) => r.path === '/v1/auth/approle/login').length;
  const renewals = () => fake.requests.filter((r) => r.path === '/v1/auth/token/renew-self').length;

  /** Asserts a SecretStoreError with this failure and message, which names no secret value and no token. */
  async function expectStoreError(promise: Promise<unknown>, failure: SecretStoreFailure, message: RegExp): Promise<SecretStoreError> {
    const error = await promise.then(
      () => {
        throw new Error('expected the fetch to fail');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretStoreError);
    const storeError = error as SecretStoreError;
    expect(storeError).toMatchObject({ store: 'vault', failure });
    expect(storeError.message).toMatch(message);
    for (const secret of [...Object.values(SECRETS), ROOT_TOKEN, SECRET_ID, ...fake.issuedTokens]) {
      expect(storeError.message).not.toContain(secret);
    }
    return storeError;
  }

  describe('per-key lookup', () => {
    it('reads each key from {mount}/data/{path}/{key_id} field "value" with the static token', async () => {
      const keys = await provider().fetch(['key_01', 'key_02']);

      expect(keys).toEqual(
        new Map([
          ['key_01', SECRETS.key_01],
          ['key_02', SECRETS.key_02],
        ]),
      );
      expect(fake.requests.map((r) => r.path).sort()).toEqual(['/v1/secret/data/algoagent/key_01', '/v1/secret/data/algoagent/key_02']);
      expect(fake.requests.every((r) => r.token === ROOT_TOKEN)).toBe(true);
    });

    it('reads the same place when VAULT_SECRET_PATH is written without the mount', async () => {
      const keys = await provider({ path: 'algoagent' }).fetch(['key_01']);

      expect(keys.get('key_01')).toBe(SECRETS.key_01);
      expect(fake.requests[0].path).toBe('/v1/secret/data/algoagent/key_01');
    });

    it('leaves a key absent when its secret does not exist', async () => {
      const keys = await provider().fetch(['key_01', 'key_99']);

      expect([...keys.keys()]).toEqual(['key_01']);
    });

    it('sees a rotated secret on the next fetch', async () => {
      const vault = provider();
      await vault.fetch(['key_01']);
      fake.setSecret('algoagent/key_01', 'AIza-rotated');

      expect((await vault.fetch(['key_01'])).get('key_01')).toBe('AIza-rotated');
    });

    it('sends X-Vault-Namespace when a namespace is configured', async () => {
      await fake.stop();
      fake = new FakeVault({ rootToken: ROOT_TOKEN, namespace: 'team-a' });
      addr = await fake.start();
      fake.setSecret('algoagent/key_01', SECRETS.key_01);

      const keys = await provider({ namespace: 'team-a' }).fetch(['key_01']);

      expect(keys.get('key_01')).toBe(SECRETS.key_01);
      expect(fake.requests[0].namespace).toBe('team-a');
    });

    it('fails as invalid when a key secret has no "value" field', async () => {
      fake.setSecret('algoagent/key_01', { api_key: 'AIza-secret-one' });

      await expectStoreError(
        provider().fetch(['key_01']),
        'invalid',
        /secret\/data\/algoagent\/key_01 has no non-empty string field "value"/,
      );
    });
  });

  describe('bundle', () => {
    it('reads the bundle map from data.data and looks up only the ids it lacks', async () => {
      fake.setSecret('algoagent/gemini-keys', { key_01: 'AIza-bundled-one', key_04: 'AIza-bundled-four' });

      const keys = await provider({}, { bundleName: 'gemini-keys' }).fetch(['key_01', 'key_02']);

      expect(keys).toEqual(
        new Map([
          ['key_01', 'AIza-bundled-one'],
          ['key_04', 'AIza-bundled-four'],
          ['key_02', SECRETS.key_02],
        ]),
      );
      expect(fake.requests.map((r) => r.path)).toEqual(['/v1/secret/data/algoagent/gemini-keys', '/v1/secret/data/algoagent/key_02']);
    });

    it('reads a bundle stored as JSON text in a "value" field', async () => {
      fake.setSecret('algoagent/gemini-keys', JSON.stringify({ key_05: 'AIza-bundled-five' }));

      const keys = await provider({}, { bundleName: 'gemini-keys' }).fetch([]);

      expect(keys).toEqual(new Map([['key_05', 'AIza-bundled-five']]));
    });

    it('fails as invalid when the bundle is not a JSON object of strings', async () => {
      fake.setSecret('algoagent/gemini-keys', '["AIza-secret-one"]');

      await expectStoreError(
        provider({}, { bundleName: 'gemini-keys' }).fetch([]),
        'invalid',
        /bundle secret "secret\/data\/algoagent\/gemini-keys" must be a JSON object/,
      );
    });

    it('fails as not_found naming the bundle path when the bundle does not exist', async () => {
      await expectStoreError(
        provider({}, { bundleName: 'gemini-keys' }).fetch(['key_01']),
        'not_found',
        /bundle secret secret\/data\/algoagent\/gemini-keys not found/,
      );
    });
  });

  describe('store failures', () => {
    it('fails as sealed when Vault is sealed', async () => {
      fake.seal();

      await expectStoreError(provider().fetch(['key_01']), 'sealed', /Vault is sealed: unseal it/);
    });

    it('fails as forbidden naming the path when the token lacks read', async () => {
      fake.denyReads = true;

      await expectStoreError(provider().fetch(['key_01']), 'forbidden', /token lacks read on secret\/data\/algoagent\/key_01 or expired/);
    });

    it('fails as forbidden when the static token is unknown or expired', async () => {
      await expectStoreError(provider({ token: 'hvs.unknown-token' }).fetch(['key_01']), 'forbidden', /check VAULT_TOKEN/);
    });

    it('fails as timeout, not with the late answer, when Vault answers slower than the timeout', async () => {
      fake.delayMs = 5000;

      await expectStoreError(
        provider({}, { timeoutMs: 200 }).fetch(['key_01']),
        'timeout',
        /did not answer reading secret\/data\/algoagent\/key_01 within 200 ms/,
      );
    });

    it('fails as unreachable naming the VAULT_ADDR host when nothing listens there', async () => {
      const host = new URL(addr).host;
      await fake.stop();

      const error = await expectStoreError(provider().fetch(['key_01']), 'unreachable', /cannot reach Vault at .*\(ECONNREFUSED\)/);
      expect(error.message).toContain(host);
    });
  });

  describe('AppRole', () => {
    it('logs in once and reads every key with the issued token', async () => {
      const keys = await appRole().fetch(['key_01', 'key_02', 'key_03']);

      expect(keys.size).toBe(3);
      expect(logins()).toBe(1);
      const [issued] = fake.issuedTokens;
      expect(fake.requests.filter((r) => r.path.startsWith('/v1/secret/')).every((r) => r.token === issued)).toBe(true);
    });

    it('reuses the token while less than 2/3 of its lease has passed', async () => {
      const vault = appRole();
      await vault.fetch(['key_01']);
      clock += 39_000;
      await vault.fetch(['key_01']);

      expect(logins()).toBe(1);
      expect(renewals()).toBe(0);
    });

    it('renews the token once 2/3 of its lease has passed, keeping it valid past the first expiry', async () => {
      const vault = appRole();
      await vault.fetch(['key_01']);
      clock += 41_000;
      await vault.fetch(['key_01']);
      clock += 30_000; // past the login's 60 s lease, within the renewed one

      expect((await vault.fetch(['key_01'])).get('key_01')).toBe(SECRETS.key_01);
      expect(renewals()).toBe(1);
      expect(logins()).toBe(1);
    });

    it('logs in again when the renewal is refused', async () => {
      const vault = appRole();
      await vault.fetch(['key_01']);
      fake.expireTokens();
      clock += 41_000;

      expect((await vault.fetch(['key_01'])).get('key_01')).toBe(SECRETS.key_01);
      expect(renewals()).toBe(1);
      expect(logins()).toBe(2);
    });

    it('recovers from a token that expired server-side by logging in again on the 403', async () => {
      const vault = appRole();
      await vault.fetch(['key_01', 'key_02']);
      fake.expireTokens();

      const keys = await vault.fetch(['key_01', 'key_02', 'key_03']);

      expect(keys.size).toBe(3);
      expect(logins()).toBe(2);
    });

    it('gives up as forbidden when the read is still refused after a fresh login', async () => {
      fake.denyReads = true;

      await expectStoreError(
        appRole().fetch(['key_01']),
        'forbidden',
        /token lacks read on secret\/data\/algoagent\/key_01 or expired; check the AppRole role policies/,
      );
      expect(logins()).toBe(2);
    });

    it('fails as unauthenticated when the AppRole credentials are rejected', async () => {
      const vault = provider({ token: null, roleId: ROLE_ID, secretId: 'wrong-secret-id' });

      const error = await expectStoreError(
        vault.fetch(['key_01']),
        'unauthenticated',
        /AppRole login at .* failed \(HTTP 400\): check VAULT_ROLE_ID and VAULT_SECRET_ID/,
      );
      expect(error.message).not.toContain('wrong-secret-id');
    });

    it('fails as sealed when Vault is sealed at login', async () => {
      fake.seal();

      await expectStoreError(appRole().fetch(['key_01']), 'sealed', /Vault is sealed/);
    });
  });
});
