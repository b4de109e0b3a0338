import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
import { buildApp, freePort, startBuiltApp } from './support/built-app';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The package a module specifier belongs to (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('the production image', () => {
  const pkg = JSON.parse(read('package.json'));
  const dockerfile = read('Dockerfile');

  it('installs every package the app loads at runtime (npm ci --omit=dev), pino-pretty included for LOG_PRETTY', () => {
    const used = new Set<string>();
    for (const file of sources(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [
        ...text.matchAll(/^\s*import[^'"]*?from\s+'([^'.][^']*)'/gm),
        ...text.matchAll(/^\s*import\s+'([^'.][^']*)'/gm),
        ...text.matchAll(/\brequire\('([^'.][^']*)'\)/g),
        ...text.matchAll(/\btarget:\s*'(pino-[^']*)'/g), // pino transports are loaded by name
      ].map((m) => m[1]);
      for (const s of specifiers) {
        if (s.startsWith('node:') || builtinModules.includes(s)) continue;
        if (text.includes(`import type`) && new RegExp(`import type [^;]*'${s}'`).test(text)) continue;
        used.add(packageOf(s));
      }
    }
    expect(used).toContain('pino-pretty');
    const missing = [...used].filter((p) => !(p in pkg.dependencies)).sort();
    expect(missing).toEqual([]);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('checks liveness, not readiness, as its HEALTHCHECK', () => {
    const check = /HEALTHCHECK[^\n]*\\\n\s*CMD ([^\n]+)/.exec(dockerfile);
    expect(check?.[1]).toContain('/health/live');
    expect(dockerfile).not.toContain('/health/ready');
  });

  it('runs no install-time telemetry', () => {
    expect(pkg.scarfSettings).toEqual({ enabled: false });
    const installs = dockerfile.split('\n').filter((l) => /npm ci/.test(l));
    expect(installs).toHaveLength(2);
    const buildEnv = /ENV SCARF_ANALYTICS=false DO_NOT_TRACK=1\n(?:.*\n)*?RUN npm ci --no-audit/.test(dockerfile);
    expect(buildEnv).toBe(true);
    expect(installs[1]).toMatch(/SCARF_ANALYTICS=false DO_NOT_TRACK=1 npm ci --omit=dev/);
  });
});

describe('docker compose', () => {
  const compose = parse(read('docker-compose.yml'));
  const app = compose.services.app;

  it('gives the production image a JWT secret of 32+ characters and checks liveness', () => {
    const secret = String(app.environment.JWT_SECRET);
    const value = /^\$\{JWT_SECRET:-(.+)\}$/.exec(secret)?.[1] ?? secret;
    expect(value.length).toBeGreaterThanOrEqual(32);
    expect(app.healthcheck.test.join(' ')).toContain('/health/live');
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });
});

describe('the built app with the image and compose environment', () => {
  let cwd: string;
  beforeAll(() => {
    buildApp();
    cwd = mkdtempSync(join(tmpdir(), 'container-'));
  }, 120000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('starts with NODE_ENV=production, the compose JWT secret and LOG_PRETTY=true, printing readable lines', async () => {
    const compose = parse(read('docker-compose.yml'));
    const jwt = /^\$\{JWT_SECRET:-(.+)\}$/.exec(String(compose.services.app.environment.JWT_SECRET))![1];
    const port = await freePort();
    const app = startBuiltApp(
      {
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: jwt,
        LOG_PRETTY: 'true',
        DATABASE_URL: 'pglite://memory',
      },
      cwd,
    );
    try {
      const line = await app.waitForLine(/AlgoAgent API listening/);
      expect(() => JSON.parse(line)).toThrow(); // pino-pretty, not JSON
      expect(line).toMatch(/INFO/);
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).toBe(200);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  }, 90000);
});
