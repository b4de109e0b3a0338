/**
 * From the per-symbol outcomes of a run to what is stored: the portfolio report (capital split evenly across
 * the symbols; a failed symbol keeps its share in cash), every trade, the alerts and the run summary. Pure.
 */
import { BacktestReport, buildReport, combineCurves, SeriesPoint } from '../../backtest/engine/report';
import type { Bar, EquityPoint, Trade } from '../../backtest/engine/types';
import type { AlertValues, ResultValues, RunSummary, TradeValues } from '../runs.repository';

export type SymbolOutcome =
  { symbol: string; ok: true; trades: Trade[]; curve: EquityPoint[]; bars: number } | { symbol: string; ok: false; message: string };

export interface Assembly {
  report: BacktestReport;
  result: ResultValues;
  trades: TradeValues[];
  alerts: AlertValues[];
  summary: RunSummary;
}

const DAY_MS = 86_400_000;

/** A finite number as a `numeric(precision, scale)` string, clamped into the column's range. */
export function dec(x: number, precision: number, scale: number): string {
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  const v = Number.isFinite(x) ? Math.max(-limit, Math.min(limit, x)) : 0;
  return v.toFixed(scale);
}

export const decOrNull = (x: number | null, precision: number, scale: number): string | null =>
  x === null || !Number.isFinite(x) ? null : dec(x, precision, scale);

const series = (points: SeriesPoint[]) => points.map((p) => ({ date: new Date(p.time).toISOString(), value: Number(p.value.toFixed(6)) }));

export function tradeValues(symbol: string, t: Trade, commissionRate: number): TradeValues {
  const entryValue = t.entry_price * t.qty;
  const exitValue = t.exit_price * t.qty;
  return {
    symbol,
    tradeType: t.side,
    status: 'closed',
    entryDate: new Date(t.entry_time),
    entryPrice: dec(t.entry_price, 20, 6),
    quantity: dec(t.qty, 20, 6),
    entryValue: dec(entryValue, 20, 2),
    entryCommission: dec(entryValue * commissionRate, 20, 6),
    exitDate: new Date(t.exit_time),
    exitPrice: dec(t.exit_price, 20, 6),
    exitValue: dec(exitValue, 20, 2),
    exitCommission: dec(exitValue * commissionRate, 20, 6),
    pnl: dec(t.pnl, 20, 2),
    pnlPct: dec(t.pnl_pct, 15, 6),
    holdingPeriod: Math.round((t.exit_time - t.entry_time) / DAY_MS),
    signalName: 'entry',
    notes: `exit: ${t.exit_reason}`,
  };
}

export function resultValues(r: BacktestReport, positions: unknown[]): ResultValues {
  return {
    finalPortfolioValue: dec(r.final_portfolio_value, 20, 2),
    totalReturnPct: dec(r.total_return_pct, 15, 6),
    annualizedReturnPct: dec(r.annualized_return_pct, 15, 6),
    volatility: dec(r.volatility, 15, 6),
    sharpeRatio: dec(r.sharpe_ratio, 15, 6),
    sortinoRatio: decOrNull(r.sortino_ratio, 15, 6),
    calmarRatio: decOrNull(r.calmar_ratio, 15, 6),
    maxDrawdownPct: dec(r.max_drawdown_pct, 15, 6),
    maxDrawdownDuration: r.max_drawdown_duration,
    currentDrawdownPct: dec(r.current_drawdown_pct, 15, 6),
    totalTrades: r.total_trades,
    winningTrades: r.winning_trades,
    losingTrades: r.losing_trades,
    winRatePct: dec(r.win_rate_pct, 5, 2),
    avgTradeReturnPct: dec(r.avg_trade_return_pct, 15, 6),
    avgWinningTradePct: dec(r.avg_winning_trade_pct, 15, 6),
    avgLosingTradePct: dec(r.avg_losing_trade_pct, 15, 6),
    largestWinningTradePct: dec(r.largest_winning_trade_pct, 15, 6),
    largestLosingTradePct: dec(r.largest_losing_trade_pct, 15, 6),
    profitFactor: decOrNull(r.profit_factor, 15, 6),
    recoveryFactor: decOrNull(r.recovery_factor, 15, 6),
    payoffRatio: decOrNull(r.payoff_ratio, 15, 6),
    benchmarkReturnPct: decOrNull(r.benchmark_return_pct, 15, 6),
    alpha: decOrNull(r.alpha, 15, 6),
    beta: decOrNull(r.beta, 15, 6),
    portfolioValues: series(r.portfolio_values),
    returns: series(r.returns),
    drawdowns: series(r.drawdowns),
    positions,
  };
}

export function assembleRun(input: {
  outcomes: SymbolOutcome[];
  initialCash: number;
  commissionRate: number;
  benchmarkBars: Bar[] | null;
  drawdownLimitPct: number;
  executionSeconds: number;
  now: Date;
}): Assembly {
  const { outcomes, initialCash, now } = input;
  const cashEach = initialCash / Math.max(1, outcomes.length);
  const ok = outcomes.filter((o): o is Extract<SymbolOutcome, { ok: true }> => o.ok);
  // failed symbols keep their share in cash
  const flatCash = cashEach * (outcomes.length - ok.length);
  const portfolio = combineCurves(
    ok.map((o) => o.curve),
    cashEach,
  ).map((p) => ({ time: p.time, equity: p.equity + flatCash }));
  const allTrades = ok.flatMap((o) => o.trades);
  const report = buildReport({ initialCash, curve: portfolio, trades: allTrades, benchmarkBars: input.benchmarkBars ?? undefined });

  const alerts: AlertValues[] = [];
  const alert = (alertType: string, title: string, message: string, symbol = '', contextData: Record<string, unknown> = {}) =>
    alerts.push({ alertType, title, message, timestamp: now, symbol, contextData });
  for (const o of outcomes) if (!o.ok) alert('error', 'Symbol failed', `${o.symbol}: ${o.message}`.slice(0, 4000), o.symbol);
  if (ok.length > 0 && allTrades.length === 0) alert('warning', 'No trades', 'The strategy made no trade on any symbol over the period.');
  if (report.max_drawdown_pct > input.drawdownLimitPct) {
    alert(
      'warning',
      'Drawdown limit exceeded',
      `Max drawdown ${report.max_drawdown_pct.toFixed(2)} % is beyond the limit of ${input.drawdownLimitPct.toFixed(2)} %.`,
      '',
      {
        max_drawdown_pct: Number(report.max_drawdown_pct.toFixed(6)),
        limit_pct: input.drawdownLimitPct,
      },
    );
  }
  alert(
    'success',
    'Backtest completed',
    `${ok.length} of ${outcomes.length} symbol(s) backtested, ${allTrades.length} trade(s), ` +
      `return ${report.total_return_pct.toFixed(2)} %.`,
  );

  const positions = outcomes.map((o) =>
    o.ok
      ? {
          symbol: o.symbol,
          status: 'completed',
          bars: o.bars,
          trades: o.trades.length,
          final_equity: Number((o.curve.at(-1)?.equity ?? cashEach).toFixed(2)),
        }
      : { symbol: o.symbol, status: 'failed', error: o.message.slice(0, 500) },
  );
  const trades = ok.flatMap((o) => o.trades.map((t) => tradeValues(o.symbol, t, input.commissionRate)));
  return {
    report,
    result: resultValues(report, positions),
    trades,
    alerts,
    summary: {
      executionTime: dec(input.executionSeconds, 10, 3),
      totalReturn: dec(report.total_return_pct, 15, 6),
      annualizedReturn: dec(report.annualized_return_pct, 15, 6),
      maxDrawdown: dec(report.max_drawdown_pct, 15, 6),
      sharpeRatio: dec(report.sharpe_ratio, 15, 6),
      totalTrades: report.total_trades,
      winRate: dec(report.win_rate_pct, 5, 2),
    },
  };
}
