import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

/**
 * Compiles `src/` to CommonJS the way `npm run build` lays it out (decorator metadata on, migrations copied),
 * with swc so it takes seconds (assets copied as scripts/build.mjs does), into `.test-build/<hash of the sources>/` inside the project (so packages
 * resolve from node_modules). Reused while the sources are unchanged. Returns the path of `main.js`.
 */
export function buildApp(): string {
  const files = sourceFiles(SRC).sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(SRC, file)).update(readFileSync(file));
  const dir = join(ROOT, '.test-build', hash.digest('hex').slice(0, 16));
  const main = join(dir, 'main.js');
  if (existsSync(main)) return main;
  const partial = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  for (const file of files) {
    const out = join(partial, relative(SRC, file)).replace(/\.ts$/, '.js');
    const { code } = transformFileSync(file, {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: false,
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  cpSync(join(SRC, 'database', 'migrations'), join(partial, 'database', 'migrations'), { recursive: true });
  cpSync(join(SRC, 'admin-ui', 'public'), join(partial, 'admin-ui', 'public'), { recursive: true });
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another test file built the same sources first
  }
  return main;
}

export interface RunningApp {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Resolves with the first stdout line matching `pattern` (already written or still to come). */
  waitForLine: (pattern: RegExp) => Promise<string>;
}

/** Starts the built app as a child process with exactly `env` (plus PATH), collecting its output. */
export function startBuiltApp(env: Record<string, string>, cwd: string = ROOT): RunningApp {
  const child = spawn(process.execPath, [buildApp()], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
  const stdout: string[] = [];
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      stdout.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = stdout.find((l) => pattern.test(l));
      if (seen !== undefined) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`app exited (${code}) before printing ${pattern}; stderr: ${stderr}`)));
    });
  return { child, stdout, stderr: () => stderr, exited, waitForLine };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
