/**
 * Jobs per second through the job queues, beside the same work called in-process (the path before jobs),
 * measured in the same run: a trivial job, and a sandboxed backtest (SMA cross, 5y daily bars, one bot
 * process per run), with 1, 2 and 4 jobs at once. Uses its own Redis key prefix (`bench:jobs:<random>:`,
 * deleted afterwards) on the bench's own Redis database (BENCH_REDIS_URL, default index 15; see harness.ts), never other keys.
 * `npm run bench -- jobs` (or `npx tsx bench/run.ts jobs`); BENCH_JOBS_TRIVIAL (default 200) and
 * BENCH_JOBS_SANDBOX (default 24) set the counts, e.g. 20 and 4 for a quick check that it runs.
 */
import { randomBytes } from 'node:crypto';
import { loadAppConfig } from '../src/config/app-config';
import { openDatabase } from '../src/database/database';
import { jobEvents, jobs } from '../src/database/schema';
import { BullJobQueue } from '../src/jobs/bull-job-queue';
import { EmbeddedJobQueue } from '../src/jobs/embedded-job-queue';
import { MemoryEventBus } from '../src/jobs/event-bus';
import { JobQueue } from '../src/jobs/job-queue';
import { JobRuntime } from '../src/jobs/job-runtime';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { RedisEventBus } from '../src/jobs/redis-event-bus';
import { SystemClock } from '../src/common/clock';
import { deleteRedisPrefix, REDIS_URL } from './harness';
import { benchJobParts, runInProcess } from './job-kinds';
import { fmtRatio, Section } from './stats';

const TRIVIAL_JOBS = Number(process.env.BENCH_JOBS_TRIVIAL ?? 200);
const SANDBOX_JOBS = Number(process.env.BENCH_JOBS_SANDBOX ?? 24);
const CONCURRENCY = [1, 2, 4];

export async function benchJobs(): Promise<{ section: Section }> {
  const redisUrl = REDIS_URL;
  const prefix = `bench:jobs:${randomBytes(4).toString('hex')}:`;
  const connection = await openDatabase({ kind: 'pglite', dataDir: null });
  await connection.migrate();
  const repo = new JobsRepository({ connection });
  const { metrics, bars, sandbox, kinds, registry } = benchJobParts(4);

  const through = async (engine: 'embedded' | 'bullmq', kind: string, count: number, n: number) => {
    const config = loadAppConfig({ JOB_CONCURRENCY: String(n), REDIS_URL: engine === 'bullmq' ? redisUrl : '' });
    const bus = engine === 'bullmq' ? new RedisEventBus(redisUrl, prefix) : new MemoryEventBus();
    const runtime = new JobRuntime(repo, registry, bus, config, metrics, new SystemClock());
    const queue: JobQueue =
      engine === 'bullmq'
        ? new BullJobQueue(repo, runtime, registry, bus, { url: redisUrl, prefix: `${prefix}bull`, lockMs: 30_000 })
        : new EmbeddedJobQueue(repo, runtime, registry, 30_000);
    await queue.startWorkers();
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await queue.enqueue(kind, { n: i }, { ownerId: null });
    for (;;) {
      const c = (await queue.counts())[kind];
      const rows = (await repo.countsByKind()).filter((r) => r.kind === kind && r.status === 'succeeded');
      if ((rows[0]?.n ?? 0) >= count) break;
      if (c.failed > 0) throw new Error(`${engine} ${kind}: a job failed`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await queue.close();
    await bus.close();
    await connection.db.delete(jobs);
    await connection.db.delete(jobEvents);
    return ms;
  };

  const rows: string[][] = [];
  try {
    await runInProcess(kinds[1], 4, 2); // warm the sandbox bundle and processes
    for (const [def, count] of [
      [kinds[0], TRIVIAL_JOBS],
      [kinds[1], SANDBOX_JOBS],
    ] as const) {
      for (const n of CONCURRENCY) {
        const base = (count * 1000) / (await runInProcess(def, count, n));
        const embedded = (count * 1000) / (await through('embedded', def.kind, count, n));
        const bull = (count * 1000) / (await through('bullmq', def.kind, count, n));
        rows.push([
          def.kind === 'bench.trivial' ? 'trivial' : 'sandboxed backtest',
          String(n),
          String(count),
          base.toFixed(1),
          embedded.toFixed(1),
          fmtRatio(embedded / base),
          bull.toFixed(1),
          fmtRatio(bull / base),
        ]);
      }
    }
  } finally {
    sandbox.onModuleDestroy();
    await connection.close();
    await deleteRedisPrefix(prefix);
  }
  return {
    section: {
      title: 'Jobs per second: queues beside the in-process call, same run',
      headers: ['job', 'at once', 'jobs', 'in-process jobs/s', 'embedded jobs/s', '÷ in-process', 'BullMQ jobs/s', '÷ in-process'],
      rows,
      notes: [
        '"in-process" awaits the handler where the work is asked for (how long work ran before jobs); "at once" = N callers, or JOB_CONCURRENCY=N for the queues (one consuming process).',
        'Each queued job: validated, a jobs row inserted, queued, claimed, started/ended/progress events stored and published, the row finished. Timed from the first enqueue to the last job recorded as succeeded.',
        `Embedded = the jobs table in PGlite (in memory), polled every 200 ms and on each completion; BullMQ = Redis at ${redisUrl.replace(/\/\/[^@]*@/, '//')} with its own key prefix, records in the same PGlite.`,
        `Sandboxed backtest = SMA cross over ${bars.length} synthetic daily bars in a fresh bot process per run (4 warm), BOT_MAX_CONCURRENT=4.`,
      ],
    },
  };
}
