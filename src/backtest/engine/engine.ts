/**
 * Pure, deterministic bar-by-bar backtest engine (issue 8, item 2). No I/O, no wall clock except the
 * injected `clock`, no Nest.
 *
 * Rules (documented choices):
 * - Per bar i: (1) orders placed during onBar(i−1) fill at bar i's OPEN, in placement order — buys at
 *   open×(1+slippage), sells at open×(1−slippage); (2) stop-loss / take-profit of the open position are
 *   checked against bar i's low/high (including the bar the position was entered on); (3) strategy.onBar(bar i);
 *   (4) one equity point = cash + signed qty × bar i's close. Orders placed on the last bar are cancelled.
 * - Commission = |qty × price| × commissionRate, paid in cash on every fill (stop/take-profit exits too).
 * - Default sizing, computed at fill time: buy() when flat/long = floor(positionSize × cash / (price × (1 + commission)));
 *   buy() when short = cover the whole short; sell() when long = sell the whole long; sell() when flat =
 *   all-in short sized like a buy; sell() when already short = ignored (no pyramiding by default).
 *   With allowShort=false a sell never goes below flat (excess ignored). Ignored orders are noted in `logs`.
 * - An order larger than the opposite position closes it (one trade) and opens the other side with the rest.
 * - Stop/take-profit exits fill exactly at the level (no slippage), or at the open when the bar gaps
 *   through it. If a bar touches both, the stop is assumed hit first (conservative).
 *   An entry placed without its own stop / target gets entry × (1 ∓ stopLossPct/100) / entry × (1 ± takeProfitPct/100)
 *   (long: stop below, target above; short mirrored) when those options are set.
 *   Long: low ≤ stop → exit at min(open, stop); high ≥ take → exit at max(open, take). Shorts mirrored.
 * - Positions still open after the last bar are NOT closed: they are marked to market at the last close
 *   in the equity curve (so in return_pct) but produce no trade and pay no exit commission.
 * - Metrics: see metrics.ts (sharpe annualised with sqrt(252), i.e. bars are assumed daily;
 *   max drawdown measured from the initial cash as first peak). execution_time = (clock() at end −
 *   clock() at start) / 1000, the clock being in milliseconds.
 */
import { Book } from './book';
import { computeMetrics } from './metrics';
import {
  BacktestResult,
  Bar,
  DEFAULT_ENGINE_OPTIONS,
  EngineOptions,
  EquityPoint,
  OrderArg,
  PendingOrder,
  Strategy,
  StrategyContext,
} from './types';
import { parseOrderArg, validateBars } from './validate';

export function runBacktest(
  bars: Bar[],
  strategy: Strategy,
  options: Partial<EngineOptions> = {},
  clock: () => number = () => performance.now(),
): BacktestResult {
  const started = clock();
  const opts: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  validateBars(bars);
  const book = new Book(opts.initialCash, opts.commissionRate);
  const logs: string[] = [];
  const curve: EquityPoint[] = [];
  let pending: PendingOrder[] = [];
  let index = 0;

  const place = (kind: 'buy' | 'sell', arg: OrderArg): void => {
    pending.push({ kind, ...parseOrderArg(arg, index, kind), placedAt: index });
  };
  const ctx: StrategyContext = {
    buy: (arg) => place('buy', arg),
    sell: (arg) => place('sell', arg),
    close: () => void pending.push({ kind: 'close', placedAt: index }),
    get position() {
      return book.view();
    },
    get cash() {
      return book.cash;
    },
    get equity() {
      return book.equityAt(bars[index].close);
    },
    get bars() {
      return bars.slice(0, index + 1);
    },
    log: (msg) => void logs.push(String(msg)),
    logs,
  };

  strategy.init?.(ctx);
  for (index = 0; index < bars.length; index++) {
    const bar = bars[index];
    const orders = pending;
    pending = [];
    for (const order of orders) fillOrder(order, bar, book, opts, logs);
    checkProtectiveExits(bar, book);
    strategy.onBar(bar, ctx);
    curve.push({ time: bar.time, equity: book.equityAt(bar.close) });
  }
  index = bars.length - 1;
  for (const order of pending) logs.push(`order ${order.kind} placed on the last bar ${order.placedAt} cancelled`);

  const executionSeconds = (clock() - started) / 1000;
  return {
    metrics: computeMetrics(opts.initialCash, curve, book.trades, executionSeconds, opts.riskFreeRate ?? 0),
    trades: book.trades,
    equity_curve: curve,
    logs,
  };
}

function allInQty(cash: number, price: number, opts: EngineOptions): number {
  const fraction = opts.positionSize ?? 1;
  return Math.max(0, Math.floor((cash * fraction) / (price * (1 + opts.commissionRate))));
}

/** The order's own stop / target, else the configured percentages around the fill price. */
function protectiveLevels(
  order: PendingOrder,
  direction: 1 | -1,
  price: number,
  opts: EngineOptions,
): { stopLoss?: number; takeProfit?: number } {
  const stopLoss = order.stopLoss ?? (opts.stopLossPct ? price * (1 - (direction * opts.stopLossPct) / 100) : undefined);
  const takeProfit = order.takeProfit ?? (opts.takeProfitPct ? price * (1 + (direction * opts.takeProfitPct) / 100) : undefined);
  return { stopLoss, takeProfit };
}

function fillOrder(order: PendingOrder, bar: Bar, book: Book, opts: EngineOptions, logs: string[]): void {
  const held = book.qty;
  const kind = order.kind === 'close' ? (held > 0 ? 'sell' : 'buy') : order.kind;
  const direction: 1 | -1 = kind === 'buy' ? 1 : -1;
  const price = bar.open * (1 + direction * opts.slippageRate);
  let qty: number;
  if (order.kind === 'close') qty = Math.abs(held);
  else if (order.qty !== undefined) qty = order.qty;
  else if (kind === 'buy') qty = held < 0 ? -held : allInQty(book.cash, price, opts);
  else if (held > 0) qty = held;
  else qty = held < 0 ? 0 : allInQty(book.cash, price, opts);

  if (kind === 'sell' && !opts.allowShort) qty = Math.min(qty, Math.max(0, held));
  if (qty <= 0) {
    if (order.kind !== 'close') logs.push(`order ${order.kind} from bar ${order.placedAt} ignored (quantity 0)`);
    return;
  }
  const protect = order.kind === 'close' ? {} : protectiveLevels(order, direction, price, opts);
  book.fill(direction, qty, price, bar.time, 'signal', protect);
}

/** Exits the position at its stop or take-profit if this bar reaches it; the stop wins when both do. */
function checkProtectiveExits(bar: Bar, book: Book): void {
  const qty = book.qty;
  if (qty === 0) return;
  const { stopLoss, takeProfit } = book;
  if (qty > 0) {
    if (stopLoss !== undefined && bar.low <= stopLoss) {
      book.fill(-1, qty, Math.min(bar.open, stopLoss), bar.time, 'stop_loss');
    } else if (takeProfit !== undefined && bar.high >= takeProfit) {
      book.fill(-1, qty, Math.max(bar.open, takeProfit), bar.time, 'take_profit');
    }
  } else if (stopLoss !== undefined && bar.high >= stopLoss) {
    book.fill(1, -qty, Math.max(bar.open, stopLoss), bar.time, 'stop_loss');
  } else if (takeProfit !== undefined && bar.low <= takeProfit) {
    book.fill(1, -qty, Math.min(bar.open, takeProfit), bar.time, 'take_profit');
  }
}
