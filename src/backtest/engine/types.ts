/** Pure types of the backtest engine (issue 8, item 2). No I/O, no Nest. */

/** One OHLCV bar; `time` is epoch milliseconds. */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface EngineOptions {
  /** Starting cash. Default 10000. */
  initialCash: number;
  /** Commission as a fraction of the notional of every fill. Default 0.002 (0.2 %). */
  commissionRate: number;
  /** Slippage as a fraction of the open: buys fill at open×(1+s), sells at open×(1−s). Default 0. */
  slippageRate: number;
  /** Whether `sell()` may open or extend a short. Default true. */
  allowShort: boolean;
  /** Annual risk-free rate (fraction); converted to a per-bar rate assuming 252 daily bars a year. Default 0. */
  riskFreeRate?: number;
  /** Fraction (0–1] of cash that default sizing (`buy()` / `sell()` without a quantity) puts in. Default 1. */
  positionSize?: number;
  /** Stop loss in percent of the entry price, for entries placed without their own stop. Default none. */
  stopLossPct?: number;
  /** Take profit in percent of the entry price, for entries placed without their own target. Default none. */
  takeProfitPct?: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  initialCash: 10000,
  commissionRate: 0.002,
  slippageRate: 0,
  allowShort: true,
};

export type Side = 'long' | 'short';
export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'end';

/** Argument of `ctx.buy` / `ctx.sell`: a quantity or an object with quantity and protective prices. */
export type OrderArg = number | { qty?: number; stopLoss?: number; takeProfit?: number } | undefined;

/** An order waiting for the next bar's open. `qty` undefined = default sizing (see engine.ts). */
export interface PendingOrder {
  kind: 'buy' | 'sell' | 'close';
  qty?: number;
  stopLoss?: number;
  takeProfit?: number;
  /** Index of the bar during whose onBar the order was placed. */
  placedAt: number;
}

/** Read-only view of the open position; `qty` is signed (negative = short), 0 when flat. */
export interface PositionView {
  qty: number;
  avgPrice: number;
  stopLoss?: number;
  takeProfit?: number;
}

/** A closed round trip (or the closed part of a position). */
export interface Trade {
  side: Side;
  entry_time: number;
  entry_price: number;
  exit_time: number;
  exit_price: number;
  qty: number;
  /** Profit after entry and exit commissions. */
  pnl: number;
  /** pnl / (entry_price × qty) × 100. */
  pnl_pct: number;
  exit_reason: ExitReason;
}

export interface EquityPoint {
  time: number;
  equity: number;
}

export interface BacktestMetrics {
  return_pct: number;
  num_trades: number;
  win_rate: number;
  sharpe_ratio: number;
  max_drawdown: number;
  /** Seconds, measured with the injected clock. */
  execution_time: number;
}

export interface BacktestResult {
  metrics: BacktestMetrics;
  trades: Trade[];
  equity_curve: EquityPoint[];
  /** ctx.log messages and engine notes (ignored / cancelled orders), in order. */
  logs: string[];
}

export interface StrategyContext {
  buy(arg?: OrderArg): void;
  sell(arg?: OrderArg): void;
  close(): void;
  readonly position: PositionView;
  readonly cash: number;
  readonly equity: number;
  /** Bars up to and including the current one. */
  readonly bars: readonly Bar[];
  log(msg: unknown): void;
  /** Messages passed to `log`, in order. */
  readonly logs: readonly string[];
}

export interface Strategy {
  init?(ctx: StrategyContext): void;
  onBar(bar: Bar, ctx: StrategyContext): void;
}

/** Bad bars or a bad order from the strategy; the message names the bar index and field. */
export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}
