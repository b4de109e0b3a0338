import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { CachedMarketDataProvider } from './cached.provider';
import { CsvMarketDataProvider } from './csv.provider';
import { MarketDataProvider } from './market-data.port';
import { createMarketDataProvider, MarketDataModule } from './market-data.module';
import { SyntheticMarketDataProvider } from './synthetic.provider';

const config = (env: Record<string, string> = {}) => loadAppConfig({ NODE_ENV: 'test', ...env });

beforeAll(() => Logger.overrideLogger(false));

describe(createMarketDataProvider.name, () => {
  it('picks the synthetic provider by default', () => {
    expect(createMarketDataProvider(config())).toBeInstanceOf(SyntheticMarketDataProvider);
  });

  it('picks the CSV provider for DATA_SOURCE=csv', () => {
    expect(createMarketDataProvider(config({ DATA_SOURCE: 'csv', MARKET_DATA_CSV_DIR: '/tmp' }))).toBeInstanceOf(CsvMarketDataProvider);
  });

  it('picks the cached Yahoo provider for DATA_SOURCE=yahoo', () => {
    const provider = createMarketDataProvider(config({ DATA_SOURCE: 'yahoo' }));
    expect(provider).toBeInstanceOf(CachedMarketDataProvider);
    expect(provider.name).toBe('yahoo');
  });
});

describe(MarketDataModule.name, () => {
  it('provides MarketDataProvider from the AppConfig', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MarketDataModule] })
      .useMocker((token) => {
        if (token === AppConfig) return config();
        throw new Error(`unexpected dependency ${String(token)}`);
      })
      .compile();
    const provider = moduleRef.get(MarketDataProvider);
    expect(provider.name).toBe('synthetic');
    await moduleRef.close();
  });
});
