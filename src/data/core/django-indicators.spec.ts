import { syntheticBars } from '../../../test/bots/bot-fixtures';
import { findIndicator, resolveIndicatorParams } from '../../bots/sdk/indicators';
import { DomainError } from '../../common/domain-error';
import { availableIndicatorNames, computeIndicator, resolveIndicator } from './django-indicators';

const bars = syntheticBars(80);

function refusal(name: unknown, params?: unknown): Record<string, string[]> {
  try {
    resolveIndicator(name, params);
  } catch (e) {
    if (e instanceof DomainError) return e.details as Record<string, string[]>;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe(resolveIndicator.name, () => {
  it.each(['SMA', 'sma', 'Sma'])('finds %s whatever the case, with the TA-Lib default timeperiod 30', (name) => {
    const r = resolveIndicator(name, {});
    expect(r).toMatchObject({
      name: 'SMA',
      params: { timeperiod: 30 },
      columns: { value: 'SMA_30' },
      sdkParams: { period: 30, source: 'close' },
    });
  });

  it('takes the SDK name period as timeperiod', () => {
    expect(resolveIndicator('rsi', { period: 7 })).toMatchObject({ params: { timeperiod: 7 }, columns: { value: 'RSI_7' } });
  });

  it('maps MACD, BOLLINGER, SAR and STOCH parameters and columns', () => {
    expect(resolveIndicator('MACD', { fastperiod: 5, slowperiod: 10 })).toMatchObject({
      sdkParams: { fast: 5, slow: 10, signal: 9 },
      columns: { macd: 'MACD', signal: 'MACD_SIGNAL', histogram: 'MACD_HIST' },
    });
    expect(resolveIndicator('bollinger', { stddev: 3 })).toMatchObject({
      params: { timeperiod: 5, nbdevup: 3, nbdevdn: 3 },
      sdkParams: { period: 5, stddev: 3 },
    });
    expect(resolveIndicator('SAR', { acceleration: 0.01 })).toMatchObject({
      sdkParams: { step: 0.01, max: 0.2 },
      columns: { value: 'SAR' },
    });
    expect(resolveIndicator('stoch', { fastk_period: 9 })).toMatchObject({ sdkParams: { period: 9, signal: 3 }, slowd: 3 });
  });

  it('serves the SDK-only indicators under their names, timeperiod meaning period', () => {
    expect(resolveIndicator('WMA', { timeperiod: 8 })).toMatchObject({
      name: 'wma',
      sdkParams: { period: 8 },
      columns: { value: 'WMA_8' },
    });
    expect(resolveIndicator('stochastic', {}).columns).toEqual({ k: 'STOCHASTIC_K_14', d: 'STOCHASTIC_D_14' });
  });

  it.each([
    ['nope', {}, 'indicator'],
    ['', {}, 'indicator'],
    [42, {}, 'indicator'],
    ['sma', { colour: 1 }, 'parameters.colour'],
    ['sma', { timeperiod: 'x' }, 'parameters.timeperiod'],
    ['sma', { timeperiod: 0 }, 'parameters'],
    ['macd', { fastperiod: 30, slowperiod: 10 }, 'parameters'],
    ['bollinger', { nbdevup: 1, nbdevdn: 2 }, 'parameters.nbdevdn'],
    ['stoch', { slowk_matype: 1 }, 'parameters.slowk_matype'],
    ['stoch', { slowd_period: 0 }, 'parameters.slowd_period'],
    ['sma', 'x', 'parameters'],
    ['wma', { timeperiod: 5, period: 5 }, 'parameters.timeperiod'],
  ])('refuses %p with %j, naming %s', (name, params, field) => {
    expect(Object.keys(refusal(name, params))).toEqual([field]);
  });

  it('lists the Django twelve first, then the SDK-only names, in lower case', () => {
    const names = availableIndicatorNames();
    expect(names.slice(0, 12)).toEqual(['sma', 'ema', 'macd', 'rsi', 'adx', 'atr', 'bollinger', 'stoch', 'obv', 'sar', 'cci', 'vwap']);
    expect(names).toEqual(expect.arrayContaining(['wma', 'williams_r', 'roc', 'mfi', 'psar', 'stochastic', 'highest', 'lowest']));
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(() => resolveIndicator(n, {})).not.toThrow();
  });
});

describe(computeIndicator.name, () => {
  it('gives the SDK values under the Django column, one row per bar', () => {
    const rows = computeIndicator(bars, resolveIndicator('SMA', { timeperiod: 10 }));
    const sdk = findIndicator('sma')!;
    const expected = sdk.compute(bars, resolveIndicatorParams(sdk, { period: 10 }));
    expect(rows).toHaveLength(bars.length);
    expect(rows.map((r) => r.SMA_10)).toEqual(expected);
  });

  it('splits object outputs into columns', () => {
    const rows = computeIndicator(bars, resolveIndicator('MACD', {}));
    const last = rows[rows.length - 1];
    expect(last.MACD! - last.MACD_SIGNAL!).toBeCloseTo(last.MACD_HIST!, 10);
    expect(rows[0]).toEqual({ MACD: null, MACD_SIGNAL: null, MACD_HIST: null });
  });

  it('computes STOCH slow %D as the mean of the last slowd_period slow %K values', () => {
    const rows = computeIndicator(bars, resolveIndicator('STOCH', { slowd_period: 3 }));
    const k = rows.map((r) => r.STOCH_SLOWK);
    const i = rows.length - 1;
    expect(rows[i].STOCH_SLOWD).toBeCloseTo((k[i]! + k[i - 1]! + k[i - 2]!) / 3, 10);
    const firstK = k.findIndex((v) => v !== null);
    expect(rows[firstK + 1].STOCH_SLOWD).toBeNull();
    expect(rows[firstK + 2].STOCH_SLOWD).toEqual(expect.any(Number));
  });
});
