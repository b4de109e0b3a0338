import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomainError, ErrorCode } from '../common/domain-error';
import { CsvMarketDataProvider, parseCsvBars, parseCsvTime } from './csv.provider';
import { DAY_MS, Interval, MarketDataRequest, Period } from './market-data.port';
import { domainError } from '../../test/support/domain-error';

/** `count` weekday rows ending on Friday 2024-06-14, as `Date,Open,High,Low,Close,Adj Close,Volume`. */
function dailyCsv(count: number): string {
  const rows: string[] = [];
  let day = Date.UTC(2024, 5, 14);
  while (rows.length < count) {
    const wd = new Date(day).getUTCDay();
    if (wd !== 0 && wd !== 6) {
      const c = 100 + rows.length;
      rows.push(`${new Date(day).toISOString().slice(0, 10)},${c - 0.5},${c + 1},${c - 1},${c},${c - 0.1},${1000 + rows.length}`);
    }
    day -= DAY_MS;
  }
  return ['Date,Open,High,Low,Close,Adj Close,Volume', ...rows.reverse()].join('\n') + '\n';
}

describe(CsvMarketDataProvider.name, () => {
  let dir: string;
  const req = (symbol = 'AAPL', period: Period = '1y', interval: Interval = '1d'): MarketDataRequest => ({ symbol, period, interval });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'csv-market-data-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads <dir>/<SYMBOL>.csv into ascending bars, labelled csv', async () => {
    await writeFile(path.join(dir, 'AAPL.csv'), dailyCsv(10));

    const data = await new CsvMarketDataProvider(dir).getBars(req());

    expect(data).toMatchObject({ symbol: 'AAPL', period: '1y', interval: '1d', source: 'csv', synthetic: false });
    expect(data.bars).toHaveLength(10);
    expect(data.bars[9]).toEqual({ time: Date.UTC(2024, 5, 14), open: 99.5, high: 101, low: 99, close: 100, volume: 1000 });
    expect(data.bars.map((b) => b.time)).toEqual([...data.bars.map((b) => b.time)].sort((a, b) => a - b));
  });

  it('filters to the period counted back from the last bar, not from today', async () => {
    await writeFile(path.join(dir, 'AAPL.csv'), dailyCsv(600));

    const data = await new CsvMarketDataProvider(dir).getBars(req('AAPL', '1mo'));

    expect(data.bars.at(-1)!.time).toBe(Date.UTC(2024, 5, 14));
    expect(data.bars[0].time).toBeGreaterThan(Date.UTC(2024, 5, 14) - 30 * DAY_MS);
    expect(data.bars).toHaveLength(22); // weekdays from Thu 2024-05-16 to Fri 2024-06-14
  });

  it('answers not_found naming the symbol, not the server path, when there is no file', async () => {
    const err = await domainError(new CsvMarketDataProvider(dir).getBars(req('NOPE')));

    expect(err.code).toBe(ErrorCode.NotFound);
    expect(err.message).toBe('No CSV market data for symbol NOPE');
    expect(err.message).not.toContain(dir);
  });

  it('refuses a path-traversing symbol even when the parser was skipped', async () => {
    await mkdir(path.join(dir, 'inner'));
    await writeFile(path.join(dir, 'SECRET.csv'), dailyCsv(3));
    const inner = new CsvMarketDataProvider(path.join(dir, 'inner'));

    for (const symbol of ['../SECRET', '..', '.', 'A/B', '/etc/passwd', '..\\SECRET']) {
      const err = await domainError(inner.getBars(req(symbol)));
      expect(err.code).toBe(ErrorCode.ValidationFailed);
      expect(err.details).toEqual({ symbol: ['symbol is not a valid ticker'] });
    }
  });

  it('refuses an interval that does not match the file spacing (no resampling)', async () => {
    await writeFile(path.join(dir, 'AAPL.csv'), dailyCsv(30));

    const err = await domainError(new CsvMarketDataProvider(dir).getBars(req('AAPL', '1y', '1wk')));

    expect(err.code).toBe(ErrorCode.ValidationFailed);
    expect(err.details).toEqual({ interval: ['CSV data for AAPL is daily; interval 1wk is not available (resampling is not supported)'] });
  });

  it('serves an intraday file at its own interval only', async () => {
    const start = Date.UTC(2024, 5, 14, 14, 30) / 1000;
    const rows = Array.from({ length: 12 }, (_, i) => `${start + i * 300},10,11,9,10.5,500`);
    await writeFile(path.join(dir, 'ES=F.csv'), ['timestamp,open,high,low,close,volume', ...rows].join('\n'));
    const provider = new CsvMarketDataProvider(dir);

    const data = await provider.getBars(req('ES=F', '1mo', '5m'));
    expect(data.bars).toHaveLength(12);
    expect(data.bars[0].time).toBe(start * 1000);

    const err = await domainError(provider.getBars(req('ES=F', '1mo', '15m')));
    expect(err.details).toEqual({
      interval: ['CSV data for ES=F is 5-minute; interval 15m is not available (resampling is not supported)'],
    });
  });

  it('answers upstream_failed naming the file and line for a bad row', async () => {
    await writeFile(path.join(dir, 'AAPL.csv'), 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,2,abc,1.5,10\n');

    const err = await domainError(new CsvMarketDataProvider(dir).getBars(req()));

    expect(err.code).toBe(ErrorCode.UpstreamFailed);
    expect(err.message).toBe('AAPL.csv line 3: low "abc" is not a number');
  });
});

describe(parseCsvBars.name, () => {
  const parse = (text: string) => parseCsvBars(text, 'X.csv');
  const problem = (text: string) => {
    try {
      parse(text);
    } catch (error) {
      expect((error as DomainError).code).toBe(ErrorCode.UpstreamFailed);
      return (error as Error).message;
    }
    throw new Error('expected the CSV to be refused');
  };

  it('accepts columns in any order and case, ignores unknown ones, defaults volume to 0', () => {
    expect(parse('CLOSE,adj close,Low,HIGH,open,DateTime\n1.5,1.4,0.5,2,1,2024-01-02 14:30:00\n')).toEqual([
      { time: Date.UTC(2024, 0, 2, 14, 30), open: 1, high: 2, low: 0.5, close: 1.5, volume: 0 },
    ]);
  });

  it('sorts rows, skips blank lines, handles CRLF, a BOM and quoted cells', () => {
    const bars = parse('\uFEFFdate,open,high,low,close,volume\r\n"2024-01-03",2,3,1,2,5\r\n\r\n2024-01-02,1,2,0.5,1.5,"10"\r\n');
    expect(bars.map((b) => b.time)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(bars[0].volume).toBe(10);
  });

  it.each([
    [
      'header without a time column',
      'day,open,high,low,close\n2024-01-02,1,2,0.5,1.5',
      'X.csv line 1: header has no date, datetime or timestamp column',
    ],
    ['header without prices', 'date,open,close\n2024-01-02,1,1.5', 'X.csv line 1: header has no high, low column'],
    ['a short row', 'date,open,high,low,close\n2024-01-02,1,2,0.5', 'X.csv line 2: expected 5 columns, found 4'],
    ['a bad date', 'date,open,high,low,close\n02/01/2024,1,2,0.5,1.5', 'X.csv line 2: date "02/01/2024" is not an ISO date or epoch time'],
    [
      'an impossible date',
      'date,open,high,low,close\n2024-02-31,1,2,0.5,1.5',
      'X.csv line 2: date "2024-02-31" is not an ISO date or epoch time',
    ],
    ['an empty price', 'date,open,high,low,close\n2024-01-02,,2,0.5,1.5', 'X.csv line 2: open "" is not a number'],
    ['a zero price', 'date,open,high,low,close\n2024-01-02,0,2,0.5,1.5', 'X.csv line 2: prices must be greater than 0'],
    ['a negative volume', 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,-1', 'X.csv line 2: volume must not be negative'],
    ['high below close', 'date,open,high,low,close\n2024-01-02,1,1.2,0.5,1.5', 'X.csv line 2: high/low do not bracket open and close'],
    ['low above open', 'date,open,high,low,close\n2024-01-02,1,2,1.1,1.5', 'X.csv line 2: high/low do not bracket open and close'],
    [
      'a duplicate time',
      'date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,1,2,0.5,1.5\n2024-01-02,1,2,0.5,1.5',
      'X.csv line 4: duplicate time (same as line 2)',
    ],
    ['no rows', 'date,open,high,low,close\n', 'X.csv has no data rows'],
    ['nothing', '\n\n', 'X.csv is empty'],
  ])('refuses %s', (_, text, message) => {
    expect(problem(text)).toBe(message);
  });
});

describe(parseCsvTime.name, () => {
  it.each([
    ['2024-01-02', Date.UTC(2024, 0, 2)],
    ['2024-01-02T14:30:00Z', Date.UTC(2024, 0, 2, 14, 30)],
    ['2024-01-02 14:30', Date.UTC(2024, 0, 2, 14, 30)],
    ['2024-01-02T09:30:00-05:00', Date.UTC(2024, 0, 2, 14, 30)],
    ['2024-01-02T15:30:00.000+0100', Date.UTC(2024, 0, 2, 14, 30)],
    ['1704205800', Date.UTC(2024, 0, 2, 14, 30)],
    ['1704205800000', Date.UTC(2024, 0, 2, 14, 30)],
  ])('reads %s', (text, ms) => {
    expect(parseCsvTime(text)).toBe(ms);
  });

  it.each(['', 'yesterday', '2024/01/02', '2024-13-01', '2024-01-02T25:00', '-5'])('refuses %p', (text) => {
    expect(parseCsvTime(text)).toBeNaN();
  });
});
