import type { SecretsConfig } from '../../src/config/app-config';
import { SecretStoreError, type SecretStoreFailure } from '../../src/secrets/secret-provider';
import { AwsSecretProvider, type AwsProviderOptions } from '../../src/secrets/providers/aws.provider';
import { FakeAwsSecrets } from '../fakes/fake-aws-secrets';

type AwsConfig = NonNullable<SecretsConfig['aws']>;

const ACCESS_KEY_ID = 'AKIDFAKEEXAMPLE';
const SECRET_ACCESS_KEY = 'secret-access-key-do-not-leak';
const SECRETS = { key_01: 'AIza-secret-one', key_02: 'AIza-secret-two' };

describe(AwsSecretProvider.name, () => {
  let fake: FakeAwsSecrets;
  let endpoint: string;
  const providers: AwsSecretProvider[] = [];

  beforeEach(async () => {
    fake = new FakeAwsSecrets({ accessKeyId: ACCESS_KEY_ID });
    endpoint = await fake.start();
    for (const [id, value] of Object.entries(SECRETS)) fake.setSecret(`algoagent/${id}`, value);
  });

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await fake.stop();
  });

  function provider(config: Partial<AwsConfig> = {}, opts: Partial<AwsProviderOptions> = {}): AwsSecretProvider {
    const p = new AwsSecretProvider(
      {
        region: 'us-east-1',
        prefix: 'algoagent/',
        endpoint,
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
        ...config,
      },
      { timeoutMs: 2000, bundleName: null, ...opts },
    );
    providers.push(p);
    return p;
  }

  /** Asserts a SecretStoreError with this failure and message, which names no secret value and no credential. */
  async function expectStoreError(promise: Promise<unknown>, failure: SecretStoreFailure, message: RegExp): Promise<SecretStoreError> {
    const error = await promise.then(
      () => {
        throw new Error('expected the fetch to fail');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretStoreError);
    const storeError = error as SecretStoreError;
    expect(storeError).toMatchObject({ store: 'aws', failure });
    expect(storeError.message).toMatch(message);
    for (const secret of [...Object.values(SECRETS), SECRET_ACCESS_KEY, 'AIza-bundled']) expect(storeError.message).not.toContain(secret);
    return storeError;
  }

  describe('per-key lookup', () => {
    it('reads each key from SecretId {prefix}{key_id}, signed with the configured access key', async () => {
      const keys = await provider().fetch(['key_01', 'key_02']);

      expect(keys).toEqual(
        new Map([
          ['key_01', SECRETS.key_01],
          ['key_02', SECRETS.key_02],
        ]),
      );
      expect(fake.requests.map((r) => r.secretId).sort()).toEqual(['algoagent/key_01', 'algoagent/key_02']);
      expect(fake.requests.every((r) => r.target === 'secretsmanager.GetSecretValue' && r.accessKeyId === ACCESS_KEY_ID)).toBe(true);
    });

    it('accepts a key stored as JSON {"value": "..."}', async () => {
      fake.setSecret('algoagent/key_01', JSON.stringify({ value: 'AIza-from-json' }));

      expect((await provider().fetch(['key_01'])).get('key_01')).toBe('AIza-from-json');
    });

    it('leaves a key absent when its secret does not exist', async () => {
      const keys = await provider().fetch(['key_01', 'key_99']);

      expect([...keys.keys()]).toEqual(['key_01']);
    });

    it('sees a rotated secret on the next fetch', async () => {
      const aws = provider();
      await aws.fetch(['key_01']);
      fake.setSecret('algoagent/key_01', 'AIza-rotated');

      expect((await aws.fetch(['key_01'])).get('key_01')).toBe('AIza-rotated');
    });

    it('fails as invalid when a key is a JSON object without a "value" field', async () => {
      fake.setSecret('algoagent/key_01', JSON.stringify({ apiKey: 'AIza-secret-one' }));

      await expectStoreError(
        provider().fetch(['key_01']),
        'invalid',
        /secret "algoagent\/key_01" is a JSON object without a non-empty string "value" field/,
      );
    });

    it('fails as invalid when a key is stored as a binary secret', async () => {
      fake.setSecret('algoagent/key_01', Buffer.from('AIza-secret-one'));

      await expectStoreError(provider().fetch(['key_01']), 'invalid', /secret "algoagent\/key_01" has no SecretString/);
    });
  });

  describe('bundle', () => {
    it('reads the bundle {prefix}{bundleName} and looks up only the ids it lacks', async () => {
      fake.setSecret('algoagent/gemini-keys', JSON.stringify({ key_01: 'AIza-bundled-one', key_04: 'AIza-bundled-four' }));

      const keys = await provider({}, { bundleName: 'gemini-keys' }).fetch(['key_01', 'key_02']);

      expect(keys).toEqual(
        new Map([
          ['key_01', 'AIza-bundled-one'],
          ['key_04', 'AIza-bundled-four'],
          ['key_02', SECRETS.key_02],
        ]),
      );
      expect(fake.requests.map((r) => r.secretId)).toEqual(['algoagent/gemini-keys', 'algoagent/key_02']);
    });

    it('uses a bundle name that already starts with the prefix as is', async () => {
      fake.setSecret('algoagent/gemini-keys', JSON.stringify({ key_05: 'AIza-bundled-five' }));

      const keys = await provider({}, { bundleName: 'algoagent/gemini-keys' }).fetch([]);

      expect(keys).toEqual(new Map([['key_05', 'AIza-bundled-five']]));
      expect(fake.requests[0].secretId).toBe('algoagent/gemini-keys');
    });

    it('fails as invalid when the bundle is not JSON', async () => {
      fake.setSecret('algoagent/gemini-keys', 'AIza-bundled-not-json');

      await expectStoreError(
        provider({}, { bundleName: 'gemini-keys' }).fetch([]),
        'invalid',
        /bundle secret "algoagent\/gemini-keys" is not JSON/,
      );
    });

    it('fails as not_found naming the bundle when it does not exist', async () => {
      await expectStoreError(
        provider({}, { bundleName: 'gemini-keys' }).fetch(['key_01']),
        'not_found',
        /bundle secret "algoagent\/gemini-keys" not found/,
      );
    });
  });

  describe('store failures', () => {
    it('fails as forbidden when IAM denies GetSecretValue', async () => {
      fake.denyAccess = true;

      await expectStoreError(
        provider().fetch(['key_01']),
        'forbidden',
        /access denied to secret "algoagent\/key_01": .*secretsmanager:GetSecretValue/,
      );
    });

    it('fails as decryption when the KMS key cannot decrypt the secret', async () => {
      fake.undecryptable.add('algoagent/key_01');

      await expectStoreError(provider().fetch(['key_01']), 'decryption', /cannot decrypt secret "algoagent\/key_01" with its KMS key/);
    });

    it('fails as unauthenticated when AWS does not recognise the access key', async () => {
      const aws = provider({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: SECRET_ACCESS_KEY } });

      await expectStoreError(aws.fetch(['key_01']), 'unauthenticated', /UnrecognizedClientException.*check AWS_ACCESS_KEY_ID/);
    });

    it('fails as timeout, not with the late answer, when Secrets Manager answers slower than the timeout', async () => {
      fake.delayMs = 5000;

      await expectStoreError(
        provider({}, { timeoutMs: 200 }).fetch(['key_01']),
        'timeout',
        /did not answer for "algoagent\/key_01" within 200 ms/,
      );
    });

    it('fails as unreachable naming the endpoint when nothing listens there', async () => {
      const host = new URL(endpoint).host;
      await fake.stop();

      const error = await expectStoreError(provider().fetch(['key_01']), 'unreachable', /cannot reach Secrets Manager .*ECONNREFUSED/);
      expect(error.message).toContain(host);
    });
  });
});
