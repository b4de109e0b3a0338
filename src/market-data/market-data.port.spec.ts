import { DomainError, ErrorCode } from '../common/domain-error';
import { DEFAULT_MARKET_DATA_REQUEST, INTERVALS, parseMarketDataRequest, PERIOD_DAYS, PERIODS } from './market-data.port';

/** The details of the validation_failed error `raw` is refused with. */
function refusal(raw: unknown): Record<string, string[]> {
  try {
    parseMarketDataRequest(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
    return (error as DomainError).details as Record<string, string[]>;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

const ok = { symbol: 'AAPL', period: '1y', interval: '1d' };

describe(parseMarketDataRequest.name, () => {
  it('accepts the Django defaults', () => {
    expect(parseMarketDataRequest({ ...DEFAULT_MARKET_DATA_REQUEST })).toEqual({ symbol: 'AAPL', period: '1y', interval: '1d' });
  });

  it('trims and upper-cases the symbol', () => {
    expect(parseMarketDataRequest({ ...ok, symbol: '  brk-b ' }).symbol).toBe('BRK-B');
  });

  it.each(['^GSPC', 'EURUSD=X', 'BTC-USD', 'BRK.B', '7203.T', 'A', 'ABCDEFGHIJKLMNOPQRST'])('accepts the symbol %s', (symbol) => {
    expect(parseMarketDataRequest({ ...ok, symbol }).symbol).toBe(symbol);
  });

  it.each([
    ['empty', ''],
    ['too long', 'ABCDEFGHIJKLMNOPQRSTU'],
    ['a path', '../etc/passwd'],
    ['a slash', 'A/B'],
    ['a backslash', 'A\\B'],
    ['a space inside', 'AA PL'],
    ['dots only', '..'],
    ['a NUL byte', 'AAPL\u0000'],
    ['non-ASCII', 'ÄPFEL'],
  ])('refuses a symbol that is %s, naming the field', (_, symbol) => {
    expect(Object.keys(refusal({ ...ok, symbol }))).toEqual(['symbol']);
  });

  it.each([undefined, null, 42, ['AAPL']])('refuses a symbol that is not a string (%p)', (symbol) => {
    expect(refusal({ ...ok, symbol }).symbol[0]).toMatch(/^symbol must be a string/);
  });

  it.each(PERIODS)('accepts the period %s', (period) => {
    expect(parseMarketDataRequest({ ...ok, period }).period).toBe(period);
  });

  it.each(['1d', '10y', 'ytd', '1Y', '', undefined, 365])('refuses the period %p, listing the allowed ones', (period) => {
    const details = refusal({ ...ok, period });
    expect(Object.keys(details)).toEqual(['period']);
    expect(details.period[0]).toContain('1mo, 3mo, 6mo, 1y, 2y, 5y, max');
  });

  it.each(['1d', '5d', '1wk', '1mo', '1h', '60m'])('accepts the interval %s over 1y', (interval) => {
    expect(parseMarketDataRequest({ ...ok, interval }).interval).toBe(interval);
  });

  it.each(['1s', '4h', '1D', 'daily', '', null, 1])('refuses the interval %p, naming the field', (interval) => {
    const details = refusal({ ...ok, interval });
    expect(Object.keys(details)).toEqual(['interval']);
    expect(details.interval[0]).toMatch(/^interval must be one of 1m, 2m, 5m/);
  });

  it('knows every yfinance interval', () => {
    expect([...INTERVALS]).toEqual(['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h', '1d', '5d', '1wk', '1mo', '3mo']);
  });

  it('maps periods to the contract days', () => {
    expect(PERIOD_DAYS).toEqual({ '1mo': 30, '3mo': 90, '6mo': 180, '1y': 365, '2y': 730, '5y': 1825, max: 3650 });
  });

  describe('impossible combinations', () => {
    it.each([
      ['1m', '1mo', 'interval 1m allows at most 7 days of history, but period 1mo is 30 days'],
      ['5m', '3mo', 'interval 5m allows at most 60 days of history, but period 3mo is 90 days'],
      ['2m', '1y', 'interval 2m allows at most 60 days of history, but period 1y is 365 days'],
      ['90m', '6mo', 'interval 90m allows at most 60 days of history, but period 6mo is 180 days'],
      ['1h', '5y', 'interval 1h allows at most 730 days of history, but period 5y is 1825 days'],
      ['60m', 'max', 'interval 60m allows at most 730 days of history, but period max is 3650 days'],
      ['3mo', '1mo', 'interval 3mo is longer than period 1mo'],
    ])('refuses interval %s over period %s on the interval field', (interval, period, message) => {
      expect(refusal({ symbol: 'AAPL', period, interval })).toEqual({ interval: [message] });
    });

    it.each([
      ['5m', '1mo'],
      ['30m', '1mo'],
      ['1h', '2y'],
      ['60m', '1y'],
      ['1mo', '1mo'],
      ['1d', 'max'],
      ['3mo', 'max'],
    ])('accepts interval %s over period %s', (interval, period) => {
      expect(parseMarketDataRequest({ symbol: 'AAPL', period, interval })).toEqual({ symbol: 'AAPL', period, interval });
    });
  });

  it('reports every bad field at once', () => {
    const details = refusal({ symbol: '', period: 'x', interval: 'y' });
    expect(Object.keys(details).sort()).toEqual(['interval', 'period', 'symbol']);
  });

  it('names the fields in the message', () => {
    expect(() => parseMarketDataRequest({ symbol: 'AAPL', period: 'x', interval: 'y' })).toThrow(
      'Invalid market data request: period, interval',
    );
  });

  it.each([null, undefined, 'AAPL', ['AAPL', '1y', '1d']])('refuses a request that is not an object (%p)', (raw) => {
    expect(Object.keys(refusal(raw))).toEqual(['request']);
  });

  it('does not echo a long bad value in full', () => {
    const details = refusal({ ...ok, period: 'x'.repeat(500) });
    expect(details.period[0].length).toBeLessThan(150);
  });
});

describe('marketDataRequestOrDefaults', () => {
  it('keeps the defaults for absent or undefined fields and validates the rest', async () => {
    const { marketDataRequestOrDefaults } = await import('./market-data.port');
    expect(marketDataRequestOrDefaults(undefined)).toEqual({ symbol: 'AAPL', period: '1y', interval: '1d' });
    expect(marketDataRequestOrDefaults({ symbol: 'msft', period: undefined, interval: undefined })).toEqual({
      symbol: 'MSFT',
      period: '1y',
      interval: '1d',
    });
    expect(() => marketDataRequestOrDefaults({ period: '9y' })).toThrow(/period/);
  });
});
