/**
 * Runs a bot once for verification: market data from the configured provider, the static checks, then the
 * sandbox with the caller's starting cash and commission (`ErrorFixerService.test` takes no engine options).
 */
import { Injectable } from '@nestjs/common';
import type { Bar } from '../../backtest/engine/types';
import { staticCheck } from '../../bots/core/static-check';
import { SandboxRunner } from '../../bots/sandbox/sandbox-runner.service';
import { MarketDataProvider, MarketDataRequest } from '../../market-data/market-data.port';
import type { RunOutcome } from './bot-verification';

export interface EngineMoney {
  initialCash: number;
  commissionRate: number;
}

@Injectable()
export class BotTestRunner {
  constructor(
    private readonly sandbox: SandboxRunner,
    private readonly marketData: MarketDataProvider,
  ) {}

  /** Throws the provider's `DomainError` (unknown symbol, source unavailable…): nothing about the bot. */
  async bars(request: MarketDataRequest): Promise<Bar[]> {
    return (await this.marketData.getBars(request)).bars;
  }

  /** A failing bot is an outcome, never a throw; a full sandbox queue throws `rate_limited`. */
  async run(code: string, bars: Bar[], money: EngineMoney, signal?: AbortSignal): Promise<RunOutcome> {
    const check = staticCheck(code);
    if (!check.ok)
      return { ok: false, errorType: check.errorType, message: `${check.message}${check.line ? ` (bot.js line ${check.line})` : ''}` };
    const outcome = await this.sandbox.run({ code, bars, options: money }, { signal });
    // A cancelled run is no verdict on the bot: stop here so nothing is recorded for it.
    signal?.throwIfAborted();
    return outcome.ok
      ? { ok: true, metrics: outcome.result.metrics }
      : { ok: false, errorType: outcome.errorType, message: outcome.message };
  }
}
