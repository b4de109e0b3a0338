import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AzureSecretProvider } from '../../src/secrets/providers/azure.provider';
import { SecretProvider } from '../../src/secrets/secret-provider';
import { FakeAwsSecrets } from '../fakes/fake-aws-secrets';
import { FakeAzureKeyVault } from '../fakes/fake-azure-keyvault';
import { FakeGemini } from '../fakes/fake-gemini';
import { FakeVault } from '../fakes/fake-vault';
import { createTestApp, TestApp } from '../support/app';

/**
 * Each secret store end to end: the app boots with the provider, serves a Gemini call with a key that
 * came from the store, picks up a rotated secret on reload, keeps the last good set while the store is
 * down, and boots (AI answers 503 with the reason) when the store is down from the start.
 */
const ADMIN = 'secret-stores-admin-token-123';
const V1 = 'AIzaSTORE-first-value-0000000000';
const V2 = 'AIzaSTORE-rotated-value-111111111';

interface Store {
  name: string;
  start(): Promise<{ env: Record<string, string>; overrides?: Array<[unknown, unknown]> }>;
  put(keyId: string, value: string): void;
  breakIt(): void;
  fixIt(): void;
  stop(): Promise<void>;
}

function vaultStore(): Store {
  const fake = new FakeVault({ rootToken: 'vault-root-token-abc' });
  return {
    name: 'vault',
    async start() {
      const url = await fake.start();
      return {
        env: { SECRET_STORE_TYPE: 'vault', VAULT_ADDR: url, VAULT_TOKEN: 'vault-root-token-abc', VAULT_SECRET_PATH: 'secret/algoagent' },
      };
    },
    put: (id, v) => fake.setSecret(`algoagent/${id}`, { value: v }),
    breakIt: () => fake.seal(),
    fixIt: () => fake.unseal(),
    stop: () => fake.stop(),
  };
}

function awsStore(): Store {
  const fake = new FakeAwsSecrets({ accessKeyId: 'AKIDTESTSTORE' });
  return {
    name: 'aws',
    async start() {
      const url = await fake.start();
      return {
        env: {
          SECRET_STORE_TYPE: 'aws',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL: url,
          AWS_ACCESS_KEY_ID: 'AKIDTESTSTORE',
          AWS_SECRET_ACCESS_KEY: 'aws-secret-access-key-xyz',
        },
      };
    },
    put: (id, v) => fake.setSecret(`algoagent/${id}`, v),
    breakIt: () => (fake.denyAccess = true),
    fixIt: () => (fake.denyAccess = false),
    stop: () => fake.stop(),
  };
}

function azureStore(): Store {
  const fake = new FakeAzureKeyVault({ tenantId: 'tenant-e2e' });
  return {
    name: 'azure',
    async start() {
      const url = await fake.start();
      // The Key Vault client is real; only the Azure AD token and the 127.0.0.1 allowances are test-specific.
      const provider = new AzureSecretProvider(
        { vaultUrl: url, clientSecret: null },
        {
          timeoutMs: 2000,
          bundleName: null,
          credential: { getToken: async () => ({ token: 'e2e-bearer-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
          clientOptions: { disableChallengeResourceVerification: true, allowInsecureConnection: true },
        },
      );
      return { env: { SECRET_STORE_TYPE: 'azure', AZURE_VAULT_URL: url }, overrides: [[SecretProvider, provider]] };
    },
    put: (id, v) => fake.setSecret(id.replace(/_/g, '-'), v),
    breakIt: () => (fake.forbidden = true),
    fixIt: () => (fake.forbidden = false),
    stop: () => fake.stop(),
  };
}

describe.each([
  ['vault', vaultStore],
  ['aws', awsStore],
  ['azure', azureStore],
] as const)('secret store end to end: %s', (_name, makeStore) => {
  let store: Store;
  let gemini: FakeGemini;
  let keysFile: string;
  let apps: TestApp[] = [];

  beforeEach(async () => {
    store = makeStore();
    gemini = new FakeGemini();
    gemini.addKey({ key: V1, id: 'store_key', project: 'p1' });
    await gemini.start();
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [{ key_id: 'store_key', model_name: 'gemini-2.5-flash', project: 'p1' }] }));
  });

  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
    await gemini.stop();
    await store.stop();
  });

  async function boot(): Promise<TestApp> {
    const { env, overrides = [] } = await store.start();
    const t = await createTestApp(
      {
        ...env,
        KEYS_FILE: keysFile,
        GEMINI_BASE_URL: gemini.url,
        ADMIN_API_TOKEN: ADMIN,
        SECRET_TIMEOUT_MS: '1000',
        ALLOW_ANONYMOUS: 'true',
      },
      { overrides },
    );
    apps.push(t);
    return t;
  }

  const generate = (t: TestApp) => request(t.app.getHttpServer()).post('/api/ai/generate').send({ prompt: 'from the store' });
  const reload = (t: TestApp) =>
    request(t.app.getHttpServer()).post('/api/keys/reload').set('Authorization', `Bearer ${ADMIN}`).expect(200);
  const health = async (t: TestApp) =>
    (await request(t.app.getHttpServer()).get('/api/keys/health').set('Authorization', `Bearer ${ADMIN}`).expect(200)).body;

  it('serves a call with the key from the store, then the rotated value after a reload', async () => {
    store.put('store_key', V1);
    const t = await boot();
    const first = await generate(t).expect(200);
    expect(first.body.key_id).toBe('store_key');
    expect(gemini.count(V1)).toBe(1);

    gemini.addKey({ key: V2, id: 'store_key_v2', project: 'p1' });
    gemini.removeKey(V1);
    store.put('store_key', V2);
    await reload(t);
    await generate(t).expect(200);
    expect(gemini.count(V2)).toBe(1);
    expect(gemini.count(V1)).toBe(1);
    // Counters of the unchanged key id survived the reload.
    expect((await health(t)).keys[0].rpm.used).toBe(2);
    expect(t.logs.text).not.toContain(V1);
    expect(t.logs.text).not.toContain(V2);
  });

  it('keeps the last good keys when a refresh fails, and shows the failure and its age', async () => {
    store.put('store_key', V1);
    const t = await boot();
    store.breakIt();
    await reload(t);
    const h = await health(t);
    expect(h.secrets).toMatchObject({ store: store.name, stale: true, keyCount: 1 });
    expect(h.secrets.lastError).toMatch(new RegExp(`^${store.name}: `));
    expect(h.secrets.ageMs).toBeGreaterThanOrEqual(0);
    await generate(t).expect(200);
    store.fixIt();
    await reload(t);
    expect((await health(t)).secrets.stale).toBe(false);
  });

  it('boots with the store down, answers AI calls with 503 and the reason, and recovers on refresh', async () => {
    store.put('store_key', V1);
    store.breakIt();
    const t = await boot();
    const res = await generate(t).expect(503);
    expect(res.body.error).toBe('No Gemini keys are configured');
    expect(res.body.details).toMatch(new RegExp(`secret store problem: ${store.name}: `));
    const ready = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.details.gemini_keys.status).not.toBe('up');
    store.fixIt();
    await reload(t);
    await generate(t).expect(200);
  });
});
