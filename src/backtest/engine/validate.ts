import { BacktestInputError, Bar, OrderArg } from './types';

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/** Throws BacktestInputError unless bars are non-empty, strictly time-ordered and well-formed. */
export function validateBars(bars: readonly Bar[]): void {
  // Not Array.isArray(bars) directly: its `any[]` guard would erase the Bar type below.
  const isArray: boolean = Array.isArray(bars);
  if (!isArray || bars.length === 0) {
    throw new BacktestInputError('bars: expected a non-empty array of bars');
  }
  bars.forEach((bar, i) => {
    if (bar === null || typeof bar !== 'object') throw new BacktestInputError(`bar ${i}: not an object`);
    if (typeof bar.time !== 'number' || !Number.isFinite(bar.time)) {
      throw new BacktestInputError(`bar ${i}: time must be a finite number (epoch ms), got ${String(bar.time)}`);
    }
    if (i > 0 && bar.time <= bars[i - 1].time) {
      throw new BacktestInputError(`bar ${i}: time ${bar.time} is not after bar ${i - 1} (${bars[i - 1].time}); bars must be sorted`);
    }
    for (const f of PRICE_FIELDS) {
      const v = bar[f];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new BacktestInputError(`bar ${i}: ${f} must be a finite positive number, got ${String(v)}`);
      }
    }
    if (typeof bar.volume !== 'number' || !Number.isFinite(bar.volume) || bar.volume < 0) {
      throw new BacktestInputError(`bar ${i}: volume must be a finite non-negative number, got ${String(bar.volume)}`);
    }
    if (bar.high < Math.max(bar.open, bar.close)) {
      throw new BacktestInputError(`bar ${i}: high ${bar.high} is below max(open, close)`);
    }
    if (bar.low > Math.min(bar.open, bar.close)) {
      throw new BacktestInputError(`bar ${i}: low ${bar.low} is above min(open, close)`);
    }
  });
}

export interface ParsedOrder {
  qty?: number;
  stopLoss?: number;
  takeProfit?: number;
}

function positive(value: unknown, field: string, barIndex: number, method: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BacktestInputError(`bar ${barIndex}: ${method}() ${field} must be a finite positive number, got ${String(value)}`);
  }
  return value;
}

/** Validates the argument of ctx.buy / ctx.sell placed during bar `barIndex`. */
export function parseOrderArg(arg: OrderArg, barIndex: number, method: string): ParsedOrder {
  if (arg === undefined || arg === null) return {};
  if (typeof arg === 'number') return { qty: positive(arg, 'qty', barIndex, method) };
  // a string, boolean, function … is reported as a bad quantity ("got ten")
  if (typeof arg !== 'object') return { qty: positive(arg, 'qty', barIndex, method) };
  const out: ParsedOrder = {};
  if (arg.qty !== undefined) out.qty = positive(arg.qty, 'qty', barIndex, method);
  if (arg.stopLoss !== undefined) out.stopLoss = positive(arg.stopLoss, 'stopLoss', barIndex, method);
  if (arg.takeProfit !== undefined) out.takeProfit = positive(arg.takeProfit, 'takeProfit', barIndex, method);
  return out;
}
