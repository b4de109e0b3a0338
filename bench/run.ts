/**
 * `npm run bench`: key-rotation and bot-run benchmarks, each figure beside a baseline measured in the same run.
 * `npm run bench -- select client overload` picks some; BENCH_OVERLOAD_SECONDS shortens the overload run.
 * `npm run bench -- http` runs the whole HTTP path against Portkey (BENCH_HTTP_CALLS, BENCH_HTTP_SECONDS shorten it).
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { benchBacktestRuns } from './backtest-runs';
import { benchBotRuns } from './bot-runs';
import { benchClientOverhead } from './client-overhead';
import { benchHttpPath } from './http-path';
import { benchMarketData } from './market-data';
import { benchJobs } from './jobs';
import { benchJobProcesses } from './jobs-procs';
import { benchOverload } from './overload';
import { benchRetryAfter } from './retry-after';
import { benchSelectReserve } from './select-reserve';
import { mdTable, printSection, Section } from './stats';

type BenchResult = { section: Section } | { sections: Section[] };

const BENCHES: Array<{ name: string; run: () => Promise<BenchResult> }> = [
  { name: 'select', run: benchSelectReserve },
  { name: 'client', run: benchClientOverhead },
  { name: 'overload', run: benchOverload },
  { name: 'retry', run: benchRetryAfter },
  { name: 'bots', run: benchBotRuns },
  { name: 'data', run: benchMarketData },
  { name: 'backtests', run: benchBacktestRuns },
  { name: 'jobs', run: benchJobs },
  { name: 'jobs-procs', run: benchJobProcesses },
  { name: 'http', run: benchHttpPath },
];

function machine(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, Node ${process.version}; load average at start ${load}`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const chosen = BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  if (chosen.length === 0) throw new Error(`unknown bench; choose from ${BENCHES.map((b) => b.name).join(', ')}`);
  const started = new Date();
  const host = machine();
  console.log(`Benchmarks — ${started.toISOString()}\n${host}`);
  const sections: Section[] = [];
  for (const b of chosen) {
    const t = Date.now();
    const out = await b.run();
    const list = 'sections' in out ? out.sections : [out.section];
    for (const section of list) printSection(section);
    console.log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    sections.push(...list);
  }
  const md = [
    '### Benchmarks',
    '',
    `Measured ${started.toISOString().slice(0, 10)} with \`npm run bench\` on ${host}.`,
    ...sections.flatMap((s) => ['', `**${s.title}**`, '', mdTable(s.headers, s.rows), '', ...s.notes.map((n) => `- ${n}`)]),
  ].join('\n');
  console.log(`\n---- Markdown summary (paste into the README) ----\n\n${md}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
