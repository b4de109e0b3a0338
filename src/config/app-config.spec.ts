import { AppConfig, ConfigValidationError, loadAppConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

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
