/**
 * A backtest configuration (`backtests/validate-config/`, `run-sandbox/`): the money side of a run. The
 * Django view named a pydantic model that did not exist; these are the fields it sent, with the limits the
 * backtest engine accepts, and the advisory warnings it meant.
 */
import { z } from 'zod';

export const backtestConfigSchema = z.object({
  initial_capital: z.number().positive('initial_capital must be greater than 0').max(1e12).default(10000),
  commission: z.number().min(0, 'commission must be at least 0').max(0.1, 'commission must be at most 0.1 (10%)').default(0.001),
  slippage: z.number().min(0, 'slippage must be at least 0').max(0.1, 'slippage must be at most 0.1 (10%)').default(0),
  position_size: z
    .number()
    .gt(0, 'position_size must be greater than 0')
    .max(1, 'position_size must be at most 1 (all of the equity)')
    .default(1),
  max_positions: z.number().int('max_positions must be a whole number').min(1).max(100).default(1),
});

export type BacktestConfig = z.infer<typeof backtestConfigSchema>;

/** Things that are allowed but probably not meant. */
export function configWarnings(c: BacktestConfig): string[] {
  const out: string[] = [];
  if (c.commission > 0.01) out.push(`commission ${c.commission} is above 1% per trade`);
  if (c.slippage > 0.01) out.push(`slippage ${c.slippage} is above 1% per trade`);
  if (c.position_size * c.max_positions > 1) {
    out.push(`position_size × max_positions = ${+(c.position_size * c.max_positions).toFixed(4)}: open positions can exceed the capital`);
  }
  if (c.initial_capital < 1000) out.push(`initial_capital ${c.initial_capital} is small: fees and rounding dominate the results`);
  return out;
}

/**
 * What the engine takes from a config. `position_size` and `max_positions` are validated and echoed, but the
 * engine has no such knobs: a bot sizes its own orders (`ctx.buy(qty)`) and holds one position at a time.
 */
export function engineOptionsOf(c: BacktestConfig): { initialCash: number; commissionRate: number; slippageRate: number } {
  return { initialCash: c.initial_capital, commissionRate: c.commission, slippageRate: c.slippage };
}

/** The config fields the engine does not apply (see engineOptionsOf). */
export const NOT_APPLIED_BY_ENGINE = ['position_size', 'max_positions'] as const;
