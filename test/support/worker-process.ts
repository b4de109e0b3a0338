import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote (logs), for a failure message. */
  output: () => string;
  /** Sends `signal` and resolves when the process has exited. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * Starts `src/worker.ts` as a real child process (the TypeScript compiled on load by SWC) with exactly `env`
 * (plus PATH), and resolves once it says it consumes jobs. Fails with its output if it exits first.
 */
export function startWorker(env: Record<string, string>, maxMs = 240_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'scripts', 'swc-register.cjs'), join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' }, // info: the ready line is logged at info
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker: WorkerProcess = {
    child,
    pid: child.pid!,
    output: () => output,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker did not start within ${maxMs} ms:\n${output.slice(-4000)}`));
    }, maxMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('consuming jobs')) {
        clearTimeout(timer);
        resolve(worker);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${signal ?? code}) before consuming jobs:\n${output.slice(-4000)}`));
    });
  });
}
