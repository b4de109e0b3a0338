import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from './app-config';
import { readEnvironment, unknownVariableWarnings } from './environment';

describe(unknownVariableWarnings.name, () => {
  it('names variables with our prefixes that nothing reads, and nothing else', () => {
    const warnings = unknownVariableWarnings({
      GEMINI_TIMOUT_MS: '5000',
      VAULT_ADR: 'http://vault',
      BOT_TIMEOUT: '1',
      GEMINI_TIMEOUT_MS: '5000',
      GEMINI_KEY_flash_01: 'x',
      GEMINI_API_KEYS: 'a,b',
      GEMINI_API_KEY: 'a',
      AWS_PROFILE: 'dev',
      PATH: '/usr/bin',
      HOME: '/root',
    });
    expect(warnings).toEqual([
      'BOT_TIMEOUT: is not a variable this service reads (a typo?); it is ignored',
      'GEMINI_TIMOUT_MS: is not a variable this service reads (a typo?); it is ignored',
      'VAULT_ADR: is not a variable this service reads (a typo?); it is ignored',
    ]);
  });

  it('never echoes the value', () => {
    expect(unknownVariableWarnings({ GEMINI_SECRET: 'AIzaSyVerySecret' }).join('\n')).not.toContain('AIza');
  });

  it('is carried by the loaded config, which still boots', () => {
    expect(loadAppConfig({ REDIS_URLL: 'redis://x' }).warnings).toEqual([
      'REDIS_URLL: is not a variable this service reads (a typo?); it is ignored',
    ]);
    expect(loadAppConfig({}).warnings).toEqual([]);
  });
});

describe(readEnvironment.name, () => {
  it('reads .env from the folder, the real environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    try {
      writeFileSync(join(dir, '.env'), 'ALGO_TEST_FROM_FILE=file\nPATH=from-file\n# comment\n');
      const env = readEnvironment(dir);
      expect(env.ALGO_TEST_FROM_FILE).toBe('file');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works without a .env file', () => {
    expect(readEnvironment(join(tmpdir(), 'no-such-folder-env')).PATH).toBe(process.env.PATH);
  });
});
