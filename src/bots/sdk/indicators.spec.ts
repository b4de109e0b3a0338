import { runInNewContext } from 'node:vm';
import type { Bar } from '../../backtest/engine/types';
import {
  findIndicator,
  formatIndicatorsForPrompt,
  IndicatorParamError,
  IndicatorParams,
  IndicatorSpec,
  IndicatorValue,
  indicatorCatalog,
  INDICATORS,
  resolveIndicatorParams,
} from './indicators';

const DAY = 86_400_000;

/** Bars from closes only (open = high = low = close). */
function fromCloses(closes: number[], volume = 1000): Bar[] {
  return closes.map((c, i) => ({ time: i * DAY, open: c, high: c, low: c, close: c, volume }));
}

/** Bars from [high, low, close, volume] rows (open = close). */
function fromRows(rows: Array<[number, number, number, number]>): Bar[] {
  return rows.map(([high, low, close, volume], i) => ({ time: i * DAY, open: close, high, low, close, volume }));
}

/** A deterministic random walk with real ranges and volumes. */
function randomBars(n: number, seed = 42): Bar[] {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const bars: Bar[] = [];
  let px = 100;
  for (let i = 0; i < n; i++) {
    const open = px;
    px *= 1 + (rnd() - 0.5) * 0.04;
    bars.push({
      time: i * DAY,
      open,
      high: Math.max(open, px) * (1 + rnd() * 0.01),
      low: Math.min(open, px) * (1 - rnd() * 0.01),
      close: px,
      volume: Math.round(1000 + rnd() * 1000),
    });
  }
  return bars;
}

/**
 * Five hand-checkable bars: high, low, close, volume.
 * Typical prices (hlc3): 9, 10, 11, 31/3, 12.
 */
const FIVE = fromRows([
  [10, 8, 9, 100],
  [11, 9, 10, 200],
  [12, 10, 11, 100],
  [12, 9, 10, 200],
  [13, 11, 12, 100],
]);

function spec(name: string): IndicatorSpec {
  const s = findIndicator(name);
  if (!s) throw new Error(`no indicator ${name}`);
  return s;
}

function run(name: string, bars: readonly Bar[], raw: Record<string, unknown> = {}): IndicatorValue[] {
  const s = spec(name);
  return s.compute(bars, resolveIndicatorParams(s, raw));
}

/** Numbers compared to 9 decimals, nulls exactly. */
function expectSeries(actual: IndicatorValue[], expected: Array<number | null>): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect({ i, v: actual[i] }).toEqual({ i, v: null });
    else expect(actual[i] as number).toBeCloseTo(e, 9);
  });
}

function expectRecord(actual: IndicatorValue, expected: Record<string, number>, digits = 9): void {
  expect(actual).not.toBeNull();
  const got = actual as Record<string, number>;
  expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(got[k]).toBeCloseTo(v, digits);
}

/** Small periods, so that every indicator has values within a few dozen bars. */
const SHORT: Record<string, Record<string, unknown>> = {
  sma: { period: 5 },
  ema: { period: 5 },
  wma: { period: 5 },
  rsi: { period: 5 },
  macd: { fast: 3, slow: 6, signal: 4 },
  bollinger: { period: 5, stddev: 1.5 },
  atr: { period: 5 },
  stochastic: { period: 5, signal: 3 },
  adx: { period: 5 },
  cci: { period: 5 },
  obv: {},
  vwap: {},
  williams_r: { period: 5 },
  roc: { period: 5 },
  mfi: { period: 5 },
  psar: {},
  highest: { period: 5 },
  lowest: { period: 5 },
};

describe('INDICATORS', () => {
  it('holds the 18 documented indicators under unique lowercase names', () => {
    const names = INDICATORS.map((s) => s.name);
    expect(names.sort()).toEqual(
      [
        'adx',
        'atr',
        'bollinger',
        'cci',
        'ema',
        'highest',
        'lowest',
        'macd',
        'mfi',
        'obv',
        'psar',
        'roc',
        'rsi',
        'sma',
        'stochastic',
        'vwap',
        'williams_r',
        'wma',
      ].sort(),
    );
    for (const n of names) expect(n).toMatch(/^[a-z][a-z_]*$/);
  });

  it('documents every parameter with a valid default and never lists `ago` itself', () => {
    for (const s of INDICATORS) {
      expect(s.parameters.map((p) => p.name)).not.toContain('ago');
      expect(s.display_name).toBeTruthy();
      expect(s.example).toContain(`ctx.indicators.${s.name}(`);
      expect(resolveIndicatorParams(s, {})).toEqual(Object.fromEntries(s.parameters.map((p) => [p.name, p.default])));
    }
  });

  it('has a short-period fixture for every indicator (so the generic tests below cover them all)', () => {
    expect(Object.keys(SHORT).sort()).toEqual(INDICATORS.map((s) => s.name).sort());
  });
});

describe('findIndicator', () => {
  it('finds an indicator by name', () => {
    expect(findIndicator('sma')?.display_name).toBe('Simple Moving Average');
  });

  it('returns undefined for an unknown name, including Object.prototype keys', () => {
    expect(findIndicator('supertrend')).toBeUndefined();
    expect(findIndicator('SMA')).toBeUndefined();
    expect(findIndicator('__proto__')).toBeUndefined();
    expect(findIndicator('toString')).toBeUndefined();
  });
});

describe('compute (hand-checked values, aligned with the bars)', () => {
  const ONE_TO_FIVE = fromCloses([1, 2, 3, 4, 5]);

  it('sma(3) of closes 1..5 is [null, null, 2, 3, 4]', () => {
    expectSeries(run('sma', ONE_TO_FIVE, { period: 3 }), [null, null, 2, 3, 4]);
  });

  it('ema(3) is seeded with the SMA and then uses alpha = 2/(3+1)', () => {
    // seed (2+4+6)/3 = 4; 4 + 0.5(8−4) = 6; 6 + 0.5(12−6) = 9
    expectSeries(run('ema', fromCloses([2, 4, 6, 8, 12]), { period: 3 }), [null, null, 4, 6, 9]);
  });

  it('wma(3) weights the newest value 3, the oldest 1', () => {
    // (1·1 + 2·2 + 3·3)/6 = 14/6, then 20/6, 26/6
    expectSeries(run('wma', ONE_TO_FIVE, { period: 3 }), [null, null, 14 / 6, 20 / 6, 26 / 6]);
  });

  it("rsi(14) matches Wilder's textbook table (StockCharts), first value at the 15th bar", () => {
    const closes = [
      44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614, 46.282, 46.282,
      46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835,
    ];
    const rsi = run('rsi', fromCloses(closes));
    expect(rsi.slice(0, 14)).toEqual(new Array(14).fill(null));
    expect(rsi.slice(14)).toEqual([70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71]);
  });

  it('rsi is 100 when there are no losses and 0 when there are no gains', () => {
    expect(run('rsi', ONE_TO_FIVE, { period: 2 })).toEqual([null, null, 100, 100, 100]);
    expect(run('rsi', fromCloses([5, 4, 3, 2, 1]), { period: 2 })).toEqual([null, null, 0, 0, 0]);
  });

  it('macd = EMA(fast) − EMA(slow) with an EMA signal line and the histogram, once all three exist', () => {
    // EMA2: 21/2, 73/6, 217/18, 757/54; EMA3: 34/3, 35/3, 40/3; macd: 5/6, 7/18, 37/54; signal: 11/18, 107/162
    const m = run('macd', fromCloses([10, 11, 13, 12, 15]), { fast: 2, slow: 3, signal: 2 });
    expect(m.slice(0, 3)).toEqual([null, null, null]);
    expectRecord(m[3], { macd: 7 / 18, signal: 11 / 18, histogram: -4 / 18 });
    expectRecord(m[4], { macd: 37 / 54, signal: 107 / 162, histogram: 37 / 54 - 107 / 162 });
  });

  it('macd of a flat series is zero, not null (the library would drop a signal of exactly 0)', () => {
    const m = run('macd', fromCloses(new Array(40).fill(50)));
    expect(m[32]).toBeNull();
    expectRecord(m[33], { macd: 0, signal: 0, histogram: 0 });
    expectRecord(m[39], { macd: 0, signal: 0, histogram: 0 });
  });

  it('bollinger(3, 2) has exactly the keys upper, middle, lower with the population standard deviation', () => {
    const sd = Math.sqrt(2 / 3); // of 1, 2, 3
    const bb = run('bollinger', ONE_TO_FIVE, { period: 3, stddev: 2 });
    expect(bb.slice(0, 2)).toEqual([null, null]);
    expectRecord(bb[2], { upper: 2 + 2 * sd, middle: 2, lower: 2 - 2 * sd });
    expectRecord(bb[4], { upper: 4 + 2 * sd, middle: 4, lower: 4 - 2 * sd });
  });

  it('atr(3) Wilder-smooths the true range, which counts gaps from the previous close', () => {
    // TR from bar 1 (needs the previous close): 2, 2, 3 (h − l), 3 (|13 − 10| beats h − l = 2)
    // ATR at bar 3 = (2+2+3)/3 = 7/3; at bar 4 = (7/3·2 + 3)/3 = 23/9
    expectSeries(run('atr', FIVE, { period: 3 }), [null, null, null, 7 / 3, 23 / 9]);
  });

  it('stochastic(3, 2) gives {k, d} once %D exists', () => {
    // k: bar 2 = 100(11−8)/(12−8) = 75; bar 3 = 100(10−9)/(12−9) = 33.3; bar 4 = 100(12−9)/(13−9) = 75
    const st = run('stochastic', FIVE, { period: 3, signal: 2 });
    expect(st.slice(0, 3)).toEqual([null, null, null]);
    expectRecord(st[3], { k: 100 / 3, d: (75 + 100 / 3) / 2 });
    expectRecord(st[4], { k: 75, d: (75 + 100 / 3) / 2 });
  });

  it('adx(3) starts at bar 2·3−1 and reads 100 in a perfectly steady uptrend', () => {
    const rising = fromRows(Array.from({ length: 10 }, (_, i) => [10 + i, 8 + i, 9 + i, 1000] as [number, number, number, number]));
    const adx = run('adx', rising, { period: 3 });
    expect(adx.slice(0, 5)).toEqual([null, null, null, null, null]);
    for (const v of adx.slice(5)) expect(v as number).toBeCloseTo(100, 9);
  });

  it('cci(3) uses the typical price and the mean deviation', () => {
    // bar 2: tp 9, 10, 11 → (11 − 10)/(0.015 · 2/3) = 100
    // bar 3: tp 10, 11, 31/3 → mean 94/9, mean deviation 10/27 → (31/3 − 94/9)/(0.015 · 10/27) = −20
    expectSeries(run('cci', FIVE, { period: 3 }), [null, null, 100, -20, 100]);
  });

  it('obv is 0 at the first bar, then adds up-close volume and subtracts down-close volume', () => {
    const bars = fromCloses([10, 11, 10, 10, 12]).map((b, i) => ({ ...b, volume: [100, 200, 300, 400, 500][i] }));
    expect(run('obv', bars)).toEqual([0, 200, -100, -100, 400]);
  });

  it('vwap is cumulative from the first bar over the typical price', () => {
    // Σ tp·v: 900, 2900, 4000, 4000 + 6200/3, … ; Σ v: 100, 300, 400, 600, 700
    expectSeries(run('vwap', FIVE), [9, 2900 / 300, 10, (4000 + 6200 / 3) / 600, (4000 + 6200 / 3 + 1200) / 700]);
  });

  it('williams_r(3) runs from 0 (at the high) to −100 (at the low)', () => {
    expectSeries(run('williams_r', FIVE, { period: 3 }), [null, null, -25, -200 / 3, -25]);
  });

  it('roc(2) is the percent change over 2 bars', () => {
    expectSeries(run('roc', ONE_TO_FIVE, { period: 2 }), [null, null, 200, 100, 200 / 3]);
  });

  it('mfi(2) needs period + 2 bars (the library skips the first bar) and is rounded to 2 decimals', () => {
    // tp = close; flows from bar 2: +12, −11, +13 → bar 3: 100·12/23, bar 4: 100·13/24
    const bars = fromCloses([10, 11, 12, 11, 13], 1);
    expect(run('mfi', bars, { period: 2 })).toEqual([null, null, null, 52.17, 54.17]);
  });

  it('psar starts long at the first low and accelerates by step', () => {
    // bar 3: 1 + 0.06(5 − 1) = 1.24; bar 4: 1.24 + 0.08(6 − 1.24) = 1.6208 (bars 1–2 are capped by earlier lows)
    const bars = fromRows([
      [3, 1, 2, 1],
      [4, 2, 3, 1],
      [5, 3, 4, 1],
      [6, 4, 5, 1],
      [7, 5, 6, 1],
    ]);
    expectSeries(run('psar', bars), [1, 1, 1, 1.24, 1.6208]);
  });

  it('highest and lowest default to the high and the low series, current bar included', () => {
    expectSeries(run('highest', FIVE, { period: 3 }), [null, null, 12, 12, 13]);
    expectSeries(run('lowest', FIVE, { period: 3 }), [null, null, 8, 9, 9]);
    expectSeries(run('highest', FIVE, { period: 2, source: 'close' }), [null, 10, 11, 11, 12]);
  });

  it('reads the requested source series (volume, hl2, hlc3)', () => {
    expectSeries(run('sma', FIVE, { period: 2, source: 'volume' }), [null, 150, 150, 150, 150]);
    expectSeries(run('sma', FIVE, { period: 1, source: 'hl2' }), [9, 10, 11, 10.5, 12]);
    expectSeries(run('sma', FIVE, { period: 1, source: 'hlc3' }), [9, 10, 11, 31 / 3, 12]);
  });
});

describe('compute (every indicator)', () => {
  const bars = randomBars(80);

  it.each(INDICATORS.map((s) => s.name))('%s has no look-ahead: a prefix of the bars gives the same prefix of values', (name) => {
    const full = run(name, bars, SHORT[name]);
    expect(full).toHaveLength(bars.length);
    expect(full.some((v) => v !== null)).toBe(true);
    for (let k = 0; k < bars.length; k++) {
      expect(run(name, bars.slice(0, k + 1), SHORT[name])).toEqual(full.slice(0, k + 1));
    }
  });

  it.each(INDICATORS.map((s) => s.name))('%s returns one value per bar for 0 to 3 bars, without throwing', (name) => {
    for (let n = 0; n <= 3; n++) expect(run(name, bars.slice(0, n))).toHaveLength(n);
  });

  it.each(INDICATORS.map((s) => s.name))('%s never yields NaN or Infinity, even on flat prices with zero volume', (name) => {
    const flat = fromCloses(new Array(60).fill(100), 0);
    for (const data of [flat, bars]) {
      for (const v of run(name, data, SHORT[name])) {
        if (v === null) continue;
        const nums = typeof v === 'number' ? [v] : Object.values(v);
        for (const x of nums) expect(Number.isFinite(x)).toBe(true);
      }
    }
  });

  it.each(INDICATORS.filter((s) => s.outputs).map((s) => s.name))('%s returns objects with exactly its declared output keys', (name) => {
    const s = spec(name);
    const values = run(name, bars, SHORT[name]).filter((v) => v !== null);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(Object.keys(v as object)).toEqual(s.outputs);
  });

  it.each(INDICATORS.map((s) => s.name))('%s accepts its smallest allowed parameters', (name) => {
    const s = spec(name);
    const min = Object.fromEntries(s.parameters.filter((p) => p.min !== undefined).map((p) => [p.name, p.min]));
    let params: IndicatorParams;
    try {
      params = resolveIndicatorParams(s, min);
    } catch {
      return; // a cross-field rule (macd fast < slow) forbids all-minimum values; covered below
    }
    expect(s.compute(bars, params)).toHaveLength(bars.length);
  });

  it('computes the default set over 5,000 bars, one value per bar', () => {
    const big = randomBars(5000, 7);
    for (const s of INDICATORS) expect(s.compute(big, resolveIndicatorParams(s, {}))).toHaveLength(5000);
  });
});

describe(resolveIndicatorParams.name, () => {
  const sma = spec('sma');

  it('fills defaults when params are missing, undefined or null', () => {
    expect(resolveIndicatorParams(sma, undefined)).toEqual({ period: 20, source: 'close' });
    expect(resolveIndicatorParams(sma, null)).toEqual({ period: 20, source: 'close' });
    expect(resolveIndicatorParams(sma, { period: 5 })).toEqual({ period: 5, source: 'close' });
    expect(resolveIndicatorParams(sma, { period: undefined })).toEqual({ period: 20, source: 'close' });
  });

  it('accepts and drops a valid ago', () => {
    expect(resolveIndicatorParams(sma, { period: 5, ago: 3 })).toEqual({ period: 5, source: 'close' });
  });

  it('names the indicator, the field, the rule and the value for an out-of-range integer', () => {
    expect(() => resolveIndicatorParams(sma, { period: 0 })).toThrow(
      new IndicatorParamError('sma: period must be an integer between 1 and 1000 (got 0)'),
    );
    expect(() => resolveIndicatorParams(sma, { period: 2.5 })).toThrow('sma: period must be an integer between 1 and 1000 (got 2.5)');
    expect(() => resolveIndicatorParams(sma, { period: '14' })).toThrow("sma: period must be an integer between 1 and 1000 (got '14')");
  });

  it('rejects a source outside the choices', () => {
    expect(() => resolveIndicatorParams(sma, { source: 'median' })).toThrow(
      "sma: source must be one of close, open, high, low, volume, hl2, hlc3 (got 'median')",
    );
  });

  it('rejects an unknown key, listing the allowed ones', () => {
    expect(() => resolveIndicatorParams(sma, { length: 10 })).toThrow("sma: unknown parameter 'length' (allowed: period, source, ago)");
  });

  it('rejects a negative or fractional ago', () => {
    expect(() => resolveIndicatorParams(sma, { ago: -1 })).toThrow('sma: ago must be an integer >= 0 (got -1)');
    expect(() => resolveIndicatorParams(sma, { ago: 0.5 })).toThrow('sma: ago must be an integer >= 0 (got 0.5)');
  });

  it('rejects params that are not an object', () => {
    expect(() => resolveIndicatorParams(sma, 14)).toThrow('sma: parameters must be an object such as { period: 20 } (got 14)');
    expect(() => resolveIndicatorParams(sma, [14])).toThrow('(got an array)');
  });

  it('checks floats and their ranges', () => {
    const bb = spec('bollinger');
    expect(resolveIndicatorParams(bb, { stddev: 2.5 })).toEqual({ period: 20, stddev: 2.5, source: 'close' });
    expect(() => resolveIndicatorParams(bb, { stddev: -1 })).toThrow('bollinger: stddev must be a number between 0 and 10 (got -1)');
    expect(() => resolveIndicatorParams(bb, { stddev: Number.NaN })).toThrow('bollinger: stddev must be a number');
  });

  it('applies cross-field rules (macd fast < slow, psar step ≤ max)', () => {
    expect(() => resolveIndicatorParams(spec('macd'), { fast: 26, slow: 12 })).toThrow(
      'macd: fast must be less than slow (got fast 26, slow 12)',
    );
    expect(() => resolveIndicatorParams(spec('psar'), { step: 0.5, max: 0.2 })).toThrow(
      'psar: step must not exceed max (got step 0.5, max 0.2)',
    );
  });

  it('accepts a params object created in another realm (a bot runs in a vm context)', () => {
    const foreign = runInNewContext('({ period: 5, ago: 1 })');
    expect(resolveIndicatorParams(sma, foreign)).toEqual({ period: 5, source: 'close' });
  });

  it('throws an Error subclass named IndicatorParamError', () => {
    try {
      resolveIndicatorParams(sma, { period: -5 });
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(IndicatorParamError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('IndicatorParamError');
    }
  });
});

describe(indicatorCatalog.name, () => {
  it('lists every indicator with exactly the API fields', () => {
    const cat = indicatorCatalog();
    expect(Object.keys(cat).sort()).toEqual(['count', 'indicators']);
    expect(cat.count).toBe(INDICATORS.length);
    expect(cat.indicators).toHaveLength(INDICATORS.length);
    for (const entry of cat.indicators) {
      expect(Object.keys(entry).sort()).toEqual(['description', 'display_name', 'example', 'name', 'parameters', 'usage']);
      for (const p of entry.parameters) expect(Object.keys(p).sort()).toEqual(['default', 'description', 'name', 'type']);
    }
  });

  it('survives a JSON round trip unchanged (no functions, no undefined)', () => {
    const cat = indicatorCatalog();
    expect(JSON.parse(JSON.stringify(cat))).toEqual(cat);
  });

  it('shows the defaults, e.g. macd 12/26/9', () => {
    const macd = indicatorCatalog().indicators.find((i) => i.name === 'macd');
    expect(macd?.parameters.map((p) => [p.name, p.default])).toEqual([
      ['fast', 12],
      ['slow', 26],
      ['signal', 9],
      ['source', 'close'],
    ]);
  });
});

describe(formatIndicatorsForPrompt.name, () => {
  const text = formatIndicatorsForPrompt();

  it('stays under 4 KB', () => {
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(4096);
  });

  it('gives the call signature, defaults and output keys of every indicator', () => {
    for (const s of INDICATORS) expect(text).toContain(`${s.name}(`);
    expect(text).toContain("sma({period=20, source='close'}) -> number");
    expect(text).toContain("macd({fast=12, slow=26, signal=9, source='close'}) -> {macd, signal, histogram}");
    expect(text).toContain('obv() -> number');
  });

  it('explains ago and warm-up nulls once', () => {
    expect(text).toContain('ago');
    expect(text).toContain('null');
  });
});
