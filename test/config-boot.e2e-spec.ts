import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp } from './support/app';
import { buildApp, startBuiltApp } from './support/built-app';

describe('booting the built app with a bad environment', () => {
  let cwd: string;
  beforeAll(() => {
    buildApp();
    cwd = mkdtempSync(join(tmpdir(), 'config-boot-'));
  }, 120000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prints one line per bad variable, no stack, never the value, and exits 1', async () => {
    const app = startBuiltApp({ PORT: 'AIzaSecretLookingValue', LOG_LEVEL: 'chatty', DATABASE_URL: 'pglite://memory' }, cwd);
    expect(await app.exited).toBe(1);
    const lines = app.stderr().trimEnd().split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((l) => l.replace(/:.*/, ''))).toEqual(['  - PORT', '  - LOG_LEVEL']);
    expect(app.stderr()).not.toMatch(/^\s+at /m);
    expect(app.stderr()).not.toContain('AIzaSecretLookingValue');
    expect(app.stdout).toEqual([]);
  }, 60000);

  it('refuses production without JWT_SECRET the same way', async () => {
    const app = startBuiltApp({ NODE_ENV: 'production', DATABASE_URL: 'pglite://memory' }, cwd);
    expect(await app.exited).toBe(1);
    expect(app.stderr().trimEnd().split('\n')).toEqual([
      'Invalid configuration:',
      '  - JWT_SECRET: is required when NODE_ENV=production (at least 32 characters)',
    ]);
  }, 60000);
});

describe('unknown variables with our prefixes', () => {
  it('are logged as a warning at boot, naming the variable only', async () => {
    const t = await createTestApp({ GEMINI_TIMOUT_MS: 'AIzaNotEchoed' });
    const warning = t.logs.json().find((l) => String(l.msg).includes('GEMINI_TIMOUT_MS'));
    expect(warning).toMatchObject({ level: 40, context: 'Config' });
    expect(t.logs.text).not.toContain('AIzaNotEchoed');
    await t.close();
  });
});
