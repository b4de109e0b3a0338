/**
 * Jobs per second with 1, 2 and 4 separate worker processes (`bench/jobs-worker.ts`, one job at a time each) on
 * BullMQ, records in PostgreSQL (a fresh schema, dropped afterwards), beside the same work awaited in-process with
 * as many callers, measured in the same run. `npm run bench -- jobs-procs`; BENCH_JOBS_TRIVIAL (200) and
 * BENCH_JOBS_SANDBOX (24) set the counts. Redis: the bench's own database, a random prefix deleted afterwards.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SystemClock } from '../src/common/clock';
import { loadAppConfig } from '../src/config/app-config';
import { openDatabase } from '../src/database/database';
import { jobEvents, jobs } from '../src/database/schema';
import { BullJobQueue } from '../src/jobs/bull-job-queue';
import { JobRuntime } from '../src/jobs/job-runtime';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { RedisEventBus } from '../src/jobs/redis-event-bus';
import { freshPostgresSchema } from '../test/support/services';
import { deleteRedisPrefix, REDIS_URL } from './harness';
import { benchJobParts, runInProcess } from './job-kinds';
import { fmtRatio, Section } from './stats';

const TRIVIAL_JOBS = Number(process.env.BENCH_JOBS_TRIVIAL ?? 200);
const SANDBOX_JOBS = Number(process.env.BENCH_JOBS_SANDBOX ?? 24);
const WORKERS = [1, 2, 4];
const TSX = createRequire(__filename).resolve('tsx/cli');

function startWorkers(n: number, env: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [TSX, join(__dirname, 'jobs-worker.ts')], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return new Promise<ChildProcess>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`a bench worker exited with ${code} before it was ready`)));
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve(child);
        });
      });
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          const hard = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.removeAllListeners('exit');
          c.once('exit', () => {
            clearTimeout(hard);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

export async function benchJobProcesses(): Promise<{ section: Section }> {
  const pg = await freshPostgresSchema();
  const prefix = `bench:jobsp:${randomBytes(4).toString('hex')}:`;
  const connection = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 4 }, pg.schema);
  await connection.migrate();
  const repo = new JobsRepository({ connection });
  const { metrics, sandbox, kinds, registry } = benchJobParts(4);
  // This process only enqueues: its queue starts no workers.
  const bus = new RedisEventBus(REDIS_URL, prefix);
  const runtime = new JobRuntime(repo, registry, bus, loadAppConfig({ REDIS_URL }), metrics, new SystemClock());
  const producer = new BullJobQueue(repo, runtime, registry, bus, { url: REDIS_URL, prefix: `${prefix}bull`, lockMs: 30_000 });
  const workerEnv = { BENCH_PG_URL: pg.url, BENCH_PG_SCHEMA: pg.schema, BENCH_REDIS_URL: REDIS_URL, BENCH_PREFIX: prefix };

  const throughWorkers = async (kind: string, count: number, n: number) => {
    const children = await startWorkers(n, workerEnv);
    try {
      const start = process.hrtime.bigint();
      for (let i = 0; i < count; i++) await producer.enqueue(kind, { n: i }, { ownerId: null });
      for (;;) {
        const rows = await repo.countsByKind();
        const done = rows.find((r) => r.kind === kind && r.status === 'succeeded')?.n ?? 0;
        if (rows.some((r) => r.kind === kind && r.status === 'failed')) throw new Error(`${kind}: a job failed`);
        if (done >= count) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      return Number(process.hrtime.bigint() - start) / 1e6;
    } finally {
      await stopWorkers(children);
      await connection.db.delete(jobs);
      await connection.db.delete(jobEvents);
    }
  };

  const rows: string[][] = [];
  try {
    await runInProcess(kinds[1], 4, 2); // warm the sandbox bundle
    for (const [def, count] of [
      [kinds[0], TRIVIAL_JOBS],
      [kinds[1], SANDBOX_JOBS],
    ] as const) {
      for (const n of WORKERS) {
        const base = (count * 1000) / (await runInProcess(def, count, n));
        const procs = (count * 1000) / (await throughWorkers(def.kind, count, n));
        const trivial = def.kind === 'bench.trivial';
        rows.push([
          trivial ? 'trivial' : 'sandboxed backtest',
          String(n),
          String(count),
          trivial ? '(µs a call)' : base.toFixed(1),
          procs.toFixed(1),
          trivial ? `${(1000 / procs).toFixed(1)} ms a job` : fmtRatio(procs / base),
        ]);
      }
    }
  } finally {
    await producer.close();
    await bus.close();
    sandbox.onModuleDestroy();
    await connection.close();
    await pg.drop();
    await deleteRedisPrefix(prefix);
  }
  return {
    section: {
      title: 'Jobs per second with separate worker processes (BullMQ + PostgreSQL), beside in-process, same run',
      headers: ['job', 'workers', 'jobs', 'in-process jobs/s (as many callers)', 'worker processes jobs/s', '÷ in-process'],
      rows,
      notes: [
        'Each worker is its own process (`bench/jobs-worker.ts`: BullMQ consumer, JOB_CONCURRENCY=1, its own sandbox with one warm bot process); this process only enqueues. Timed from the first enqueue to the last job recorded as succeeded in PostgreSQL.',
        'In-process = the handler awaited by N callers in one process (how the work ran before jobs). On 2 cores, 4 workers share them with the bench, Redis and PostgreSQL.',
      ],
    },
  };
}
