import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeGemini } from './fakes/fake-gemini';
import { secretFor } from './support/gemini-app';
import { buildApp, freePort, RunningApp, startBuiltApp } from './support/built-app';

/** Resolves once `condition` holds (polled); the test's own timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

/** A raw TCP client, so the test controls exactly which requests share a keep-alive connection. */
function rawClient(port: number): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received: () => data, closed };
}

describe('SIGTERM on the built app', () => {
  let fake: FakeGemini;
  let app: RunningApp;
  let port: number;
  let cwd: string;

  beforeAll(async () => {
    buildApp();
    cwd = mkdtempSync(join(tmpdir(), 'shutdown-'));
    // Streams send their first chunk, then stall (an SSE stream stays open until the shutdown ends it).
    fake = new FakeGemini({ streamChunks: 3, streamChunkDelayMs: 60000 });
    fake.addKey({ key: secretFor('k1'), id: 'k1', project: 'p1' });
    fake.script(secretFor('k1'), { delayMs: 1500, reply: 'slow but complete' });
    await fake.start();
    port = await freePort();
    app = startBuiltApp(
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: 'pglite://memory',
        GEMINI_BASE_URL: fake.url,
        GEMINI_KEY_k1: secretFor('k1'),
        KEYS_FILE: join(cwd, 'none.json'),
        BOTS_DIR: join(cwd, 'bots'),
        BOT_WARM_PROCESSES: '0',
        // The in-flight and streaming calls below are anonymous (demo mode): shutdown is what is tested.
        ALLOW_ANONYMOUS: 'true',
        // Far longer than the test: exit 0 below proves nothing waited for this timeout.
        SHUTDOWN_TIMEOUT_MS: '60000',
      },
      cwd,
    );
    await app.waitForLine(/AlgoAgent API listening/);
  }, 120000);

  afterAll(async () => {
    if (app.child.exitCode === null) app.child.kill('SIGKILL');
    await fake.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('answers readiness 503, refuses new connections, finishes in-flight work, ends streams and idle sockets, exits 0', async () => {
    // An idle keep-alive connection (the one that used to hold the process until the timeout).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let idleSocketClosed = false;
    await new Promise<void>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: '/health/live', agent }, (res) => {
        res.resume();
        res.socket.once('close', () => (idleSocketClosed = true));
        res.on('end', () => resolve());
      }).on('error', reject),
    );

    // An open SSE stream waiting on a slow Gemini answer.
    const seen = fake.requests.length;
    const stream = rawClient(port);
    const streamBody = JSON.stringify({ prompt: 'stream please' });
    stream.socket.write(
      `POST /api/ai/generate/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${streamBody.length}\r\n\r\n${streamBody}`,
    );
    await until(() => stream.received().includes('event: chunk'));

    // A slow request in flight on a keep-alive connection.
    const inflight = rawClient(port);
    const body = JSON.stringify({ prompt: 'take your time' });
    inflight.socket.write(
      `POST /api/ai/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await until(() => fake.requests.length >= seen + 2);

    app.child.kill('SIGTERM');
    const started = JSON.parse(await app.waitForLine(/SIGTERM received/));
    expect(started.msg).toMatch(/finishing \d+ request\(s\), ended 1 stream\(s\)/);

    // The in-flight connection is still open: a request sent on it now sees readiness 503.
    inflight.socket.write('GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n');
    // New connections are refused.
    const refused = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');

    await inflight.closed;
    const [first, second] = inflight.received().split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(first).toContain('slow but complete');
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/connection: close/i);
    expect(second).toContain('"error":"Not ready: shutting_down"');

    await stream.closed;
    expect(stream.received()).toContain('event: shutdown');
    expect(stream.received()).toContain('"reconnect":true');

    expect(await app.exited).toBe(0);
    expect(idleSocketClosed).toBe(true);
    const done = JSON.parse(await app.waitForLine(/Shutdown complete/));
    expect(done.msg).toMatch(/exit 0$/);
    agent.destroy();
  }, 90000);
});
