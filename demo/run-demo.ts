/**
 * `npm run demo`: the service against a local fake Gemini with four synthetic keys in two projects and
 * tight limits, so rotation can be watched in Swagger UI and /api/keys/health. Nothing leaves the machine.
 *
 * The fake really enforces the projects' limits (alpha: 5 RPM shared by two keys, beta: 3 RPM), and
 * `beta_2` is scripted to answer like a leaked key, so it gets disabled on first use.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FakeGemini } from '../test/fakes/fake-gemini';
import { demoAnswer } from './demo-answers';

const PORT = process.env.PORT ?? '8000';
const ADMIN_TOKEN = 'demo-admin-token-not-a-secret';
const secret = (id: string) => `demo-${id}-synthetic-key-0000000000`;
const keys = [
  { id: 'alpha_1', project: 'demo-alpha', rpm: 5 },
  { id: 'alpha_2', project: 'demo-alpha', rpm: 5 },
  { id: 'beta_1', project: 'demo-beta', rpm: 3 },
  { id: 'beta_2', project: 'demo-beta', rpm: 3 },
];

async function main(): Promise<void> {
  const fake = new FakeGemini({ streamChunkDelayMs: 150 });
  for (const k of keys) fake.addKey({ key: secret(k.id), id: k.id, project: k.project, rpm: k.rpm, rpd: 200 });
  fake.script(secret('beta_2'), 'leaked');
  fake.respondWith(demoAnswer);
  const fakeUrl = await fake.start(Number(process.env.FAKE_GEMINI_PORT ?? 0));

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PORT,
    DATABASE_URL: 'pglite://memory',
    KEYS_FILE: join(__dirname, 'keys.demo.json'),
    GEMINI_BASE_URL: fakeUrl,
    GEMINI_MAX_WAIT_MS: '3000',
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    KEY_PROBE_INTERVAL_SECONDS: '60',
    LOG_LEVEL: 'info',
    ...Object.fromEntries(keys.map((k) => [`GEMINI_KEY_${k.id}`, secret(k.id)])),
  };
  const service = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });

  const base = `http://localhost:${PORT}`;
  console.log(`
AlgoAgent demo — fake Gemini at ${fakeUrl}, service at ${base}
  Swagger UI:   ${base}/docs   (Authorize with: ${ADMIN_TOKEN})
  Key health:   curl -s -H 'Authorization: Bearer ${ADMIN_TOKEN}' ${base}/api/keys/health
  Generate:     curl -s -X POST ${base}/api/ai/generate -H 'Content-Type: application/json' -d '{"prompt":"hello"}'
  Watch rotation: run the generate line ~10 times in a row; alpha's 5 RPM fills, calls move to beta,
  beta_2 gets disabled as leaked, and after ~8 calls in a minute you get 429 with Retry-After.
  Metrics:      curl -s ${base}/metrics | grep gemini_
  Bots:         register (POST /api/auth/register/), Authorize with the access token, then try
                POST /api/ai-developer/runs, /api/strategies/api/validate_strategy_with_ai/ or
                generate_executable_code/ — the fake answers a canned strategy and a working SMA-cross bot,
                tested on synthetic market data.
Ctrl-C stops both.
`);
  const stop = () => {
    service.kill('SIGTERM');
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  service.once('exit', (code) => {
    void fake.stop().then(() => process.exit(code ?? 0));
  });
}

void main();
