/** Derived views of a stored run for the analysis endpoints (equity curve, drawdown periods, trade statistics, CSV). Pure. */

export interface DatedValue {
  date: string;
  value: number;
}

export interface DrawdownPeriod {
  start: string;
  trough: string;
  /** When the peak was regained; null while still under water. */
  end: string | null;
  depth_pct: number;
  duration_days: number;
}

const DAY_MS = 86_400_000;
const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS);

/** Each stretch below the running peak (from the drawdowns series: percent below the peak per point), deepest first. */
export function drawdownPeriods(drawdowns: readonly DatedValue[]): DrawdownPeriod[] {
  const out: DrawdownPeriod[] = [];
  let open: { start: string; trough: string; depth: number } | null = null;
  let lastAtPeak = drawdowns[0]?.date ?? '';
  for (const p of drawdowns) {
    if (p.value > 0) {
      open ??= { start: lastAtPeak, trough: p.date, depth: 0 };
      if (p.value > open.depth) {
        open.depth = p.value;
        open.trough = p.date;
      }
    } else {
      if (open)
        out.push({ start: open.start, trough: open.trough, end: p.date, depth_pct: open.depth, duration_days: days(open.start, p.date) });
      open = null;
      lastAtPeak = p.date;
    }
  }
  const last = drawdowns[drawdowns.length - 1];
  if (open && last)
    out.push({ start: open.start, trough: open.trough, end: null, depth_pct: open.depth, duration_days: days(open.start, last.date) });
  return out.sort((a, b) => b.depth_pct - a.depth_pct);
}

export interface TradeFacts {
  symbol: string;
  trade_type: string;
  pnl: number;
  pnl_pct: number;
  holding_period: number | null;
}

interface Group {
  trades: number;
  winning: number;
  losing: number;
  win_rate: number;
  total_pnl: number;
  avg_pnl: number;
  avg_pnl_pct: number;
}

function group(ts: readonly TradeFacts[]): Group {
  const winning = ts.filter((t) => t.pnl > 0).length;
  const total = ts.reduce((s, t) => s + t.pnl, 0);
  return {
    trades: ts.length,
    winning,
    losing: ts.length - winning,
    win_rate: ts.length ? round((winning / ts.length) * 100) : 0,
    total_pnl: round(total),
    avg_pnl: ts.length ? round(total / ts.length) : 0,
    avg_pnl_pct: ts.length ? round(ts.reduce((s, t) => s + t.pnl_pct, 0) / ts.length) : 0,
  };
}

const round = (x: number) => Number(x.toFixed(6));

export function tradeStats(trades: readonly TradeFacts[]) {
  const held = trades.map((t) => t.holding_period).filter((h): h is number => h !== null);
  let streak = 0;
  let bestStreak = 0;
  let worstStreak = 0;
  for (const t of trades) {
    streak = t.pnl > 0 ? Math.max(1, streak + 1) : Math.min(-1, streak - 1);
    bestStreak = Math.max(bestStreak, streak);
    worstStreak = Math.min(worstStreak, streak);
  }
  const symbols = [...new Set(trades.map((t) => t.symbol))].sort();
  return {
    ...group(trades),
    avg_holding_period: held.length ? round(held.reduce((s, h) => s + h, 0) / held.length) : null,
    max_consecutive_wins: bestStreak,
    max_consecutive_losses: -worstStreak,
    best_trade_pct: trades.length ? Math.max(...trades.map((t) => t.pnl_pct)) : null,
    worst_trade_pct: trades.length ? Math.min(...trades.map((t) => t.pnl_pct)) : null,
    by_symbol: symbols.map((symbol) => ({ symbol, ...group(trades.filter((t) => t.symbol === symbol)) })),
    by_type: { long: group(trades.filter((t) => t.trade_type === 'long')), short: group(trades.filter((t) => t.trade_type === 'short')) },
  };
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted; a leading =,+,-,@ is neutralised for spreadsheets. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
