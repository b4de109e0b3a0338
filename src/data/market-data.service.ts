import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Page, pageOf, PAGE_SIZE } from '../common/page';
import { isUniqueViolation } from '../database/database';
import { noSuchPk, notFound, requireStaff } from './data-access';
import { CreateMarketDataDto, MarketDataDto, UpdateMarketDataDto } from './data-crud.dto';
import { optionalInterval, optionalSymbol, timeRange } from './data-query';
import { marketDataJson } from './data.serializers';
import { MarketDataRepository, NewMarketDataRow } from './market-data.repository';
import { SymbolsRepository } from './symbols.repository';

export interface MarketDataQuery {
  symbol?: string;
  interval?: string;
  start_date?: string;
  end_date?: string;
}

const TAKEN = new DomainError(ErrorCode.ValidationFailed, 'Invalid request: non_field_errors', {
  non_field_errors: ['The fields symbol, timestamp, interval must make a unique set.'],
});

const dec = (v: string | number | null | undefined) => (v === undefined || v === null ? v : typeof v === 'number' ? String(v) : v.trim());

function changes(b: UpdateMarketDataDto): Partial<NewMarketDataRow> {
  const v: Partial<NewMarketDataRow> = {};
  if (b.symbol !== undefined) v.symbolId = b.symbol;
  if (b.timestamp !== undefined) v.timestamp = b.timestamp;
  if (b.open_price !== undefined) v.openPrice = dec(b.open_price)!;
  if (b.high_price !== undefined) v.highPrice = dec(b.high_price)!;
  if (b.low_price !== undefined) v.lowPrice = dec(b.low_price)!;
  if (b.close_price !== undefined) v.closePrice = dec(b.close_price)!;
  if (b.volume !== undefined) v.volume = b.volume;
  if (b.adj_close !== undefined) v.adjClose = dec(b.adj_close);
  if (b.interval !== undefined) v.interval = b.interval;
  return v;
}

/** Django's `MarketDataViewSet`: every signed-in user reads the bars; staff change them by hand. */
@Injectable()
export class MarketDataService {
  constructor(
    private readonly bars: MarketDataRepository,
    private readonly symbols: SymbolsRepository,
  ) {}

  async list(q: MarketDataQuery, page: number): Promise<Page<MarketDataDto>> {
    const filter = { symbol: optionalSymbol(q.symbol), interval: optionalInterval(q.interval), ...timeRange(q.start_date, q.end_date) };
    const { count, rows } = await this.bars.list(filter, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(marketDataJson));
  }

  async get(id: number): Promise<MarketDataDto> {
    return marketDataJson(await this.existing(id));
  }

  async create(user: AuthUser, b: CreateMarketDataDto): Promise<MarketDataDto> {
    requireStaff(user, 'market data');
    await this.symbolExists(b.symbol);
    try {
      const row = await this.bars.insert({ interval: '1d', ...changes(b) } as NewMarketDataRow);
      return this.get(row.id);
    } catch (e) {
      if (isUniqueViolation(e)) throw TAKEN;
      throw e;
    }
  }

  async update(user: AuthUser, id: number, b: UpdateMarketDataDto): Promise<MarketDataDto> {
    requireStaff(user, 'market data');
    await this.existing(id);
    if (b.symbol !== undefined) await this.symbolExists(b.symbol);
    try {
      await this.bars.update(id, changes(b));
    } catch (e) {
      if (isUniqueViolation(e)) throw TAKEN;
      throw e;
    }
    return this.get(id);
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    requireStaff(user, 'market data');
    await this.existing(id);
    await this.bars.delete(id);
  }

  private async symbolExists(id: number): Promise<void> {
    if (!(await this.symbols.byId(id))) throw noSuchPk('symbol', id);
  }

  private async existing(id: number) {
    const row = await this.bars.byId(id);
    if (!row) throw notFound('Market data', id);
    return row;
  }
}
