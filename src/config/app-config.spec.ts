import { AppConfig, loadAppConfig } from './app-config';
import { configProblems as problemsOf } from '../../test/support/config';

describe(loadAppConfig.name, () => {
  it('boots with nothing set: port 8000, embedded PGlite under ./data, in-memory state store', () => {
    const config: AppConfig = loadAppConfig({});
    expect(config.http.port).toBe(8000);
    expect(config.http.bodyLimit).toBe('1mb');
    expect(config.database.target).toEqual({ kind: 'pglite', dataDir: './data/pglite' });
    expect(config.redis.url).toBeNull();
    expect(config.log.level).toBe('info');
  });

  it('reads a PostgreSQL URL with its pool size', () => {
    const config = loadAppConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', DATABASE_POOL_SIZE: '4' });
    expect(config.database.target).toEqual({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', poolSize: 4 });
  });

  it('maps pglite://memory to a throwaway database and pglite://dir to a folder', () => {
    expect(loadAppConfig({ DATABASE_URL: 'pglite://memory' }).database.target).toEqual({ kind: 'pglite', dataDir: null });
    expect(loadAppConfig({ DATABASE_URL: 'pglite://./tmp/db' }).database.target).toEqual({ kind: 'pglite', dataDir: './tmp/db' });
  });

  it('reads the job settings: inline workers by default, concurrency as a default plus per-kind values', () => {
    expect(loadAppConfig({}).jobs).toEqual({
      workerMode: 'inline',
      concurrency: { default: 2, perKind: {} },
      attempts: 3,
      backoffMs: 2000,
      lockMs: 30000,
    });
    const jobs = loadAppConfig({
      WORKER_MODE: 'off',
      JOB_CONCURRENCY: '4, ai_developer.run=1,bots.verify_all=3',
      JOB_ATTEMPTS: '5',
      JOB_LOCK_MS: '5000',
    }).jobs;
    expect(jobs).toMatchObject({
      workerMode: 'off',
      concurrency: { default: 4, perKind: { 'ai_developer.run': 1, 'bots.verify_all': 3 } },
      attempts: 5,
      lockMs: 5000,
    });
    expect(loadAppConfig({ JOB_CONCURRENCY: 'ai_developer.run=1' }).jobs.concurrency).toEqual({
      default: 2,
      perKind: { 'ai_developer.run': 1 },
    });
    const problems = problemsOf({ WORKER_MODE: 'sometimes', JOB_CONCURRENCY: 'lots', JOB_ATTEMPTS: '0', JOB_LOCK_MS: '10' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['JOB_ATTEMPTS', 'JOB_CONCURRENCY', 'JOB_LOCK_MS', 'WORKER_MODE']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadAppConfig({ PORT: '', LOG_PRETTY: '' }).http.port).toBe(8000);
  });

  it('parses booleans written the usual ways', () => {
    expect(loadAppConfig({ LOG_PRETTY: 'yes' }).log.pretty).toBe(true);
    expect(loadAppConfig({ LOG_PRETTY: '0' }).log.pretty).toBe(false);
  });

  it('names every bad variable at once and says what is wrong', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', REDIS_URL: 'localhost:6379', BODY_LIMIT: 'huge' });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT:'))).toMatch(/integer/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/one of the following values/);
    expect(problems.find((p) => p.startsWith('REDIS_URL:'))).toMatch(/redis:\/\//);
    expect(problems.find((p) => p.startsWith('BODY_LIMIT:'))).toMatch(/size such as/);
  });

  it('reads Redis Cluster seed nodes and the Retry-After slot hold, rejecting malformed values by name', () => {
    const config = loadAppConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,redis-b.local:7001', RETRY_SLOT_HOLD_MS: '1500' });
    expect(config.redis.clusterNodes).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: 'redis-b.local', port: 7001 },
    ]);
    expect(config.rotation.slotHoldMs).toBe(1500);
    expect(loadAppConfig({}).redis.clusterNodes).toBeNull();
    expect(loadAppConfig({}).rotation.slotHoldMs).toBe(0);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://a:1' })[0]).toMatch(/^REDIS_CLUSTER_NODES: must be host:port/);
    expect(problemsOf({ RETRY_SLOT_HOLD_MS: '-5' })[0]).toMatch(/^RETRY_SLOT_HOLD_MS: .*not be less than 0/);
  });

  it('rejects out-of-range numbers', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: .*not be greater than 65535/);
    expect(problemsOf({ REDIS_COMMAND_TIMEOUT_MS: '5' })[0]).toMatch(/^REDIS_COMMAND_TIMEOUT_MS: .*not be less than 50/);
  });

  it('rejects a database URL of an unknown kind', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://root@localhost/test' })[0]).toMatch(/^DATABASE_URL: must be postgres:\/\//);
  });

  it('never echoes the value of a bad variable', () => {
    const message = (() => {
      try {
        loadAppConfig({ REDIS_URL: 'hunter2-secret-value' });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain('hunter2');
  });
});

describe('loadAppConfig: METRICS_PORT', () => {
  it('is off by default and read as a port when set', () => {
    expect(loadAppConfig({}).http.metricsPort).toBeNull();
    expect(loadAppConfig({ METRICS_PORT: '9464' }).http.metricsPort).toBe(9464);
  });

  it('refuses a value that is no port, or the API port itself, naming the variable', () => {
    expect(problemsOf({ METRICS_PORT: 'abc' }).join('\n')).toMatch(/^METRICS_PORT: /);
    expect(problemsOf({ METRICS_PORT: '70000' }).join('\n')).toMatch(/^METRICS_PORT: /);
    expect(problemsOf({ PORT: '9000', METRICS_PORT: '9000' })).toEqual([
      'METRICS_PORT: must differ from PORT (unset it to serve /metrics on the API port)',
    ]);
    expect(problemsOf({ METRICS_PORT: '8000' })).toHaveLength(1);
  });
});

describe('loadAppConfig: keys and secret stores', () => {
  it('collects GEMINI_KEY_<id>, GEMINI_API_KEYS and GEMINI_API_KEY', () => {
    const c = loadAppConfig({ GEMINI_KEY_flash_01: 'a-secret', GEMINI_API_KEYS: 'one, two', GEMINI_API_KEY: 'solo' });
    expect(c.secrets.env).toEqual({ perKey: { flash_01: 'a-secret' }, list: ['one', 'two'], single: 'solo' });
    expect(c.secrets.type).toBe('env');
    expect(c.rotation.enabled).toBe(true);
  });

  it('rejects an empty key variable and an empty entry in the key list, naming them', () => {
    const problems = problemsOf({ GEMINI_KEY_x: ' ', GEMINI_API_KEYS: 'a,,b' });
    expect(problems).toEqual(['GEMINI_KEY_x: is set but empty', 'GEMINI_API_KEYS: must be a comma-separated list with no empty entries']);
  });

  it('requires each store’s settings when it is chosen', () => {
    expect(problemsOf({ SECRET_STORE_TYPE: 'vault' })).toEqual([
      'VAULT_ADDR: is required when SECRET_STORE_TYPE=vault',
      'VAULT_TOKEN: is required when SECRET_STORE_TYPE=vault (or set VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole)',
    ]);
    expect(problemsOf({ SECRET_STORE_TYPE: 'vault', VAULT_ADDR: 'http://v:8200', VAULT_ROLE_ID: 'r' })).toEqual([
      'VAULT_SECRET_ID: is required with VAULT_ROLE_ID (AppRole login)',
    ]);
    expect(problemsOf({ SECRET_STORE_TYPE: 'aws' })).toEqual(['AWS_REGION: is required when SECRET_STORE_TYPE=aws']);
    expect(problemsOf({ SECRET_STORE_TYPE: 'aws', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID' })[0]).toMatch(
      /^AWS_ACCESS_KEY_ID: and AWS_SECRET_ACCESS_KEY/,
    );
    expect(problemsOf({ SECRET_STORE_TYPE: 'azure', AZURE_VAULT_URL: 'https://v.vault.azure.net', AZURE_CLIENT_ID: 'c' })[0]).toMatch(
      /^AZURE_CLIENT_SECRET: /,
    );
    expect(problemsOf({ SECRET_STORE_TYPE: 'gcp' })[0]).toMatch(/^SECRET_STORE_TYPE: /);
  });

  it('builds each store’s settings with defaults', () => {
    const vault = loadAppConfig({ SECRET_STORE_TYPE: 'vault', VAULT_ADDR: 'http://vault:8200/', VAULT_TOKEN: 't' }).secrets.vault;
    expect(vault).toEqual({
      addr: 'http://vault:8200',
      token: 't',
      roleId: null,
      secretId: null,
      namespace: null,
      mount: 'secret',
      path: 'secret/algoagent',
    });
    const aws = loadAppConfig({ SECRET_STORE_TYPE: 'aws', AWS_REGION: 'us-east-1' }).secrets.aws;
    expect(aws).toEqual({ region: 'us-east-1', prefix: 'algoagent/', endpoint: null, credentials: null });
    const s = loadAppConfig({ SECRET_REFRESH_INTERVAL: '60' }).secrets;
    expect(s.refreshIntervalMs).toBe(60_000);
  });

  it('checks the rotation tunables', () => {
    expect(problemsOf({ COOLDOWN_BASE_MS: '60000', COOLDOWN_CAP_MS: '1000' })).toEqual([
      'COOLDOWN_BASE_MS: must not be greater than COOLDOWN_CAP_MS',
    ]);
    expect(problemsOf({ ADMIN_API_TOKEN: 'short' })[0]).toMatch(/^ADMIN_API_TOKEN: must be at least 16 characters/);
    expect(problemsOf({ GEMINI_MAX_ATTEMPTS: '9' })[0]).toMatch(/^GEMINI_MAX_ATTEMPTS: /);
    expect(problemsOf({ ENABLE_KEY_ROTATION: 'maybe' })[0]).toMatch(/^ENABLE_KEY_ROTATION: /);
    expect(loadAppConfig({ ENABLE_KEY_ROTATION: 'false' }).rotation.enabled).toBe(false);
  });

  it('reads TRUST_PROXY as a boolean, a hop count or a list', () => {
    expect(loadAppConfig({}).http.trustProxy).toBe(false);
    expect(loadAppConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadAppConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadAppConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).http.trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(problemsOf({ TRUST_PROXY: 'everyone' })[0]).toMatch(/^TRUST_PROXY: /);
  });
});
