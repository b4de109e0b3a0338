/**
 * The `ws/backtest/stream/` protocol (Django's trading/consumers.py), pure: the client's `start_backtest`
 * config checked, and the candle / signal frames of a finished backtest. Times are ISO strings, daily bars
 * and trades normalised alike, so signals line up with their candles (the Django quirk is not kept).
 */
import type { BacktestResult, Bar, Trade } from '../../backtest/engine/types';
import { Interval, INTERVALS, Period, PERIODS } from '../../market-data/market-data.port';

export interface StreamConfig {
  symbol: string;
  period: Period;
  interval: Interval;
  strategyCode?: string;
  strategyId?: number;
  initialBalance: number;
  commission: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const PERIOD_WORDS: Record<string, Period> = {
  '1month': '1mo',
  '3month': '3mo',
  '6month': '6mo',
  '1year': '1y',
  '2year': '2y',
  '5year': '5y',
};

/** '6mo', '1y' … as they are, and the '1year' / '6months' spellings the Django consumer also took. */
export function normalisePeriod(raw: unknown): Period | null {
  if (typeof raw !== 'string') return null;
  const p = raw.trim().toLowerCase();
  if ((PERIODS as readonly string[]).includes(p)) return p as Period;
  return PERIOD_WORDS[p.replace(/\s+/g, '').replace(/s$/, '')] ?? null;
}

function number(raw: unknown, fallback: number, min: number, max: number, field: string): Parsed<number> {
  if (raw === undefined || raw === null) return { ok: true, value: fallback };
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= min && n <= max
    ? { ok: true, value: n }
    : { ok: false, message: `config.${field} must be a number between ${min} and ${max}` };
}

export function parseStreamConfig(raw: unknown): Parsed<StreamConfig> {
  const c = raw === undefined ? {} : raw;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return { ok: false, message: 'config must be an object' };
  const r = c as Record<string, unknown>;
  const symbol = typeof r.symbol === 'string' ? r.symbol.trim().toUpperCase() : r.symbol === undefined ? 'AAPL' : '';
  if (!/^[A-Z0-9.^=-]{1,20}$/.test(symbol) || /^\.+$/.test(symbol))
    return { ok: false, message: 'config.symbol must be 1-20 letters, digits, ".", "^", "=" or "-"' };
  const period = r.period === undefined ? '6mo' : normalisePeriod(r.period);
  if (!period) return { ok: false, message: `config.period must be one of ${PERIODS.join(', ')}` };
  const interval = (r.interval ?? '1d') as Interval;
  if (!(INTERVALS as readonly string[]).includes(interval))
    return { ok: false, message: `config.interval must be one of ${INTERVALS.join(', ')}` };
  if (
    r.strategy_code !== undefined &&
    r.strategy_code !== null &&
    (typeof r.strategy_code !== 'string' || r.strategy_code.length > 200_000)
  ) {
    return { ok: false, message: 'config.strategy_code must be a string of at most 200000 characters' };
  }
  const sid = r.strategy_id;
  if (sid !== undefined && sid !== null && !(Number.isInteger(sid) && (sid as number) >= 1 && (sid as number) <= 2_147_483_647)) {
    return { ok: false, message: 'config.strategy_id must be a positive integer' };
  }
  const balance = number(r.initial_balance, 10000, 0.01, 1e15, 'initial_balance');
  if (!balance.ok) return balance;
  const commission = number(r.commission, 0.002, 0, 0.5, 'commission');
  if (!commission.ok) return commission;
  const code = typeof r.strategy_code === 'string' && r.strategy_code.trim() !== '' ? r.strategy_code : undefined;
  return {
    ok: true,
    value: {
      symbol,
      period,
      interval,
      strategyCode: code,
      strategyId: (sid as number | undefined) ?? undefined,
      initialBalance: balance.value,
      commission: commission.value,
    },
  };
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();

/** A closed trade as the stream's `complete` frame and the saved result show it. */
export function tradeJson(t: Trade) {
  return {
    entry_time: isoTime(t.entry_time),
    exit_time: isoTime(t.exit_time),
    entry_price: t.entry_price,
    exit_price: t.exit_price,
    size: t.qty,
    pnl: t.pnl,
    return_pct: t.pnl_pct,
  };
}

export type SignalFrame =
  | { type: 'signal'; timestamp: string; action: 'ENTRY'; side: 'BUY' | 'SELL'; price: number; size: number }
  | { type: 'signal'; timestamp: string; action: 'EXIT'; side: 'CLOSE'; price: number; size: number; pnl: number };

/** Signals by bar time: entries and exits of every trade. */
export function signalsByTime(trades: readonly Trade[]): Map<number, SignalFrame[]> {
  const out = new Map<number, SignalFrame[]>();
  const add = (t: number, s: SignalFrame) => (out.get(t) ?? out.set(t, []).get(t)!).push(s);
  for (const t of trades) {
    add(t.entry_time, {
      type: 'signal',
      timestamp: isoTime(t.entry_time),
      action: 'ENTRY',
      side: t.side === 'long' ? 'BUY' : 'SELL',
      price: t.entry_price,
      size: t.qty,
    });
    add(t.exit_time, {
      type: 'signal',
      timestamp: isoTime(t.exit_time),
      action: 'EXIT',
      side: 'CLOSE',
      price: t.exit_price,
      size: t.qty,
      pnl: t.pnl,
    });
  }
  return out;
}

export function candleFrame(bar: Bar, index: number, total: number) {
  return {
    type: 'candle',
    bar_number: index + 1,
    progress: Number((((index + 1) / total) * 100).toFixed(2)),
    timestamp: isoTime(bar.time),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
  };
}

export interface RunningStats {
  type: 'stats';
  total_trades: number;
  winning_trades: number;
  losing_trades: number;
  pnl: number;
  win_rate: number;
}

/** Statistics of the trades closed up to `until` (inclusive). */
export function statsFrame(trades: readonly Trade[], until = Infinity): RunningStats {
  const closed = trades.filter((t) => t.exit_time <= until);
  const winning = closed.filter((t) => t.pnl > 0).length;
  return {
    type: 'stats',
    total_trades: closed.length,
    winning_trades: winning,
    losing_trades: closed.length - winning,
    pnl: closed.reduce((s, t) => s + t.pnl, 0),
    win_rate: closed.length ? (winning / closed.length) * 100 : 0,
  };
}

export function completeFrame(totalBars: number, initialBalance: number, result: BacktestResult | null) {
  const trades = result?.trades ?? [];
  const s = statsFrame(trades);
  const final = result?.equity_curve.at(-1)?.equity ?? initialBalance;
  return {
    type: 'complete',
    total_bars: totalBars,
    metrics: {
      total_trades: s.total_trades,
      winning_trades: s.winning_trades,
      losing_trades: s.losing_trades,
      win_rate: s.win_rate,
      net_profit: final - initialBalance,
      total_return_pct: (final / initialBalance - 1) * 100,
      final_equity: final,
      max_drawdown: result?.metrics.max_drawdown ?? 0,
      sharpe_ratio: result ? result.metrics.sharpe_ratio : null,
    },
    trades: trades.map(tradeJson),
  };
}

/** JSON text of a frame with every non-finite number as null (JSON.parse rejects a bare NaN). */
export function frameText(frame: object): string {
  return JSON.stringify(frame, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
