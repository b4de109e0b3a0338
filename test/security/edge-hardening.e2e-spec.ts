import { statSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import request from 'supertest';
import { sandboxBundlePath } from '../../src/bots/sandbox/bundle';
import { MetricsServer } from '../../src/metrics/metrics-server';
import { createTestApp, TestApp } from '../support/app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** Sends only the request head (no body) on a raw socket and returns the first bytes of the answer. */
function headOnly(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
      if (text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

describe('HTTP edge hardening', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN, DOCS_ENABLED: 'false', BODY_LIMIT: '64kb' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as net.AddressInfo).port;
  });
  afterAll(() => t.close());

  it('sends security headers (helmet)', async () => {
    const res = await request(t.app.getHttpServer()).get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('protects /metrics with METRICS_TOKEN and never logs the token', async () => {
    await request(t.app.getHttpServer()).get('/metrics').expect(401);
    await request(t.app.getHttpServer()).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789abc').expect(401);
    const ok = await request(t.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(ok.text).toMatch(/# HELP/);
    expect(t.logs.text).not.toContain(METRICS_TOKEN);
  });

  it('serves /metrics on METRICS_PORT only, still behind METRICS_TOKEN', async () => {
    const m = await createTestApp({ METRICS_TOKEN, METRICS_PORT: '0' });
    try {
      const port = m.app.get(MetricsServer).port!;
      const url = `http://127.0.0.1:${port}`;
      const auth = { Authorization: `Bearer ${METRICS_TOKEN}` };
      const ok = await fetch(`${url}/metrics`, { headers: auth });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await ok.text()).toMatch(/# HELP/);
      const noToken = await fetch(`${url}/metrics`);
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await noToken.json()).toEqual({ error: 'Authentication required', details: 'Send Authorization: Bearer <METRICS_TOKEN>' });
      expect((await fetch(`${url}/health/ready`, { headers: auth })).status).toBe(404);
      const post = await fetch(`${url}/metrics`, { method: 'POST', headers: auth });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      // The API port has no /metrics any more, with or without the token.
      const api = await request(m.app.getHttpServer()).get('/metrics').set(auth).expect(404);
      expect(api.body).toMatchObject({ error: 'Not found' });
      expect(m.logs.text).not.toContain(METRICS_TOKEN);
    } finally {
      await m.close();
    }
  });

  it('turns the docs off with DOCS_ENABLED=false', async () => {
    await request(t.app.getHttpServer()).get('/docs-json').expect(404);
    await request(t.app.getHttpServer()).get('/docs').expect(404);
  });

  it('answers 413 to an over-limit Content-Length before any of the body is sent', async () => {
    const head = 'POST /api/auth/login/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n';
    const answer = await headOnly(port, head);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('bounds how long a client may take to send its request (SSE responses are not cut)', () => {
    const server = t.app.getHttpServer();
    expect(server.headersTimeout).toBeLessThanOrEqual(30_000);
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.requestTimeout).toBeLessThanOrEqual(120_000);
  });

  it('builds the sandbox bundle in a private folder of this process, not a shared fixed one', async () => {
    const file = await sandboxBundlePath();
    const dir = dirname(file);
    expect(dirname(dir)).toBe(tmpdir());
    expect(dir).not.toBe(`${tmpdir()}/algoagent-sandbox`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
