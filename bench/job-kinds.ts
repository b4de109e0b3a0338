/** The two job kinds the jobs benches run: a trivial one (the queue's own cost) and a sandboxed backtest. */
import type { DiscoveryService } from '@nestjs/core';
import type { Bar } from '../src/backtest/engine/types';
import { SandboxRunner } from '../src/bots/sandbox/sandbox-runner.service';
import { loadAppConfig } from '../src/config/app-config';
import { SyntheticMarketDataProvider } from '../src/market-data/synthetic.provider';
import { MetricsService } from '../src/metrics/metrics.service';
import { defineJob, JobDefinition } from '../src/jobs/job-definition';
import { JobRegistry } from '../src/jobs/job-registry';
import { SMA_CROSS_BOT } from '../test/bots/bot-fixtures';

export function benchJobKinds(sandbox: SandboxRunner, bars: Bar[]): JobDefinition[] {
  return [
    defineJob({ kind: 'bench.trivial', validate: (p) => p as { n: number }, handle: async (c) => ({ n: c.n * 2 }) }),
    defineJob({
      kind: 'bench.backtest',
      validate: (p) => p as { n: number },
      handle: async (_c, ctx) => {
        const r = await sandbox.run({ code: SMA_CROSS_BOT, bars }, { signal: ctx?.signal });
        if (!r.ok) throw new Error(`the bot failed in the benchmark: ${r.message}`);
        return { trades: r.result.metrics.num_trades };
      },
    }),
  ];
}

/**
 * What every jobs bench process builds first: 5 years of synthetic daily bars, a sandbox with `botProcesses` bot
 * processes kept warm (and as many at once), the two kinds and their registry.
 */
export function benchJobParts(botProcesses: number) {
  const metrics = new MetricsService();
  const bars = new SyntheticMarketDataProvider().generate({ symbol: 'AAPL', period: '5y', interval: '1d' });
  const n = String(botProcesses);
  const sandbox = new SandboxRunner(loadAppConfig({ BOT_MAX_CONCURRENT: n, BOT_WARM_PROCESSES: n, BOT_QUEUE_MAX: '10000' }), metrics);
  const kinds = benchJobKinds(sandbox, bars);
  return { metrics, bars, sandbox, kinds, registry: registryOf(kinds) };
}

export function registryOf(kinds: JobDefinition[]): JobRegistry {
  const registry = new JobRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  for (const k of kinds) registry.register(k);
  return registry;
}

/** The path before jobs: the handler awaited right where the work is asked for, by `callers` at once; ms taken. */
export async function runInProcess(def: JobDefinition, count: number, callers: number): Promise<number> {
  let next = 0;
  const ctx = { signal: new AbortController().signal } as never;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < count) await def.handle(def.validate({ n: next++ }), ctx);
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e6;
}
