/**
 * One consuming process of `npm run bench -- jobs-procs`: the bench job kinds on BullMQ, records in the shared
 * PostgreSQL schema, one job at a time (JOB_CONCURRENCY=1), its own sandbox. Prints "ready" once consuming and
 * stops on SIGTERM. Started by bench/jobs-procs.ts only.
 */
import { SystemClock } from '../src/common/clock';
import { loadAppConfig } from '../src/config/app-config';
import { openDatabase } from '../src/database/database';
import { BullJobQueue } from '../src/jobs/bull-job-queue';
import { JobRuntime } from '../src/jobs/job-runtime';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { RedisEventBus } from '../src/jobs/redis-event-bus';
import { benchJobParts } from './job-kinds';

async function main(): Promise<void> {
  const { BENCH_PG_URL, BENCH_PG_SCHEMA, BENCH_REDIS_URL, BENCH_PREFIX } = process.env;
  if (!BENCH_PG_URL || !BENCH_PG_SCHEMA || !BENCH_REDIS_URL || !BENCH_PREFIX)
    throw new Error('jobs-worker: started without its environment');
  const connection = await openDatabase({ kind: 'postgres', url: BENCH_PG_URL, poolSize: 4 }, BENCH_PG_SCHEMA);
  const repo = new JobsRepository({ connection });
  const { metrics, sandbox, registry } = benchJobParts(1);
  const config = loadAppConfig({ JOB_CONCURRENCY: '1', REDIS_URL: BENCH_REDIS_URL });
  const bus = new RedisEventBus(BENCH_REDIS_URL, BENCH_PREFIX);
  const runtime = new JobRuntime(repo, registry, bus, config, metrics, new SystemClock());
  const queue = new BullJobQueue(repo, runtime, registry, bus, { url: BENCH_REDIS_URL, prefix: `${BENCH_PREFIX}bull`, lockMs: 30_000 });
  await queue.startWorkers();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void (async () => {
      await queue.close();
      await bus.close();
      sandbox.onModuleDestroy();
      await connection.close();
      process.exit(0);
    })();
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`jobs-worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
