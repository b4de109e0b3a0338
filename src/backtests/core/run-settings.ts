/**
 * What a run needs from its config, checked once: engine options, the market data request and the date
 * window. Pure: the caller passes `now`.
 */
import type { EngineOptions } from '../../backtest/engine/types';
import { DomainError, ErrorCode } from '../../common/domain-error';
import {
  DAY_MS,
  Interval,
  MarketDataRequest,
  parseMarketDataRequest,
  Period,
  PERIOD_DAYS,
  PERIODS,
} from '../../market-data/market-data.port';

export interface ConfigNumbers {
  startDate: string;
  endDate: string;
  initialCapital: string;
  commission: string;
  slippage: string;
  maxPositionSize: string;
  stopLoss: string | null;
  takeProfit: string | null;
  timeframe: string;
  benchmarkSymbol: string;
  maxDrawdownLimit: string;
}

export interface RunSettings {
  engine: Partial<EngineOptions> & { initialCash: number };
  interval: Interval;
  period: Period;
  /** Bars with from ≤ time < to (epoch ms, `to` = the day after end_date). */
  from: number;
  to: number;
  benchmarkSymbol: string;
  drawdownLimitPct: number;
}

const dayStart = (d: string): number => Date.parse(`${d}T00:00:00Z`);

/** The shortest period whose history reaches back to `from` from `now` (`max` beyond ten years). */
export function periodCovering(from: number, now: number): Period {
  const days = Math.ceil((now - from) / DAY_MS) + 1;
  return PERIODS.find((p) => PERIOD_DAYS[p] >= days) ?? 'max';
}

/** Throws a 400 naming the field when the config cannot be run (dates reversed, interval too fine for the span…). */
export function runSettings(c: ConfigNumbers, now: number): RunSettings {
  const from = dayStart(c.startDate);
  const to = dayStart(c.endDate) + DAY_MS;
  if (!(from < to))
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: end_date', {
      end_date: ['end_date must not be before start_date'],
    });
  if (from > now)
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: start_date', {
      start_date: ['start_date is in the future: there are no bars yet'],
    });
  const period = periodCovering(from, now);
  let request: MarketDataRequest;
  try {
    request = parseMarketDataRequest({ symbol: c.benchmarkSymbol || 'SPY', period, interval: c.timeframe });
  } catch (error) {
    if (error instanceof DomainError && error.details && typeof error.details === 'object') {
      const d = error.details as Record<string, string[]>;
      const renamed: Record<string, string[]> = {};
      if (d.interval) renamed.timeframe = d.interval;
      if (d.symbol) renamed.benchmark_symbol = d.symbol;
      if (d.period) renamed.start_date = d.period;
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(renamed).join(', ')}`, renamed);
    }
    throw error;
  }
  const stop = c.stopLoss === null ? undefined : Number(c.stopLoss);
  const take = c.takeProfit === null ? undefined : Number(c.takeProfit);
  return {
    engine: {
      initialCash: Number(c.initialCapital),
      commissionRate: Number(c.commission),
      slippageRate: Number(c.slippage),
      positionSize: Number(c.maxPositionSize),
      stopLossPct: stop,
      takeProfitPct: take,
    },
    interval: request.interval,
    period,
    from,
    to,
    benchmarkSymbol: request.symbol,
    drawdownLimitPct: Number(c.maxDrawdownLimit),
  };
}
