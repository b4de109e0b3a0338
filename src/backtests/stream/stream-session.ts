/**
 * One `ws/backtest/stream/` connection: authenticate (Bearer header on the upgrade, or `{action:'authenticate',
 * token}` / a `token` on `start_backtest` as the first message), then run `start_backtest` requests one at a
 * time: bars, the bot in the sandbox, then candles paced by BACKTEST_STREAM_CANDLE_MS with their signals and
 * running stats, `complete`, and — with `strategy_id` — the latest backtest result saved. Closing the socket
 * aborts the run (the bot process is killed) and stops the stream.
 */
import type { RawData, WebSocket } from 'ws';
import type { AuthUser } from '../../auth/current-user.decorator';
import type { Authenticator } from '../../auth/authenticator';
import type { BacktestResult, Bar } from '../../backtest/engine/types';
import { DomainError } from '../../common/domain-error';
import type { BacktestsConfig } from '../../config/app-config';
import type { MarketDataProvider } from '../../market-data/market-data.port';
import type { StateStore } from '../../state-store/state-store';
import type { BacktestResultsRepository } from '../../strategy/records/backtest-results.repository';
import type { StrategiesRepository } from '../../strategy/strategies.repository';
import { visibleOr404 } from '../../auth/ownership';
import { dec } from '../core/run-assembly';
import { runnableCode, StrategyCode } from '../execution/strategy-code';
import type { SymbolBacktester } from '../execution/symbol-backtester';
import {
  candleFrame,
  completeFrame,
  frameText,
  isoTime,
  parseStreamConfig,
  signalsByTime,
  statsFrame,
  StreamConfig,
  tradeJson,
} from './stream-protocol';

export interface StreamDeps {
  authenticator: Authenticator;
  marketData: MarketDataProvider;
  backtester: SymbolBacktester;
  strategies: StrategiesRepository;
  code: StrategyCode;
  latest: BacktestResultsRepository;
  store: StateStore;
  config: BacktestsConfig;
  log: (message: string, extra?: Record<string, unknown>) => void;
}

export const AUTH_TIMEOUT_MS = 10_000;
export const CLOSE_UNAUTHORIZED = 4401;
const STATS_EVERY = 50;
const SLOT_TTL_MS = 6 * 3600_000;
const rawText = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
const sleep = (ms: number) => new Promise<void>((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));

export class StreamSession {
  private user: AuthUser | null = null;
  private running = false;
  /** Authentication from the upgrade's Bearer header, awaited before the first message is judged. */
  private headerAuth: Promise<boolean> | null = null;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly authTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: StreamDeps,
    headerToken: string | null,
  ) {
    this.authTimer = setTimeout(
      () => !this.user && this.reject('Authentication required: send {"action":"authenticate","token":"<access token>"} first'),
      AUTH_TIMEOUT_MS,
    );
    this.authTimer.unref();
    ws.on('close', () => this.onClose());
    ws.on('error', () => this.onClose());
    ws.on('message', (data, isBinary) => void this.onMessage(isBinary ? null : rawText(data)).catch((error: unknown) => this.fail(error)));
    if (headerToken) this.headerAuth = this.authenticate(headerToken);
  }

  private send(frame: object): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(frameText(frame));
  }

  private error(message: string): void {
    this.send({ type: 'error', message });
  }

  private reject(message: string): void {
    this.error(message);
    this.ws.close(CLOSE_UNAUTHORIZED, 'unauthorized');
  }

  private fail(error: unknown): void {
    if (error instanceof DomainError)
      return this.error(
        error.details && typeof error.details === 'object' ? `${error.message}: ${JSON.stringify(error.details)}` : error.message,
      );
    this.deps.log('backtest stream failed', { err: error });
    this.error('Internal error while streaming the backtest');
  }

  private async authenticate(token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || token.length > 4096) {
      this.reject('Authentication failed: token must be a string');
      return false;
    }
    const auth = await this.deps.authenticator.authenticate(token);
    if (!auth.ok) {
      this.reject(`Authentication failed: ${auth.reason}`);
      return false;
    }
    this.user = auth.user;
    clearTimeout(this.authTimer);
    this.send({ type: 'authenticated', username: auth.user.username });
    return true;
  }

  private async onMessage(text: string | null): Promise<void> {
    if (this.headerAuth && !(await this.headerAuth)) return;
    let msg: Record<string, unknown> | null;
    try {
      msg = text === null ? null : (JSON.parse(text) as Record<string, unknown> | null);
    } catch {
      return this.error('Message is not valid JSON');
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return this.error('Message must be a JSON object with an action');
    if (msg.action === 'authenticate') {
      if (this.user) return this.error('Already authenticated');
      await this.authenticate(msg.token);
      return;
    }
    if (msg.action !== 'start_backtest') return this.error(`Unknown action: ${String(msg.action).slice(0, 50)}`);
    if (!this.user) {
      if (msg.token === undefined)
        return this.reject('Authentication required: send {"action":"authenticate","token":"<access token>"} first');
      if (!(await this.authenticate(msg.token))) return;
    }
    const parsed = parseStreamConfig(msg.config);
    if (!parsed.ok) return this.error(parsed.message);
    if (this.running) return this.error('A backtest is already streaming on this connection');
    this.running = true;
    try {
      await this.withSlot(() => this.stream(parsed.value));
    } finally {
      this.running = false;
    }
  }

  /** At most BACKTEST_STREAM_MAX_PER_USER streams per user at once, counted in the shared state store. */
  private async withSlot(work: () => Promise<void>): Promise<void> {
    const key = `backtest-streams:${this.user!.id ?? 'anonymous'}`;
    const max = this.deps.config.streamMaxPerUser;
    const now = await this.deps.store.increment(key, 1, SLOT_TTL_MS);
    try {
      if (now > max) return this.error(`Too many backtest streams at once (at most ${max} per user); wait for one to finish`);
      await work();
    } finally {
      await this.deps.store.increment(key, -1, SLOT_TTL_MS).catch(() => undefined);
    }
  }

  private async stream(c: StreamConfig): Promise<void> {
    this.send({ type: 'metadata', symbol: c.symbol, period: c.period, interval: c.interval, status: 'loading_data' });
    const bars = (await this.deps.marketData.getBars({ symbol: c.symbol, period: c.period, interval: c.interval })).bars;
    if (this.closed) return;
    let result: BacktestResult | null = null;
    const strategy =
      c.strategyId !== undefined ? visibleOr404(this.user!, await this.deps.strategies.byId(c.strategyId), 'Strategy', c.strategyId) : null;
    const code = c.strategyCode !== undefined ? runnableCode(c.strategyCode) : strategy ? await this.deps.code.of(strategy) : null;
    if (code) {
      this.send({ type: 'metadata', status: 'running_backtest', total_bars: bars.length });
      const outcome = await this.deps.backtester.runOn(
        bars,
        code,
        { engine: { initialCash: c.initialBalance, commissionRate: c.commission } },
        this.abort.signal,
      );
      if (this.closed) return;
      if (!outcome.ok) return this.error(`Strategy failed: ${outcome.message}`);
      result = outcome.result;
      this.send(statsFrame(result.trades));
    }
    const trades = result?.trades ?? [];
    this.send({ type: 'metadata', status: 'streaming_visualization', total_bars: bars.length, total_trades: trades.length });
    if (!(await this.candles(bars, trades))) return;
    this.send(completeFrame(bars.length, c.initialBalance, result));
    this.send(statsFrame(trades));
    if (strategy && result) await this.saveLatest(strategy.id, c, result);
  }

  /** False when the socket closed on the way. */
  private async candles(bars: Bar[], trades: BacktestResult['trades']): Promise<boolean> {
    const signals = signalsByTime(trades);
    for (let i = 0; i < bars.length; i++) {
      if (this.closed) return false;
      this.send(candleFrame(bars[i], i, bars.length));
      for (const s of signals.get(bars[i].time) ?? []) this.send(s);
      if ((i + 1) % STATS_EVERY === 0) this.send(statsFrame(trades, bars[i].time));
      await sleep(this.deps.config.streamCandleMs);
      while (!this.closed && this.ws.bufferedAmount > 1 << 20) await sleep(10);
    }
    return !this.closed;
  }

  private async saveLatest(strategyId: number, c: StreamConfig, r: BacktestResult): Promise<void> {
    const m = completeFrame(0, c.initialBalance, r).metrics;
    await this.deps.latest.upsert(strategyId, {
      symbol: c.symbol,
      timeframe: c.interval,
      period: c.period,
      initialBalance: dec(c.initialBalance, 20, 2),
      commission: dec(c.commission, 10, 6),
      totalTrades: m.total_trades,
      winningTrades: m.winning_trades,
      losingTrades: m.losing_trades,
      winRate: dec(m.win_rate, 5, 2),
      netProfit: dec(m.net_profit, 20, 2),
      totalReturnPct: dec(m.total_return_pct, 15, 6),
      finalEquity: dec(m.final_equity, 20, 2),
      maxDrawdown: dec(m.max_drawdown, 15, 6),
      sharpeRatio: m.sharpe_ratio === null || !Number.isFinite(m.sharpe_ratio) ? null : dec(m.sharpe_ratio, 15, 6),
      trades: r.trades.map(tradeJson),
      equityCurve: r.equity_curve.map((p) => ({ time: isoTime(p.time), equity: Number(p.equity.toFixed(2)) })),
    });
    this.send({ type: 'metadata', status: 'saved', strategy_id: strategyId });
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    this.abort.abort();
  }
}
