import type { GetTokenOptions, TokenCredential } from '@azure/identity';
import type { SecretsConfig } from '../../src/config/app-config';
import { SecretStoreError, type SecretStoreFailure } from '../../src/secrets/secret-provider';
import { AzureSecretProvider, type AzureProviderOptions } from '../../src/secrets/providers/azure.provider';
import { FakeAzureKeyVault } from '../fakes/fake-azure-keyvault';

type AzureConfig = NonNullable<SecretsConfig['azure']>;

const TENANT_ID = 'tenant-1234';
const BEARER = 'eyJ-fake-bearer-token-do-not-leak';
const CLIENT_SECRET = 'azure-client-secret-do-not-leak';
const SECRETS = { 'key-01': 'AIza-secret-one', 'key-02': 'AIza-secret-two' };
const CLIENT_OPTIONS = { disableChallengeResourceVerification: true, allowInsecureConnection: true };

/** A credential that hands out BEARER and records what it was asked for. */
class FakeCredential implements TokenCredential {
  readonly calls: { scopes: string | string[]; tenantId?: string }[] = [];

  async getToken(scopes: string | string[], options?: GetTokenOptions) {
    this.calls.push({ scopes, tenantId: options?.tenantId });
    return { token: BEARER, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

describe(AzureSecretProvider.name, () => {
  let fake: FakeAzureKeyVault;
  let vaultUrl: string;
  let credential: FakeCredential;

  beforeEach(async () => {
    fake = new FakeAzureKeyVault({ tenantId: TENANT_ID, acceptedToken: BEARER });
    vaultUrl = await fake.start();
    for (const [name, value] of Object.entries(SECRETS)) fake.setSecret(name, value);
    credential = new FakeCredential();
  });

  afterEach(() => fake.stop());

  function provider(opts: Partial<AzureProviderOptions> = {}, config: Partial<AzureConfig> = {}): AzureSecretProvider {
    return new AzureSecretProvider(
      { vaultUrl, clientSecret: null, ...config },
      { timeoutMs: 2000, bundleName: null, credential, clientOptions: CLIENT_OPTIONS, ...opts },
    );
  }

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
    expect(storeError).toMatchObject({ store: 'azure', failure });
    expect(storeError.message).toMatch(message);
    for (const secret of [...Object.values(SECRETS), BEARER, CLIENT_SECRET, 'AIza-bundled'])
      expect(storeError.message).not.toContain(secret);
    return storeError;
  }

  describe('per-key lookup', () => {
    it('reads each key after answering the bearer challenge with a token for the vault tenant', async () => {
      const keys = await provider().fetch(['key-01', 'key-02']);

      expect(keys).toEqual(
        new Map([
          ['key-01', SECRETS['key-01']],
          ['key-02', SECRETS['key-02']],
        ]),
      );
      expect(fake.requests[0].bearer).toBeNull();
      expect(
        fake.requests
          .filter((r) => r.bearer === BEARER)
          .map((r) => r.path)
          .sort(),
      ).toEqual(['/secrets/key-01/', '/secrets/key-02/']);
      expect(credential.calls[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: TENANT_ID });
    });

    it('looks up a key id with underscores under the dashed secret name', async () => {
      const keys = await provider().fetch(['key_01']);

      expect(keys).toEqual(new Map([['key_01', SECRETS['key-01']]]));
      expect(fake.requests.at(-1)?.path).toBe('/secrets/key-01/');
    });

    it('leaves a key absent when its secret does not exist', async () => {
      const keys = await provider().fetch(['key-01', 'key-99']);

      expect([...keys.keys()]).toEqual(['key-01']);
    });

    it('sees a rotated secret on the next fetch', async () => {
      const azure = provider();
      await azure.fetch(['key-01']);
      fake.setSecret('key-01', 'AIza-rotated');

      expect((await azure.fetch(['key-01'])).get('key-01')).toBe('AIza-rotated');
    });
  });

  describe('bundle', () => {
    it('reads the bundle secret and looks up only the ids it lacks', async () => {
      fake.setSecret('gemini-keys', JSON.stringify({ key_01: 'AIza-bundled-one', key_04: 'AIza-bundled-four' }));

      const keys = await provider({ bundleName: 'gemini_keys' }).fetch(['key_01', 'key-02']);

      expect(keys).toEqual(
        new Map([
          ['key_01', 'AIza-bundled-one'],
          ['key_04', 'AIza-bundled-four'],
          ['key-02', SECRETS['key-02']],
        ]),
      );
      expect(fake.requests.filter((r) => r.bearer).map((r) => r.path)).toEqual(['/secrets/gemini-keys/', '/secrets/key-02/']);
    });

    it('fails as invalid when the bundle holds an empty key', async () => {
      fake.setSecret('gemini-keys', JSON.stringify({ key_01: 'AIza-bundled-one', key_02: ' ' }));

      await expectStoreError(
        provider({ bundleName: 'gemini-keys' }).fetch([]),
        'invalid',
        /bundle secret "gemini-keys" entry "key_02" must be a non-empty string/,
      );
    });

    it('fails as not_found naming the bundle when it does not exist', async () => {
      await expectStoreError(
        provider({ bundleName: 'gemini-keys' }).fetch(['key-01']),
        'not_found',
        /bundle secret "gemini-keys" not found in Key Vault 127\.0\.0\.1:\d+/,
      );
    });
  });

  describe('store failures', () => {
    it('fails as unauthenticated when Key Vault rejects the token', async () => {
      fake.rejectTokens = true;

      await expectStoreError(
        provider().fetch(['key-01']),
        'unauthenticated',
        /Key Vault rejected the token \(HTTP 401\).*check AZURE_TENANT_ID/,
      );
    });

    it('fails as unauthenticated without echoing the identity error when no token can be had', async () => {
      const failing: TokenCredential = {
        getToken: async () => {
          throw Object.assign(new Error(`AADSTS7000215: Invalid client secret provided: ${CLIENT_SECRET}`), {
            name: 'AuthenticationError',
          });
        },
      };

      await expectStoreError(
        provider({ credential: failing }).fetch(['key-01']),
        'unauthenticated',
        /could not get a token \(AuthenticationError\)/,
      );
    });

    it('fails as forbidden when the identity lacks get on secrets', async () => {
      fake.forbidden = true;

      await expectStoreError(provider().fetch(['key-01']), 'forbidden', /access denied to secret "key-01" .*HTTP 403/);
    });

    it('fails as timeout, not with the late answer, when Key Vault answers slower than the timeout', async () => {
      fake.delayMs = 5000;

      await expectStoreError(provider({ timeoutMs: 200 }).fetch(['key-01']), 'timeout', /did not answer for "key-01" within 200 ms/);
    });

    it('fails as unreachable naming the vault host when nothing listens there', async () => {
      const host = new URL(vaultUrl).host;
      await fake.stop();

      const error = await expectStoreError(provider().fetch(['key-01']), 'unreachable', /cannot reach Key Vault .*ECONNREFUSED/);
      expect(error.message).toContain(host);
    });
  });
});
