import { DomainError } from '../../common/domain-error';
import { dataPeriodDays, parseSymbol, symbolProblem, toMarketDataRequest } from './data-request';

const NOW = Date.UTC(2026, 2, 10, 12); // 2026-03-10

function field(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof DomainError) return Object.keys(e.details as object);
    throw e;
  }
  throw new Error('expected a refusal');
}

describe(parseSymbol.name, () => {
  it.each([
    ['brk-b', 'BRK-B'],
    ['^gspc', '^GSPC'],
    ['EURUSD=X', 'EURUSD=X'],
    [' aapl ', 'AAPL'],
    ['BTC-USD', 'BTC-USD'],
  ])('accepts %p as %p', (raw, symbol) => {
    expect(parseSymbol(raw)).toBe(symbol);
  });

  it.each([['BRK B'], ['A'.repeat(21)], [''], ['A/B'], ['..'], [7], [null]])('refuses %p naming symbol', (raw) => {
    expect(symbolProblem(raw)).not.toBeNull();
    expect(field(() => parseSymbol(raw))).toEqual(['symbol']);
  });
});

describe(toMarketDataRequest.name, () => {
  it('passes the port periods through and sizes the others in days', () => {
    expect(toMarketDataRequest('AAPL', '1y', '1d', NOW)).toEqual({ symbol: 'AAPL', period: '1y', interval: '1d' });
    expect(toMarketDataRequest('AAPL', '5d', '1m', NOW)).toEqual({ symbol: 'AAPL', period: '1mo', interval: '1m', days: 5 });
    expect(toMarketDataRequest('AAPL', '10y', '1wk', NOW)).toEqual({ symbol: 'AAPL', period: 'max', interval: '1wk', days: 3650 });
    expect(toMarketDataRequest('AAPL', 'ytd', '1d', NOW)).toEqual({ symbol: 'AAPL', period: '3mo', interval: '1d', days: 69 });
  });

  it('counts ytd from 1 January, today included', () => {
    expect(dataPeriodDays('ytd', Date.UTC(2026, 0, 1, 8))).toBe(1);
    expect(dataPeriodDays('ytd', NOW)).toBe(69);
  });

  it.each([
    ['1y', '1m'],
    ['1mo', '1m'],
    ['5d', '1wk'],
    ['1d', '5d'],
    ['ytd', '1m'],
  ] as const)('refuses %s of %s bars on interval', (period, interval) => {
    expect(field(() => toMarketDataRequest('AAPL', period, interval, NOW))).toEqual(['interval']);
  });
});
