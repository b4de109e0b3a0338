import request from 'supertest';
import { JWT_SECRET } from '../support/auth';
import { createGeminiTestApp, GeminiTestApp } from '../support/gemini-app';

/** The operations the OpenAPI document marks as needing no token (`security` absent). */
const PUBLIC = [
  // The API index and DRF router roots list links only, as Django's did; the backtest health says no more than /health.
  'GET /api',
  'GET /api/auth',
  'GET /api/strategies',
  'GET /api/backtests/api/health',
  'GET /api/strategies/strategies/available_indicators',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'POST /api/auth/login',
  'POST /api/auth/register',
  'POST /api/auth/token/refresh',
];

interface Operation {
  method: string;
  path: string;
  secured: boolean;
}

function operations(doc: { paths: Record<string, Record<string, { security?: unknown[] }>> }): Operation[] {
  const methods = ['get', 'post', 'put', 'patch', 'delete'];
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ method, path, secured: Array.isArray(op.security) && op.security.length > 0 })),
  );
}

/** A concrete URL for a templated path: every `{param}` becomes 1. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, '1');
}

describe('every operation of the OpenAPI document without a valid token (ALLOW_ANONYMOUS=false)', () => {
  let t: GeminiTestApp;
  let ops: Operation[];
  beforeAll(async () => {
    t = await createGeminiTestApp([{ id: 'k1', project: 'p1' }], { store: 'memory', env: { JWT_SECRET } });
    const doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
    ops = operations(doc);
  });
  afterAll(() => t.shutdown());

  it('documents only sign-in, health, metrics and the indicator list as public', () => {
    expect(ops.length).toBeGreaterThan(80);
    const open = ops.filter((o) => !o.secured).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it.each([
    ['no token', undefined],
    ['a garbage token', 'Bearer garbage'],
    ['a token signed with another secret', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJl'],
  ])('answers 401 to every secured operation with %s, and Gemini is never called', async (_name, authorization) => {
    const before = Object.values(t.fake.stats()).reduce((n, k) => n + k.requests, 0);
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.secured)) {
      let req = request(t.app.getHttpServer())[op.method as 'get'](concrete(op.path));
      if (authorization) req = req.set('Authorization', authorization);
      const res = op.method === 'get' || op.method === 'delete' ? await req : await req.send({ prompt: 'spend a key', message: 'hi' });
      if (res.status !== 401) wrong.push(`${op.method.toUpperCase()} ${op.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(Object.values(t.fake.stats()).reduce((n, k) => n + k.requests, 0)).toBe(before);
  });
});
