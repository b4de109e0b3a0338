/**
 * Issue 8 item 4: every escape attempt is contained by the sandbox with a classified error, and the server
 * process (this Jest worker, which owns the runner) stays healthy. Real child processes, no mocks.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadAppConfig } from '../../src/config/app-config';
import { MetricsService } from '../../src/metrics/metrics.service';
import { SandboxRunner } from '../../src/bots/sandbox/sandbox-runner.service';
import { SMA_CROSS_BOT, syntheticBars } from './bot-fixtures';

jest.setTimeout(60_000);

const bars = syntheticBars(120);

function runner(env: Record<string, string> = {}): SandboxRunner {
  const config = loadAppConfig({ BOT_TIMEOUT_MS: '3000', BOT_MEMORY_MB: '64', BOT_OUTPUT_CAP_BYTES: '65536', ...env });
  return new SandboxRunner(config, new MetricsService());
}

/** A bot whose init runs `body`; onBar does nothing. */
const inInit = (body: string) => `module.exports = { name: 'escape', init(ctx) { ${body} }, onBar(bar, ctx) {} };`;

describe('sandbox escape attempts', () => {
  const sandbox = runner();
  let loopback: Server;
  let loopbackHits = 0;
  let loopbackPort = 0;

  beforeAll(async () => {
    loopback = createServer((_req, res) => {
      loopbackHits += 1;
      res.end('reached');
    });
    loopback.on('connection', () => (loopbackHits += 1));
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
    loopbackPort = (loopback.address() as AddressInfo).port;
  });
  afterAll(async () => {
    sandbox.onModuleDestroy();
    await new Promise((resolve) => loopback.close(resolve));
  });

  const cases: Array<[title: string, code: () => string, errorType: string, mention: RegExp]> = [
    [
      'read /etc/passwd through the constructor chain',
      () =>
        inInit(
          `const p = this.constructor.constructor('return process')(); ctx.log(p.mainModule.require('fs').readFileSync('/etc/passwd', 'utf8'));`,
        ),
      'sandbox_violation',
      /code generation from strings disallowed/i,
    ],
    [
      'read /etc/passwd through ctx.buy',
      () => inInit(`const p = ctx.buy.constructor('return process')(); ctx.log(String(p));`),
      'sandbox_violation',
      /code generation from strings disallowed/i,
    ],
    ['read process.env', () => inInit(`ctx.log(JSON.stringify(process.env));`), 'sandbox_violation', /process is not defined/],
    ["require('child_process')", () => inInit(`require('child_process').execSync('id');`), 'sandbox_violation', /require is not defined/],
    ['fetch to loopback', () => inInit(`fetch('http://127.0.0.1:${loopbackPort}/');`), 'sandbox_violation', /fetch is not defined/],
    [
      "import('node:net') to loopback",
      () => inInit(`import('node:net').then((net) => net.connect(${loopbackPort}, '127.0.0.1'));`),
      'sandbox_violation',
      /import/i,
    ],
    ['while (true) {}', () => `module.exports = { onBar(bar, ctx) { while (true) {} } };`, 'timeout', /timed out/],
    [
      'allocate 4 GB',
      () => inInit(`const hold = []; for (let i = 0; i < 4096; i++) hold.push(new Array(1 << 17).fill(i));`),
      'memory',
      /out of memory/,
    ],
    [
      'allocate 4 GB off-heap',
      () => inInit(`const big = new ArrayBuffer(4 * 1024 ** 3); new Uint8Array(big).fill(1);`),
      'sandbox_violation',
      /ArrayBuffer is not defined/,
    ],
    [
      'print 100 MB',
      () => inInit(`const line = 'x'.repeat(1e6); for (let i = 0; i < 100; i++) console.log(line);`),
      'output_limit',
      /output limit/,
    ],
    [
      'throw',
      () => `module.exports = { onBar(bar, ctx) { if (ctx.index === 5) throw new TypeError('boom at five'); } };`,
      'type',
      /boom at five/,
    ],
    [
      'syntax error',
      () => `module.exports = {\n  onBar(bar, ctx) {\n    if (bar.close > ) ctx.buy();\n  }\n};`,
      'syntax',
      /SyntaxError.*line 3/,
    ],
    [
      'NaN prices',
      () => `module.exports = { onBar(bar, ctx) { ctx.buy({ qty: 1, stopLoss: bar.close * NaN }); } };`,
      'data',
      /stopLoss must be a finite positive number, got NaN/,
    ],
    [
      'a host-realm error turned into code',
      () =>
        inInit(
          `let e; const deep = (n) => { try { return deep(n + 1); } catch (x) { try { ctx.cash; } catch (y) { e = y; } return e; } }; deep(0); if (e) e.constructor.constructor('return process')(); else throw new RangeError('no host error reached');`,
        ),
      'sandbox_violation',
      /disallowed|no host error/,
    ],
  ];

  it.each(cases)('%s is contained with a classified error', async (_title, code, errorType, mention) => {
    const outcome = await sandbox.run({ code: code(), bars });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect({ type: outcome.errorType, message: outcome.message }).toEqual({ type: errorType, message: expect.stringMatching(mention) });
    expect(outcome.message).not.toMatch(/root:x:0:0/);
  });

  it('nothing reached the loopback server', () => {
    expect(loopbackHits).toBe(0);
  });

  it('the server is healthy afterwards: a normal bot still runs and nothing is left running', async () => {
    const outcome = await sandbox.run({ code: SMA_CROSS_BOT, bars });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.result.metrics.num_trades).toBeGreaterThan(0);
    expect(sandbox.stats).toEqual({ running: 0, waiting: 0, warm: 1 });
  });

  it('every process serves one run: what a bot leaves behind is gone in the next run', async () => {
    const first = await sandbox.run({ code: inInit(`Object.prototype.leaked = 'yes'; globalThis.leftover = 42;`), bars });
    expect(first.ok).toBe(true);
    const second = await sandbox.run({ code: inInit(`ctx.log(String(({}).leaked) + ' ' + typeof globalThis.leftover);`), bars });
    expect(second.ok && second.result.logs[0]).toBe('undefined undefined');
    expect(sandbox.stats.warm).toBe(1);
  });
});

describe('sandbox limits and queue', () => {
  it('runs wait in line with their position reported, never more than BOT_MAX_CONCURRENT at once', async () => {
    const sandbox = runner({ BOT_MAX_CONCURRENT: '1', BOT_QUEUE_MAX: '5' });
    const positions: number[][] = [[], [], []];
    const runs = positions.map((seen) => sandbox.run({ code: SMA_CROSS_BOT, bars }, { onQueued: (p) => seen.push(p) }));
    expect(sandbox.stats.running).toBeLessThanOrEqual(1);
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    // The first starts at once; the second waits first in line; the third second, then first.
    expect(positions).toEqual([[], [1], [2, 1]]);
    sandbox.onModuleDestroy();
  });

  it('refuses with 429 rate_limited when the waiting line is full', async () => {
    const sandbox = runner({ BOT_MAX_CONCURRENT: '1', BOT_QUEUE_MAX: '1' });
    const first = sandbox.run({ code: SMA_CROSS_BOT, bars });
    const second = sandbox.run({ code: SMA_CROSS_BOT, bars });
    await expect(sandbox.run({ code: SMA_CROSS_BOT, bars })).rejects.toMatchObject({ code: 'rate_limited', retryAfterSec: 5 });
    expect((await first).ok && (await second).ok).toBe(true);
    sandbox.onModuleDestroy();
  });

  it('a bot cannot see anything of the server environment', async () => {
    process.env.SANDBOX_CANARY = 'canary-secret-value';
    try {
      const sandbox = runner();
      // Even with a function of the host realm, there is no path to process.env without code generation.
      const outcome = await sandbox.run({
        code: `module.exports = { init(ctx) { ctx.log(typeof globalThis.process + ' ' + Object.getOwnPropertyNames(globalThis).join(',')); }, onBar() {} };`,
        bars,
      });
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      expect(outcome.result.logs[0]).toMatch(/^undefined /);
      expect(JSON.stringify(outcome)).not.toContain('canary-secret-value');
      expect(outcome.result.logs[0]).not.toMatch(/\b(require|process|Buffer|fetch|setTimeout)\b/);
      sandbox.onModuleDestroy();
    } finally {
      delete process.env.SANDBOX_CANARY;
    }
  });
});
