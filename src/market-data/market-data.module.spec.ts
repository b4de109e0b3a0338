import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Clock, FakeClock } from '../common/clock';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { CachedMarketDataProvider } from './cached.provider';
import { CsvMarketDataProvider } from './csv.provider';
import { DAY_MS, MarketDataProvider } from './market-data.port';
import { createMarketDataProvider, MarketDataModule } from './market-data.module';
import { SyntheticMarketDataProvider } from './synthetic.provider';

const config = (env: Record<string, string> = {}) => loadAppConfig({ NODE_ENV: 'test', ...env });
const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));

beforeAll(() => Logger.overrideLogger(false));

describe(createMarketDataProvider.name, () => {
  it('picks the synthetic provider by default', () => {
    expect(createMarketDataProvider(config(), clock)).toBeInstanceOf(SyntheticMarketDataProvider);
  });

  it('picks the CSV provider for DATA_SOURCE=csv', () => {
    expect(createMarketDataProvider(config({ DATA_SOURCE: 'csv', MARKET_DATA_CSV_DIR: '/tmp' }), clock)).toBeInstanceOf(
      CsvMarketDataProvider,
    );
  });

  it('picks the cached Yahoo provider for DATA_SOURCE=yahoo', () => {
    const provider = createMarketDataProvider(config({ DATA_SOURCE: 'yahoo' }), clock);
    expect(provider).toBeInstanceOf(CachedMarketDataProvider);
    expect(provider.name).toBe('yahoo');
  });
});

describe(MarketDataModule.name, () => {
  it('provides MarketDataProvider from the AppConfig', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MarketDataModule] })
      .useMocker((token) => {
        if (token === AppConfig) return config();
        if (token === Clock) return clock;
        throw new Error(`unexpected dependency ${String(token)}`);
      })
      .compile();
    const provider = moduleRef.get(MarketDataProvider);
    expect(provider.name).toBe('synthetic');
    await moduleRef.close();
  });

  it("ends the synthetic series on the injected clock's day, and moves with it", async () => {
    const own = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
    const moduleRef = await Test.createTestingModule({ imports: [MarketDataModule] })
      .useMocker((token) => {
        if (token === AppConfig) return config();
        if (token === Clock) return own;
        throw new Error(`unexpected dependency ${String(token)}`);
      })
      .compile();
    const provider = moduleRef.get(MarketDataProvider);
    const req = { symbol: 'AAPL', period: '1mo', interval: '1d' } as const;
    const lastDay = async () => {
      const bars = (await provider.getBars(req)).bars;
      return Math.floor(bars[bars.length - 1].time / DAY_MS);
    };
    // 2026-11-25 is a Wednesday: a trading day, so the series ends on it.
    expect(await lastDay()).toBe(Math.floor(own.now() / DAY_MS));
    expect(await lastDay()).toBe(Math.floor(own.now() / DAY_MS));
    own.advance(DAY_MS); // Thursday
    expect(await lastDay()).toBe(Math.floor(own.now() / DAY_MS));
    await moduleRef.close();
  });
});
