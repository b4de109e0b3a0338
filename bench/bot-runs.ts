/**
 * Bot runs per second: an SMA-cross bot over 5 years of daily bars, in the sandbox (a fresh child process
 * per run, as in production) vs the same bot and engine in-process (vm context, no child), same run.
 */
import { availableParallelism } from 'node:os';
import { runBacktest } from '../src/backtest/engine/engine';
import { Strategy } from '../src/backtest/engine/types';
import { loadAppConfig } from '../src/config/app-config';
import { MetricsService } from '../src/metrics/metrics.service';
import { SyntheticMarketDataProvider } from '../src/market-data/synthetic.provider';
import { runBot } from '../src/bots/sandbox/bot-host';
import { SandboxRunner } from '../src/bots/sandbox/sandbox-runner.service';
import { SMA_CROSS_BOT } from '../test/bots/bot-fixtures';
import { elapsedMs, fmtMs, fmtRatio, Section, summarize } from './stats';

const IN_PROCESS_RUNS = Number(process.env.BENCH_BOT_INPROC_RUNS ?? 200);
const SANDBOX_RUNS = Number(process.env.BENCH_BOT_SANDBOX_RUNS ?? 40);

/** The same SMA cross written as a plain strategy against the engine (no vm, no SDK bridge). */
function nativeSmaCross(fast = 5, slow = 20): Strategy {
  const closes: number[] = [];
  const mean = (n: number, end: number) => {
    let sum = 0;
    for (let i = end - n + 1; i <= end; i++) sum += closes[i];
    return sum / n;
  };
  return {
    onBar(bar, ctx) {
      closes.push(bar.close);
      const i = closes.length - 1;
      if (i < slow) return;
      const [f, s, fb, sb] = [mean(fast, i), mean(slow, i), mean(fast, i - 1), mean(slow, i - 1)];
      if (fb <= sb && f > s && ctx.position.qty === 0) ctx.buy();
      else if (fb >= sb && f < s && ctx.position.qty > 0) ctx.close();
    },
  };
}

export async function benchBotRuns(): Promise<{ section: Section }> {
  const bars = new SyntheticMarketDataProvider().generate({ symbol: 'AAPL', period: '5y', interval: '1d' });
  const timeMany = async (n: number, fn: () => Promise<void> | void) => {
    const samples: number[] = [];
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      await fn();
      samples.push(elapsedMs(t));
    }
    return { s: summarize(samples), totalMs: elapsedMs(start) };
  };

  let trades = -1;
  const spacedSamples: number[] = [];
  const check = (ok: boolean, numTrades: number) => {
    if (!ok) throw new Error('bot run failed in the benchmark');
    if (trades >= 0 && trades !== numTrades) throw new Error('runs disagree');
    trades = numTrades;
  };
  const inProcess = () => {
    const r = runBot({ code: SMA_CROSS_BOT, bars, outputCapBytes: 1 << 20 });
    check(r.ok, r.ok ? r.result.metrics.num_trades : -1);
  };
  const native = () => void runBacktest(bars, nativeSmaCross());

  const runner = (env: Record<string, string>) =>
    new SandboxRunner(loadAppConfig({ BOT_QUEUE_MAX: '10000', ...env }), new MetricsService());
  const cold = runner({ BOT_MAX_CONCURRENT: '1', BOT_WARM_PROCESSES: '0' });
  const warm = runner({ BOT_MAX_CONCURRENT: '1', BOT_WARM_PROCESSES: '1' });
  const parallelism = Math.max(1, Math.min(8, availableParallelism()));
  const parallel = runner({ BOT_MAX_CONCURRENT: String(parallelism), BOT_WARM_PROCESSES: String(parallelism) });
  const via = (sandbox: SandboxRunner) => async () => {
    const r = await sandbox.run({ code: SMA_CROSS_BOT, bars });
    check(r.ok, r.ok ? r.result.metrics.num_trades : -1);
  };

  for (let i = 0; i < 20; i++) inProcess();
  for (let i = 0; i < 3; i++) await via(cold)();
  for (let i = 0; i < 3; i++) await via(warm)();
  const base = await timeMany(IN_PROCESS_RUNS, inProcess);
  const nat = await timeMany(IN_PROCESS_RUNS, native);
  const coldSeq = await timeMany(SANDBOX_RUNS, via(cold));
  const warmSeq = await timeMany(SANDBOX_RUNS, via(warm));
  // Runs spaced out (as users start them): the warm process is ready when the run arrives.
  const spaced = await timeMany(SANDBOX_RUNS, async () => {
    await new Promise((r) => setTimeout(r, 150));
    const t = process.hrtime.bigint();
    await via(warm)();
    spacedSamples.push(elapsedMs(t));
  });
  const parStart = process.hrtime.bigint();
  const par = await Promise.all(Array.from({ length: SANDBOX_RUNS }, () => parallel.run({ code: SMA_CROSS_BOT, bars })));
  const parMs = elapsedMs(parStart);
  if (par.some((r) => !r.ok)) throw new Error('a parallel sandbox run failed');
  for (const r of [cold, warm, parallel]) r.onModuleDestroy();
  void spaced;
  const spacedSummary = summarize(spacedSamples);

  const rate = (runs: number, ms: number) => (runs * 1000) / ms;
  const baseRate = rate(IN_PROCESS_RUNS, base.totalMs);
  const row = (label: string, runs: number, t: { s: { p50: number; p99: number }; totalMs: number }) => {
    const r = rate(runs, t.totalMs);
    return [label, String(runs), fmtMs(t.s.p50), fmtMs(t.s.p99), r.toFixed(1), fmtRatio(r / baseRate)];
  };
  const rows = [
    row('baseline: same bot in-process (vm context, no child process)', IN_PROCESS_RUNS, base),
    row('reference: engine with a native JS strategy (no vm, no SDK)', IN_PROCESS_RUNS, nat),
    row('sandbox, cold process per run (BOT_WARM_PROCESSES=0), back to back', SANDBOX_RUNS, coldSeq),
    row('sandbox, one warm process kept ready (default), back to back', SANDBOX_RUNS, warmSeq),
    [
      'sandbox, warm process, runs 150 ms apart (latency of one run)',
      String(SANDBOX_RUNS),
      fmtMs(spacedSummary.p50),
      fmtMs(spacedSummary.p99),
      '',
      '',
    ],
    [
      `sandbox, ${parallelism} at a time (${parallelism} warm)`,
      String(SANDBOX_RUNS),
      '',
      '',
      rate(SANDBOX_RUNS, parMs).toFixed(1),
      fmtRatio(rate(SANDBOX_RUNS, parMs) / baseRate),
    ],
  ];
  return {
    section: {
      title: 'Bot runs per second: SMA-cross bot, 5 years of daily bars, sandbox vs in-process',
      headers: ['path', 'runs', 'p50', 'p99', 'runs/s', 'runs/s ÷ in-process'],
      rows,
      notes: [
        `${bars.length} synthetic daily bars (AAPL, 5y); the bot reads 4 SMA values per bar through ctx.indicators; ${trades} trades per run, identical on every path.`,
        'A sandbox run = a fresh Node process with the permission model (forked on demand, or forked earlier and kept idle), the bars over IPC, the bot in a vm context, the backtest, the result back, exit. Every process serves one run only.',
      ],
    },
  };
}
