/** Which code a backtest runs: the strategy's bot, its own code when that is a bot, or its canonical JSON as a crossover bot. */
import { Injectable } from '@nestjs/common';
import { looksLikeBot } from '../../bots/core/looks-like-bot';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { StrategyBotsService } from '../../strategy/bots/strategy-bots.service';
import type { StrategyRow } from '../../strategy/strategies.repository';
import { canonicalBot, parseCanonical } from '../core/canonical-bot';

/** Code given in a request: a bot module as is, a canonical JSON strategy as its crossover bot. */
export function runnableCode(code: string): string {
  if (looksLikeBot(code)) return code;
  const canonical = parseCanonical(code);
  if (canonical) return canonicalBot(canonical);
  throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: strategy_code', {
    strategy_code: ['must be a bot module (module.exports = { onBar … }) or a canonical JSON strategy'],
  });
}

@Injectable()
export class StrategyCode {
  constructor(private readonly bots: StrategyBotsService) {}

  async of(strategy: StrategyRow): Promise<string> {
    try {
      return await this.bots.codeOf(strategy);
    } catch (error) {
      const canonical = parseCanonical(strategy.strategyCode);
      if (!canonical) throw error;
      return canonicalBot(canonical);
    }
  }
}
