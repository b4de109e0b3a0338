import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { createGeminiTestApp, GeminiTestApp } from './support/gemini-app';

/** Runs Debian's `promtool` (installed by .ci/run) on `args`, feeding `input` on stdin. */
function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed (apt-get install prometheus): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('/metrics', () => {
  let t: GeminiTestApp;
  let text: string;

  beforeAll(async () => {
    // One request a minute on the only key, no waiting: the second call is a 429 "keys busy".
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1', rpm: 1 }], {
      store: 'memory',
      env: { AUTH_LOGIN_MAX_ATTEMPTS: '1', ALLOW_ANONYMOUS: 'true' },
    });
    const http = () => request(t.app.getHttpServer());
    await http().post('/api/ai/generate').send({ prompt: 'count my tokens' }).expect(200);
    await http().post('/api/ai/generate').send({ prompt: 'no key left' }).expect(429);
    for (let i = 0; i < 2; i++) await http().post('/api/auth/login/').send({ username: 'nobody', password: 'wrong-password' });
    await http().get('/api/strategies/strategies/424242/').expect(404); // anonymous (demo mode) sees no strategy 424242
    await http().get('/no/such/path/123').expect(404);
    text = (await http().get('/metrics').expect(200)).text;
  }, 120000);
  afterAll(() => t.shutdown());

  it('passes promtool check metrics', () => {
    const r = promtool(['check', 'metrics'], text);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('counts HTTP requests by route template and status, never by raw path', () => {
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/ai\/generate",status_code="200"\} 1\n/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/ai\/generate",status_code="429"\} 1\n/);
    expect(text).toMatch(/route="\/api\/strategies\/strategies\/:id",status_code="404"/);
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain('424242');
    expect(text).not.toContain('/no/such/path');
  });

  it('counts 429 answers by reason', () => {
    expect(text).toMatch(/http_rate_limited_total\{reason="keys_busy"\} 1\n/);
    expect(text).toMatch(/http_rate_limited_total\{reason="login_throttle"\} 1\n/);
  });

  it('counts Gemini tokens by key, model and kind', () => {
    const prompt = /gemini_tokens_total\{key_id="k1",model="gemini-2.5-flash",kind="prompt"\} (\d+)/.exec(text);
    const output = /gemini_tokens_total\{key_id="k1",model="gemini-2.5-flash",kind="output"\} (\d+)/.exec(text);
    expect(Number(prompt?.[1])).toBeGreaterThan(0);
    expect(Number(output?.[1])).toBeGreaterThan(0);
  });

  it('has no gauge named like a counter', () => {
    expect(text).not.toMatch(/# TYPE \S+_total gauge/);
  });
});

describe('deploy/prometheus', () => {
  it('alert rules pass promtool check rules', () => {
    const r = promtool(['check', 'rules', 'deploy/prometheus/alerts.yml']);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });
});
