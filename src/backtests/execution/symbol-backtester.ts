/**
 * One symbol of a backtest: its bars between the run's dates from the market-data port, then the bot in the
 * sandbox with the run's engine options. A failure of either is an outcome (the run goes on with the next
 * symbol), never a throw.
 */
import { Injectable } from '@nestjs/common';
import type { BacktestResult, Bar } from '../../backtest/engine/types';
import { staticCheck } from '../../bots/core/static-check';
import { SandboxRunner } from '../../bots/sandbox/sandbox-runner.service';
import { DomainError } from '../../common/domain-error';
import { MarketDataProvider, parseMarketDataRequest } from '../../market-data/market-data.port';
import type { SymbolOutcome } from '../core/run-assembly';
import type { RunSettings } from '../core/run-settings';

export type SandboxResult = { ok: true; result: BacktestResult; bars: Bar[] } | { ok: false; message: string };

@Injectable()
export class SymbolBacktester {
  constructor(
    private readonly sandbox: SandboxRunner,
    private readonly marketData: MarketDataProvider,
  ) {}

  /** The symbol's bars inside the run's window; throws the port's `DomainError`. */
  async bars(symbol: string, s: Pick<RunSettings, 'period' | 'interval' | 'from' | 'to'>): Promise<Bar[]> {
    const request = parseMarketDataRequest({ symbol, period: s.period, interval: s.interval });
    const data = await this.marketData.getBars(request);
    return data.bars.filter((b) => b.time >= s.from && b.time < s.to);
  }

  /** Bars, static check, sandbox. */
  async execute(symbol: string, code: string, s: RunSettings, signal?: AbortSignal): Promise<SandboxResult> {
    let bars: Bar[];
    try {
      bars = await this.bars(symbol, s);
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, message: `market data: ${error.message}` };
      throw error;
    }
    return this.runOn(bars, code, s, signal);
  }

  /** Static check and sandbox over bars already fetched; a full sandbox queue is an outcome too. */
  async runOn(bars: Bar[], code: string, s: Pick<RunSettings, 'engine'>, signal?: AbortSignal): Promise<SandboxResult> {
    if (bars.length === 0) return { ok: false, message: 'market data: no bars between start_date and end_date' };
    const check = staticCheck(code);
    if (!check.ok) return { ok: false, message: `${check.message}${check.line ? ` (bot.js line ${check.line})` : ''}` };
    try {
      const outcome = await this.sandbox.run({ code, bars, options: s.engine }, { signal });
      return outcome.ok ? { ok: true, result: outcome.result, bars } : { ok: false, message: `${outcome.errorType}: ${outcome.message}` };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, message: error.message };
      throw error;
    }
  }

  async run(symbol: string, code: string, s: RunSettings, signal?: AbortSignal): Promise<SymbolOutcome> {
    const r = await this.execute(symbol, code, s, signal);
    return r.ok
      ? { symbol, ok: true, trades: r.result.trades, curve: r.result.equity_curve, bars: r.bars.length }
      : { symbol, ok: false, message: r.message };
  }
}
