/** The answer of `api/quick_run/` (the backtesting.py-style figures Django returned), built from one symbol's run. Pure. */
import { BacktestReport } from '../../backtest/engine/report';
import type { Bar, Trade } from '../../backtest/engine/types';
import { drawdownPeriods } from './analysis';

const DAY_MS = 86_400_000;
const num = (x: number | null): number => (x === null || !Number.isFinite(x) ? 0 : Number(x.toFixed(6)));

export function quickRunResponse(symbol: string, bars: Bar[], trades: Trade[], report: BacktestReport) {
  const first = bars[0];
  const last = bars[bars.length - 1];
  const span = last.time - first.time;
  const inMarket = trades.reduce((s, t) => s + (t.exit_time - t.entry_time), 0);
  const peak = Math.max(report.initial_capital, ...report.portfolio_values.map((p) => p.value));
  const periods = drawdownPeriods(report.drawdowns.map((p) => ({ date: new Date(p.time).toISOString(), value: p.value })));
  const pct = trades.map((t) => t.pnl_pct);
  const profit = trades.reduce((s, t) => s + t.pnl, 0);
  return {
    status: 'completed',
    summary: {
      total_return: num(report.total_return_pct),
      total_trades: report.total_trades,
      win_rate: num(report.win_rate_pct),
      sharpe_ratio: num(report.sharpe_ratio),
      max_drawdown: num(report.max_drawdown_pct),
      final_equity: num(report.final_portfolio_value),
    },
    metrics: {
      start_date: new Date(first.time).toISOString(),
      end_date: new Date(last.time).toISOString(),
      duration: `${Math.round(span / DAY_MS)} days`,
      exposure_time: span > 0 ? num((inMarket / span) * 100) : 0,
      equity_final: num(report.final_portfolio_value),
      equity_peak: num(peak),
      return_pct: num(report.total_return_pct),
      buy_hold_return: num((last.close / first.open - 1) * 100),
      return_ann: num(report.annualized_return_pct),
      volatility_ann: num(report.volatility),
      sharpe_ratio: num(report.sharpe_ratio),
      sortino_ratio: num(report.sortino_ratio),
      calmar_ratio: num(report.calmar_ratio),
      max_drawdown: -num(report.max_drawdown_pct),
      avg_drawdown: periods.length ? -num(periods.reduce((s, p) => s + p.depth_pct, 0) / periods.length) : 0,
      total_trades: report.total_trades,
      win_rate: num(report.win_rate_pct),
      best_trade: pct.length ? num(Math.max(...pct)) : 0,
      worst_trade: pct.length ? num(Math.min(...pct)) : 0,
      avg_trade: num(report.avg_trade_return_pct),
      profit_factor: num(report.profit_factor),
    },
    trades: trades.map((t) => ({
      Size: t.side === 'long' ? t.qty : -t.qty,
      EntryPrice: num(t.entry_price),
      ExitPrice: num(t.exit_price),
      PnL: num(t.pnl),
      ReturnPct: num(t.pnl_pct / 100),
      EntryTime: new Date(t.entry_time).toISOString(),
      ExitTime: new Date(t.exit_time).toISOString(),
      Duration: `${Math.round((t.exit_time - t.entry_time) / DAY_MS)} days`,
      ExitReason: t.exit_reason,
    })),
    daily_stats: [],
    symbol_stats: [{ symbol, trades: trades.length, profit: num(profit) }],
    equity_curve: report.portfolio_values.map((p) => ({ date: new Date(p.time).toISOString(), value: num(p.value) })),
  };
}
