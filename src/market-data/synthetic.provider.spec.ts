import { Bar } from '../backtest/engine/types';
import { DAY_MS, Interval, MarketDataRequest, Period } from './market-data.port';
import { SyntheticMarketDataProvider } from './synthetic.provider';

const FRI_EVENING = Date.UTC(2024, 5, 14, 22, 0); // Friday 2024-06-14, after the session
const FRI_MIDDAY = Date.UTC(2024, 5, 14, 18, 0);
const SUNDAY = Date.UTC(2024, 5, 16, 12, 0);

const at = (now: number) => new SyntheticMarketDataProvider(() => now);
const req = (symbol = 'AAPL', period: Period = '1y', interval: Interval = '1d'): MarketDataRequest => ({ symbol, period, interval });

function expectValidBars(bars: Bar[]): void {
  expect(bars.length).toBeGreaterThan(0);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    expect(Math.min(b.open, b.close)).toBeGreaterThanOrEqual(b.low);
    expect(Math.max(b.open, b.close)).toBeLessThanOrEqual(b.high);
    expect(b.low).toBeGreaterThan(0);
    expect(b.volume).toBeGreaterThan(0);
    expect(Number.isInteger(b.volume)).toBe(true);
    if (i > 0) expect(b.time).toBeGreaterThan(bars[i - 1].time);
  }
}

const weekday = (ms: number) => new Date(ms).getUTCDay();

describe(SyntheticMarketDataProvider.name, () => {
  it('labels its data as synthetic', async () => {
    const data = await at(FRI_EVENING).getBars(req());
    expect(data).toMatchObject({ symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true });
  });

  it('gives identical bars for the same symbol and end date, whatever ran before', async () => {
    const first = await at(FRI_EVENING).getBars(req());
    const other = at(FRI_EVENING);
    await other.getBars(req('MSFT', '5y'));
    await other.getBars(req('AAPL', '1mo', '5m'));
    expect((await other.getBars(req())).bars).toEqual(first.bars);
  });

  it('gives identical bars at any time of the same day for daily data', () => {
    expect(at(Date.UTC(2024, 5, 14, 0, 0, 1)).generate(req())).toEqual(at(FRI_EVENING).generate(req()));
  });

  it('gives different series for different symbols', () => {
    const a = at(FRI_EVENING).generate(req('AAPL'));
    const b = at(FRI_EVENING).generate(req('MSFT'));
    expect(a.map((x) => x.time)).toEqual(b.map((x) => x.time));
    expect(a.map((x) => x.close)).not.toEqual(b.map((x) => x.close));
  });

  it('keeps past bars when the end date moves on (tomorrow only adds bars)', () => {
    const today = at(FRI_EVENING).generate(req('AAPL', '5y'));
    const nextWeek = at(FRI_EVENING + 7 * DAY_MS).generate(req('AAPL', '5y'));
    const overlap = nextWeek.filter((b) => b.time >= today[0].time && b.time <= today[today.length - 1].time);
    expect(overlap).toEqual(today.filter((b) => b.time >= nextWeek[0].time));
  });

  it('makes shorter periods a suffix of longer ones', () => {
    const year = at(FRI_EVENING).generate(req('AAPL', '1y'));
    const five = at(FRI_EVENING).generate(req('AAPL', '5y'));
    expect(five.slice(-year.length)).toEqual(year);
  });

  it.each(['AAPL', 'BTC-USD', '^GSPC', 'EURUSD=X'])('produces valid OHLCV for %s over max', (symbol) => {
    expectValidBars(at(FRI_EVENING).generate(req(symbol, 'max')));
  });

  it.each<[Period, Interval]>([
    ['1mo', '5m'],
    ['1mo', '15m'],
    ['1mo', '90m'],
    ['2y', '1h'],
    ['5y', '1wk'],
    ['5y', '5d'],
    ['max', '1mo'],
    ['max', '3mo'],
  ])('produces valid OHLCV over %s at %s', (period, interval) => {
    expectValidBars(at(FRI_MIDDAY).generate(req('AAPL', period, interval)));
  });

  it('skips weekends and stamps daily bars at 00:00 UTC', () => {
    const bars = at(FRI_EVENING).generate(req('AAPL', '1y'));
    for (const b of bars) {
      expect([1, 2, 3, 4, 5]).toContain(weekday(b.time));
      expect(b.time % DAY_MS).toBe(0);
    }
  });

  it('ends at the clock: the last daily bar is today on a weekday, Friday on a Sunday', () => {
    expect(at(FRI_EVENING).generate(req()).at(-1)!.time).toBe(Date.UTC(2024, 5, 14));
    expect(at(SUNDAY).generate(req()).at(-1)!.time).toBe(Date.UTC(2024, 5, 14));
  });

  it('gives about 261 daily bars for 1y and about 1,305 for 5y', () => {
    const year = at(FRI_EVENING).generate(req('AAPL', '1y'));
    expect(year.length).toBeGreaterThanOrEqual(260);
    expect(year.length).toBeLessThanOrEqual(262);
    expect(year[0].time).toBeGreaterThan(FRI_EVENING - 365 * DAY_MS);
    const five = at(FRI_EVENING).generate(req('AAPL', '5y'));
    expect(five.length).toBeGreaterThanOrEqual(1302);
    expect(five.length).toBeLessThanOrEqual(1306);
  });

  it('puts intraday bars in the 14:30-21:00 UTC session of weekdays, up to the clock', () => {
    const bars = at(FRI_MIDDAY).generate(req('AAPL', '1mo', '30m'));
    for (const b of bars) {
      const minutes = (b.time % DAY_MS) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(14 * 60 + 30);
      expect(minutes).toBeLessThan(21 * 60);
      expect((minutes - (14 * 60 + 30)) % 30).toBe(0);
      expect([1, 2, 3, 4, 5]).toContain(weekday(b.time));
    }
    expect(bars.at(-1)!.time).toBe(Date.UTC(2024, 5, 14, 18, 0));
    const fullDay = bars.filter((b) => b.time >= Date.UTC(2024, 5, 13) && b.time < Date.UTC(2024, 5, 14));
    expect(fullDay).toHaveLength(13);
  });

  it('keeps intraday bars consistent with the daily bar: first open and last close of the day', () => {
    const days = at(FRI_EVENING).generate(req('AAPL', '1mo', '1d'));
    const hours = at(FRI_EVENING).generate(req('AAPL', '1mo', '1h'));
    const thursday = days.find((d) => d.time === Date.UTC(2024, 5, 13))!;
    const its = hours.filter((b) => b.time >= thursday.time && b.time < thursday.time + DAY_MS);
    expect(its[0].open).toBeCloseTo(thursday.open, 2);
    expect(its.at(-1)!.close).toBeCloseTo(thursday.close, 2);
  });

  it('aggregates weekly bars from the daily ones (Monday-stamped)', () => {
    const days = at(FRI_EVENING).generate(req('AAPL', '1mo', '1d'));
    const weeks = at(FRI_EVENING).generate(req('AAPL', '1mo', '1wk'));
    const monday = Date.UTC(2024, 5, 10);
    const week = weeks.find((w) => w.time === monday)!;
    const its = days.filter((d) => d.time >= monday);
    expect(its).toHaveLength(5);
    expect(week).toEqual({
      time: monday,
      open: its[0].open,
      close: its[4].close,
      high: Math.max(...its.map((d) => d.high)),
      low: Math.min(...its.map((d) => d.low)),
      volume: its.reduce((s, d) => s + d.volume, 0),
    });
  });

  it('stamps monthly and quarterly bars at the first day of the month / quarter', () => {
    for (const b of at(FRI_EVENING).generate(req('AAPL', '5y', '1mo'))) expect(new Date(b.time).getUTCDate()).toBe(1);
    for (const b of at(FRI_EVENING).generate(req('AAPL', '5y', '3mo'))) expect([0, 3, 6, 9]).toContain(new Date(b.time).getUTCMonth());
  });
});
