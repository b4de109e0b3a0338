/**
 * Backtests per second through `run_backtest` (queued run → in-process dispatcher → sandbox per symbol → result,
 * trades and alerts stored in PGlite) over 1, 10 and 50 symbols with 1 and 2 workers, beside the bare engine
 * (the same bot in-process over the same bars, nothing stored) measured in the same run.
 */
import { ANONYMOUS_USER } from '../src/auth/current-user.decorator';
import type { Bar } from '../src/backtest/engine/types';
import { BacktestApiService } from '../src/backtests/backtest-api.service';
import { ConfigsRepository } from '../src/backtests/configs.repository';
import { ConfigsService } from '../src/backtests/configs.service';
import { BacktestRunHandler } from '../src/backtests/execution/backtest-run.handler';
import { InProcessBacktestDispatcher } from '../src/backtests/execution/in-process.dispatcher';
import { StrategyCode } from '../src/backtests/execution/strategy-code';
import { SymbolBacktester } from '../src/backtests/execution/symbol-backtester';
import { RecordsRepository } from '../src/backtests/records.repository';
import { RunsRepository } from '../src/backtests/runs.repository';
import { RunsService } from '../src/backtests/runs.service';
import { runBot } from '../src/bots/sandbox/bot-host';
import { SandboxRunner } from '../src/bots/sandbox/sandbox-runner.service';
import { loadAppConfig } from '../src/config/app-config';
import { openDatabase } from '../src/database/database';
import type { Database } from '../src/database/database.module';
import { SystemClock } from '../src/common/clock';
import { SyntheticMarketDataProvider } from '../src/market-data/synthetic.provider';
import { MetricsService } from '../src/metrics/metrics.service';
import type { StrategyBotsService } from '../src/strategy/bots/strategy-bots.service';
import { StrategiesRepository, StrategyRow } from '../src/strategy/strategies.repository';
import { SMA_CROSS_BOT } from '../test/bots/bot-fixtures';
import { elapsedMs, fmtRatio, Section } from './stats';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA', 'META', 'TSLA', 'KO', 'PEP', 'JPM'];
const symbolList = (n: number) => Array.from({ length: n }, (_, i) => (i < SYMBOLS.length ? SYMBOLS[i] : `SYM${i}`));
const CASES = [
  { symbols: 1, runs: Number(process.env.BENCH_BACKTEST_RUNS_1 ?? 12) },
  { symbols: 10, runs: Number(process.env.BENCH_BACKTEST_RUNS_10 ?? 4) },
  { symbols: 50, runs: Number(process.env.BENCH_BACKTEST_RUNS_50 ?? 2) },
];
const WINDOW = { start_date: '2025-01-01', end_date: '2025-12-31' };

/**
 * The backtests services wired by hand (tsx emits no decorator metadata, so Nest's injector cannot build the app
 * here): PGlite with the migrations, the real sandbox, the synthetic provider, the in-process dispatcher.
 */
async function boot(workers: number) {
  const config = loadAppConfig({
    DATABASE_URL: 'pglite://memory',
    BACKTEST_WORKERS: String(workers),
    BOT_MAX_CONCURRENT: String(workers),
    BOT_WARM_PROCESSES: String(workers),
    BOT_QUEUE_MAX: '10000',
  });
  const connection = await openDatabase(config.database.target, config.database.schema);
  await connection.migrate();
  const database = { connection } as Database;
  const clock = new SystemClock();
  const sandbox = new SandboxRunner(config, new MetricsService());
  const marketData = new SyntheticMarketDataProvider();
  const strategies = new StrategiesRepository(database);
  const runs = new RunsRepository(database);
  const configs = new ConfigsRepository(database);
  const configsService = new ConfigsService(configs, runs);
  // the strategy's own code is the bot here (StrategyBotsService.codeOf does the same for such strategies)
  const code = new StrategyCode({ codeOf: async (s: StrategyRow) => s.strategyCode } as unknown as StrategyBotsService);
  const backtester = new SymbolBacktester(sandbox, marketData);
  const handler = new BacktestRunHandler(runs, configs, strategies, code, backtester, clock);
  const dispatcher = new InProcessBacktestDispatcher(handler, config);
  const runsService = new RunsService(runs, new RecordsRepository(database), configsService, strategies, dispatcher);
  const api = new BacktestApiService(runsService, runs, configs, configsService, code, backtester, dispatcher, clock);
  const strategy = await strategies.create({ name: `Bench SMA ${workers}`, strategyCode: SMA_CROSS_BOT, createdBy: null });
  const close = async () => {
    await dispatcher.onApplicationShutdown();
    sandbox.onModuleDestroy();
    await connection.close();
  };
  return { api, runs, marketData, strategyId: strategy.id, close };
}

/** All `runs` runs of `n` symbols queued at once; ms until every one is completed. */
async function timeRuns(ctx: Awaited<ReturnType<typeof boot>>, n: number, runs: number): Promise<number> {
  const { api, runs: repo } = ctx;
  const started = process.hrtime.bigint();
  const ids: number[] = [];
  for (let i = 0; i < runs; i++)
    ids.push((await api.runBacktest(ANONYMOUS_USER, { strategy_id: ctx.strategyId, symbols: symbolList(n), ...WINDOW })).id);
  for (const id of ids) {
    for (;;) {
      const status = await repo.status(id);
      if (status === 'completed') break;
      if (status !== 'queued' && status !== 'running') throw new Error(`bench run ${id} ended ${status}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return elapsedMs(started);
}

export async function benchBacktestRuns(): Promise<{ section: Section }> {
  const contexts = [await boot(1), await boot(2)];
  const provider = contexts[0].marketData;
  const barsOf = new Map<string, Bar[]>();
  for (const s of symbolList(50)) {
    const bars = (await provider.getBars({ symbol: s, period: '2y', interval: '1d' })).bars.filter(
      (b) => b.time >= Date.parse('2025-01-01') && b.time < Date.parse('2026-01-01'),
    );
    barsOf.set(s, bars);
  }
  const bare = (n: number) => {
    for (const s of symbolList(n))
      if (!runBot({ code: SMA_CROSS_BOT, bars: barsOf.get(s)!, outputCapBytes: 1 << 20 }).ok) throw new Error('bare run failed');
  };
  for (let i = 0; i < 5; i++) bare(10);
  for (const c of contexts) await timeRuns(c, 1, 2); // warm-up: sandbox bundle, database

  const rows: string[][] = [];
  for (const { symbols, runs } of CASES) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) bare(symbols);
    const bareMs = elapsedMs(t);
    const bareRate = (runs * 1000) / bareMs;
    rows.push([
      `bare engine in-process, ${symbols} symbol(s) (baseline)`,
      String(runs),
      bareRate.toFixed(2),
      (bareRate * symbols).toFixed(1),
      '1.00×',
    ]);
    for (const [k, c] of contexts.entries()) {
      const ms = await timeRuns(c, symbols, runs);
      const rate = (runs * 1000) / ms;
      rows.push([
        `run_backtest, ${symbols} symbol(s), ${k + 1} worker(s)`,
        String(runs),
        rate.toFixed(2),
        (rate * symbols).toFixed(1),
        fmtRatio(rate / bareRate),
      ]);
    }
  }
  for (const c of contexts) await c.close();
  return {
    section: {
      title: 'Backtest runs per second: run_backtest (queued, sandboxed, stored) vs the bare engine',
      headers: ['path', 'runs', 'runs/s', 'symbol-backtests/s', 'runs/s ÷ bare engine'],
      rows,
      notes: [
        'Each symbol: 2025 daily synthetic bars (~260), the SMA-cross bot. run_backtest = validation, run + config rows, ' +
          'the in-process dispatcher (BACKTEST_WORKERS), one fresh sandbox process per symbol, the full report, every trade and ' +
          'the alerts written to PGlite in one transaction; all runs of a row are queued at once and timed until the last completes.',
        'The bare engine runs the same bot in a vm context in this process over the same bars, storing nothing.',
      ],
    },
  };
}
