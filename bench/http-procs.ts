/**
 * Child processes for the HTTP-path bench: the built service (real Nest app, `node main.js`) and Portkey's
 * open-source gateway, installed outside the project's dependencies into a cached temp folder.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startBuiltApp } from '../test/support/built-app';

export interface Peer {
  name: string;
  url: string;
  pid: number;
  /** Last stderr / stdout lines, for error messages. */
  output: () => string;
  /** Lines written to stdout and stderr so far (the service logs JSON lines to stdout). */
  lines: () => number;
  stop: () => Promise<void>;
}

/** Async cleanups run last-in first-out, once, on success, on a thrown error and on Ctrl-C. */
export class Cleanups {
  private readonly stack: Array<() => Promise<void> | void> = [];
  private readonly kids = new Set<ChildProcess>();
  private readonly onExit = () => {
    for (const k of this.kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGKILL');
  };
  private readonly onSigint = () => {
    void this.run().finally(() => process.exit(130));
  };

  constructor() {
    process.on('exit', this.onExit);
    process.once('SIGINT', this.onSigint);
  }

  add(fn: () => Promise<void> | void): void {
    this.stack.push(fn);
  }

  child(kid: ChildProcess): void {
    this.kids.add(kid);
    kid.once('exit', () => this.kids.delete(kid));
  }

  async run(): Promise<string[]> {
    const problems: string[] = [];
    while (this.stack.length) {
      const fn = this.stack.pop()!;
      try {
        await fn();
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    this.onExit();
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSigint);
    return problems;
  }
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (NaN where there is no /proc). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `url` until it answers anything over HTTP, the process exits, or the timeout passes. */
async function waitForHttp(url: string, kid: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (kid.exitCode !== null || kid.signalCode !== null) throw new Error(`exited (${kid.exitCode ?? kid.signalCode}): ${output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (performance.now() > deadline) throw new Error(`no answer at ${url} after ${timeoutMs} ms: ${output()}`);
      await sleep(250);
    }
  }
}

function stopper(kid: ChildProcess): () => Promise<void> {
  return async () => {
    if (kid.exitCode !== null || kid.signalCode !== null) return;
    const gone = new Promise<void>((r) => kid.once('exit', () => r()));
    kid.kill('SIGTERM');
    const timer = setTimeout(() => kid.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
}

const tail = (s: string) => s.slice(-2000);

/** Starts the built service with exactly `env` (plus PORT and HOST) and waits until /health/live answers. */
export async function startService(name: string, env: Record<string, string>, cwd: string, cleanups: Cleanups): Promise<Peer> {
  const port = await freePort();
  const app = startBuiltApp({ ...env, PORT: String(port), HOST: '127.0.0.1' }, cwd);
  cleanups.child(app.child);
  const stop = stopper(app.child);
  cleanups.add(stop);
  const output = () => tail(`${app.stderr()}\n${app.stdout.slice(-20).join('\n')}`);
  const lines = () => app.stdout.length + app.stderr().split('\n').filter(Boolean).length;
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health/live`, app.child, 120_000, output);
  return { name, url, pid: app.child.pid!, output, lines, stop };
}

const TSX = createRequire(__filename).resolve('tsx/cli');

export type FloorMode = 'http' | 'fetch' | 'sdk';

/** One bare pass-through proxy (bench/floor-proxy.ts): the floor under any Node.js service's added latency. */
export async function startFloorProxy(mode: FloorMode, fakeUrl: string, secret: string, model: string, cleanups: Cleanups): Promise<Peer> {
  const port = await freePort();
  const script = join(__dirname, 'floor-proxy.ts');
  const kid = spawn(process.execPath, [TSX, script, String(port), fakeUrl, secret, model, mode], {
    cwd: join(__dirname, '..'),
    stdio: 'pipe',
  });
  cleanups.child(kid);
  const stop = stopper(kid);
  cleanups.add(stop);
  let out = '';
  kid.stdout.on('data', (c: Buffer) => (out += c.toString()));
  kid.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, kid, 30_000, () => tail(out));
  return { name: `floor ${mode}`, url, pid: kid.pid!, output: () => tail(out), lines: () => 0, stop };
}

export const PORTKEY_VERSION = '1.15.2';
export const PORTKEY_DIR = join(tmpdir(), 'algoagent-bench-portkey');
const PORTKEY_PKG = join(PORTKEY_DIR, 'node_modules', '@portkey-ai', 'gateway');

function installedPortkey(): boolean {
  try {
    return (JSON.parse(readFileSync(join(PORTKEY_PKG, 'package.json'), 'utf8')) as { version?: string }).version === PORTKEY_VERSION;
  } catch {
    return false;
  }
}

/** `npm install --prefix <cache> @portkey-ai/gateway@1.15.2`, skipped when that version is already there. */
async function installPortkey(): Promise<string> {
  if (installedPortkey()) return 'cached';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = [
    'install',
    '--prefix',
    PORTKEY_DIR,
    `@portkey-ai/gateway@${PORTKEY_VERSION}`,
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
  ];
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const kid = spawn(npm, args, { stdio: 'pipe', env: process.env });
    let text = '';
    kid.stdout.on('data', (c: Buffer) => (text += c.toString()));
    kid.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => kid.kill('SIGKILL'), 300_000);
    kid.on('error', (e) => (text += e.message));
    kid.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
  if (out.code !== 0 || !installedPortkey()) {
    rmSync(PORTKEY_DIR, { recursive: true, force: true }); // no half-installed cache for the next run
    throw new Error(`npm install of @portkey-ai/gateway@${PORTKEY_VERSION} failed (${out.code}): ${tail(out.text)}`);
  }
  return 'installed';
}

/** Installs (or reuses) Portkey's gateway and starts `build/start-server.js --port=<free> --headless`. */
export async function startPortkey(cleanups: Cleanups): Promise<Peer & { install: string }> {
  const install = await installPortkey();
  const server = join(PORTKEY_PKG, 'build', 'start-server.js');
  if (!existsSync(server)) throw new Error(`${server} is missing from the installed package`);
  const port = await freePort();
  // Production mode and --headless: no console UI, no log viewer; 127.0.0.1 is a trusted custom host by default.
  const kid = spawn(process.execPath, [server, `--port=${port}`, '--headless'], {
    cwd: PORTKEY_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: 'pipe',
  });
  cleanups.child(kid);
  const stop = stopper(kid);
  cleanups.add(stop);
  let text = '';
  let newlines = 0;
  const take = (c: Buffer) => {
    const s = c.toString();
    newlines += s.split('\n').length - 1;
    text = tail(text + s);
  };
  kid.stdout.on('data', take);
  kid.stderr.on('data', take);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`, kid, 60_000, () => text);
  return { name: 'portkey', url, pid: kid.pid!, output: () => text, lines: () => newlines, stop, install };
}
