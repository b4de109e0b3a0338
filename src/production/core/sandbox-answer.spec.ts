import type { SandboxOutcome } from '../../bots/sandbox/sandbox-runner.service';
import { backtestResults, summarise, SymbolRun } from './sandbox-answer';

const LIMITS = { timeoutMs: 60_000, memoryMb: 256, outputCapBytes: 1 << 20 };
const market = { period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: 250 };
const metrics = (r: number, trades: number) => ({
  return_pct: r,
  num_trades: trades,
  win_rate: 50,
  sharpe_ratio: 1,
  max_drawdown: 2,
  execution_time: 0.1,
});

function ok(symbol: string, r: number, trades: number, usage = { peakRssMb: 60, cpuMs: 50 }): SymbolRun {
  const outcome: SandboxOutcome = {
    ok: true,
    result: { metrics: metrics(r, trades), trades: [], equity_curve: [], logs: [`${symbol} log`] },
    durationMs: 100,
    process: { exitCode: 0, signal: null, timedOut: false, cancelled: false, usage, limits: LIMITS },
  };
  return { symbol, market, outcome };
}

function timedOut(symbol: string): SymbolRun {
  const outcome: SandboxOutcome = {
    ok: false,
    errorType: 'timeout',
    message: 'the bot did not finish within 60 s and was stopped (timed out)',
    logs: [],
    durationMs: 60_000,
    process: {
      exitCode: null,
      signal: 'SIGKILL',
      timedOut: true,
      cancelled: false,
      usage: { peakRssMb: 80, cpuMs: 59_000 },
      limits: LIMITS,
    },
  };
  return { symbol, market, outcome };
}

describe('sandbox answers', () => {
  it('sums time and CPU, takes the peak memory and reports exit 0 for a passing run', () => {
    const s = summarise([ok('AAPL', 4, 3), ok('MSFT', 2, 5, { peakRssMb: 70, cpuMs: 30 })], LIMITS);
    expect(s).toMatchObject({ success: true, execution_time: 0.2, exit_code: 0, timed_out: false, error_type: null, errors: '' });
    expect(s.resource_usage).toEqual({ max_memory_mb: 70, cpu_time_ms: 80, cpu_percent: 40 });
    expect(s.output).toBe('[AAPL]\nAAPL log\n[MSFT]\nMSFT log');
    expect(s.limits).toEqual({ timeout: 60, memory_mb: 256, cpu: 'not enforced (one process, one thread)' });
  });

  it('lets the first failure decide: timed out, killed, its error named with the symbol', () => {
    const s = summarise([ok('AAPL', 4, 3), timedOut('MSFT')], LIMITS);
    expect(s).toMatchObject({ success: false, exit_code: null, signal: 'SIGKILL', timed_out: true, error_type: 'timeout' });
    expect(s.errors).toBe('[MSFT] timeout: the bot did not finish within 60 s and was stopped (timed out)');
  });

  it('reports unknown usage as null rather than guessing', () => {
    const run = ok('AAPL', 1, 1, { peakRssMb: null as unknown as number, cpuMs: null as unknown as number });
    expect(summarise([run], LIMITS).resource_usage).toEqual({ max_memory_mb: null, cpu_time_ms: null, cpu_percent: null });
  });

  it('averages figures over symbols and sums trades; no results when one symbol failed', () => {
    expect(backtestResults([ok('AAPL', 4, 3), ok('MSFT', 2, 5)])).toEqual({
      total_return: 3,
      sharpe_ratio: 1,
      max_drawdown: 2,
      win_rate: 50,
      total_trades: 8,
      per_symbol: {
        AAPL: { total_return: 4, sharpe_ratio: 1, max_drawdown: 2, win_rate: 50, total_trades: 3 },
        MSFT: { total_return: 2, sharpe_ratio: 1, max_drawdown: 2, win_rate: 50, total_trades: 5 },
      },
    });
    expect(backtestResults([ok('AAPL', 4, 3), timedOut('MSFT')])).toBeNull();
    expect(backtestResults([])).toBeNull();
  });
});
