/**
 * Synthetic market data, the default source: deterministic OHLCV per symbol with no I/O.
 *
 * Model. Each symbol gets parameters (base price, daily volatility, yearly drift, base volume) from a hash
 * of its name. Daily closes follow log P = log base + drift·t + x, with x a mean-reverting random walk
 * (keeps prices positive and in a plausible range over decades). The walk always starts on 1990-01-01 with
 * a PRNG seeded by the symbol, so a given day's bar never changes as time moves on: the same symbol and the
 * same end date give identical bars, whatever ran before, and tomorrow's series only adds a bar.
 * Trading days are Monday–Friday (no holiday calendar). Daily bars are stamped 00:00 UTC;
 * 5d/1wk bars aggregate the days of a Monday-based week, 1mo/3mo the days of a calendar month/quarter
 * (stamped at the bucket's first day). Intraday bars cover a 14:30–21:00 UTC session: per day a Brownian
 * bridge from that day's daily open to its close, seeded by symbol, interval and day, so intraday and daily
 * data agree and are just as stable.
 *
 * The series ends at the injected clock: a bar is included once it has started (today's daily bar on a
 * weekday, the current intraday bar during the session), and the window is the period's calendar days.
 */
import { systemClock } from '../common/clock';
import { Bar } from '../backtest/engine/types';
import {
  DAY_MS,
  INTERVAL_MS,
  Interval,
  isIntraday,
  MarketData,
  MarketDataProvider,
  MarketDataRequest,
  requestDays,
} from './market-data.port';

/** 1990-01-01, a Monday, as days since the Unix epoch. */
const EPOCH_DAY = 7305;
/** Trading-day index of 2025-01-01: the synthetic price is near the symbol's base price around then. */
const REF_INDEX = tradingIndexAtOrBefore(Date.UTC(2025, 0, 1) / DAY_MS);
const TRADING_DAYS_PER_YEAR = 261;
/** Mean reversion per day of the log-price deviation (half-life ≈ 1.4 years). */
const THETA = 0.002;
const SESSION_OPEN_MIN = 14 * 60 + 30;
const SESSION_MINUTES = 390;

/** FNV-1a, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny, fast, good-enough PRNG returning uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rng: () => number): number {
  const u = 1 - rng(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Monotone rounding (2 decimals, 4 below 1) so OHLC ordering survives it; never 0. */
function price(x: number): number {
  const r = x >= 1 ? Math.round(x * 100) / 100 : Math.round(x * 10000) / 10000;
  return Math.max(r, 0.0001);
}

/** Weekday of a Unix day: 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Index (from EPOCH_DAY) of the last trading day on or before `day`; -1 before the epoch. */
function tradingIndexAtOrBefore(day: number): number {
  const w = Math.floor(day) - EPOCH_DAY;
  if (w < 0) return -1;
  return Math.floor(w / 7) * 5 + Math.min(w % 7, 4);
}

function dayOfIndex(k: number): number {
  return EPOCH_DAY + Math.floor(k / 5) * 7 + (k % 5);
}

interface SymbolParams {
  logBase: number;
  sigma: number;
  driftPerDay: number;
  volume: number;
}

function symbolParams(symbol: string): SymbolParams {
  const rng = mulberry32(hashString(`params|${symbol}`));
  return {
    logBase: Math.log(20 + 380 * rng()),
    sigma: 0.012 + 0.016 * rng(),
    driftPerDay: (-0.03 + 0.18 * rng()) / TRADING_DAYS_PER_YEAR,
    volume: 5e5 + 3e7 * rng(),
  };
}

/** Daily bars for trading-day indexes [from, to] (both inclusive), simulated from the epoch. */
function dailyBars(symbol: string, p: SymbolParams, from: number, to: number): Bar[] {
  const rng = mulberry32(hashString(`daily|${symbol}`));
  const out: Bar[] = [];
  let x = 0;
  let prevClose = Math.exp(p.logBase + p.driftPerDay * -REF_INDEX);
  for (let k = 0; k <= to; k++) {
    x = x * (1 - THETA) + p.sigma * normal(rng);
    if (k < from) {
      // Only the walk matters before the window: skip the other 6 draws of the day without the maths.
      for (let i = 0; i < 6; i++) rng();
      if (k === from - 1) prevClose = Math.exp(p.logBase + p.driftPerDay * (k - REF_INDEX) + x);
      continue;
    }
    const gap = normal(rng);
    const up = rng();
    const down = rng();
    const vol = normal(rng);
    const close = Math.exp(p.logBase + p.driftPerDay * (k - REF_INDEX) + x);
    const open = prevClose * Math.exp(0.3 * p.sigma * gap);
    const high = Math.max(open, close) * Math.exp(0.6 * p.sigma * up);
    const low = Math.min(open, close) * Math.exp(-0.6 * p.sigma * down);
    const move = Math.abs(Math.log(close / prevClose));
    const volume = Math.max(1, Math.round(p.volume * Math.exp(0.35 * vol) * (1 + 8 * move)));
    out.push({ time: dayOfIndex(k) * DAY_MS, open: price(open), high: price(high), low: price(low), close: price(close), volume });
    prevClose = close;
  }
  return out;
}

/** Start (Unix day) of the bucket a day falls in, for the aggregated intervals. */
function bucketStart(day: number, interval: Interval): number {
  if (interval === '1wk' || interval === '5d') return day - ((weekday(day) + 6) % 7);
  const d = new Date(day * DAY_MS);
  const month = interval === '3mo' ? d.getUTCMonth() - (d.getUTCMonth() % 3) : d.getUTCMonth();
  return Date.UTC(d.getUTCFullYear(), month, 1) / DAY_MS;
}

function aggregate(days: Bar[], interval: Interval): Bar[] {
  const out: Bar[] = [];
  let key = Number.NaN;
  for (const b of days) {
    const k = bucketStart(b.time / DAY_MS, interval);
    const last = out[out.length - 1];
    if (k === key && last) {
      last.high = Math.max(last.high, b.high);
      last.low = Math.min(last.low, b.low);
      last.close = b.close;
      last.volume += b.volume;
    } else {
      key = k;
      out.push({ ...b, time: k * DAY_MS });
    }
  }
  return out;
}

function intradayBars(symbol: string, interval: Interval, days: Bar[], p: SymbolParams, nowMs: number): Bar[] {
  const minutes = INTERVAL_MS[interval] / 60_000;
  const n = Math.ceil(SESSION_MINUTES / minutes);
  const step = (p.sigma / Math.sqrt(n)) * 0.8;
  const seed = hashString(`intraday|${symbol}|${interval}`);
  const out: Bar[] = [];
  const walk = new Array<number>(n + 1);
  for (const d of days) {
    const day = d.time / DAY_MS;
    const rng = mulberry32(seed ^ Math.imul(day, 0x9e3779b1));
    walk[0] = 0;
    for (let j = 1; j <= n; j++) walk[j] = walk[j - 1] + step * normal(rng);
    const lo = Math.log(d.open);
    const lc = Math.log(d.close);
    const point = (j: number) => Math.exp(lo + (j / n) * (lc - lo) + walk[j] - (j / n) * walk[n]);
    for (let i = 0; i < n; i++) {
      const time = d.time + (SESSION_OPEN_MIN + i * minutes) * 60_000;
      const up = rng();
      const down = rng();
      const vol = normal(rng);
      if (time > nowMs) break;
      const open = point(i);
      const close = point(i + 1);
      out.push({
        time,
        open: price(open),
        high: price(Math.max(open, close) * Math.exp(0.5 * step * up)),
        low: price(Math.min(open, close) * Math.exp(-0.5 * step * down)),
        close: price(close),
        volume: Math.max(1, Math.round((d.volume / n) * Math.exp(0.3 * vol))),
      });
    }
  }
  return out;
}

export class SyntheticMarketDataProvider implements MarketDataProvider {
  readonly name = 'synthetic' as const;

  /** `now` decides where the series ends; the module passes the app's Clock. */
  constructor(private readonly now: () => number = () => systemClock.now()) {}

  async getBars(req: MarketDataRequest): Promise<MarketData> {
    return { ...req, source: 'synthetic', synthetic: true, bars: this.generate(req) };
  }

  /** The bars of `getBars`, synchronously. */
  generate(req: MarketDataRequest): Bar[] {
    const { symbol, interval } = req;
    const nowMs = this.now();
    const endDay = Math.floor(nowMs / DAY_MS);
    const firstDay = endDay - requestDays(req) + 1;
    const to = tradingIndexAtOrBefore(endDay);
    const from = Math.max(0, tradingIndexAtOrBefore(firstDay - 1) + 1);
    if (to < from) return [];
    const params = symbolParams(symbol);
    const days = dailyBars(symbol, params, from, to);
    if (interval === '1d') return days;
    if (isIntraday(interval)) return intradayBars(symbol, interval, days, params, nowMs);
    return aggregate(days, interval);
  }
}
