import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Page, pageOf, PAGE_SIZE } from '../common/page';
import { isUniqueViolation } from '../database/database';
import { noSuchPk, notFound, requireStaff } from './data-access';
import {
  CreateIndicatorDataDto,
  CreateIndicatorDto,
  IndicatorDataDto,
  IndicatorDto,
  UpdateIndicatorDataDto,
  UpdateIndicatorDto,
} from './data-crud.dto';
import { optionalInterval, optionalSymbol } from './data-query';
import { indicatorDataJson, indicatorJson } from './data.serializers';
import { IndicatorsRepository, NewIndicator, NewIndicatorData } from './indicators.repository';
import { SymbolsRepository } from './symbols.repository';

const NAME_TAKEN = new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', {
  name: ['indicator with this name already exists.'],
});
const DATA_TAKEN = new DomainError(ErrorCode.ValidationFailed, 'Invalid request: non_field_errors', {
  non_field_errors: ['The fields symbol, indicator, timestamp, interval must make a unique set.'],
});

function indicatorChanges(b: UpdateIndicatorDto): Partial<NewIndicator> {
  const v: Partial<NewIndicator> = {};
  if (b.name !== undefined) v.name = b.name;
  if (b.display_name !== undefined) v.displayName = b.display_name;
  if (b.description !== undefined) v.description = b.description;
  if (b.category !== undefined) v.category = b.category;
  if (b.parameters !== undefined) v.parameters = b.parameters;
  if (b.is_active !== undefined) v.isActive = b.is_active;
  return v;
}

function dataChanges(b: UpdateIndicatorDataDto): Partial<NewIndicatorData> {
  const v: Partial<NewIndicatorData> = {};
  if (b.symbol !== undefined) v.symbolId = b.symbol;
  if (b.indicator !== undefined) v.indicatorId = b.indicator;
  if (b.timestamp !== undefined) v.timestamp = b.timestamp;
  if (b.value !== undefined) v.value = b.value;
  if (b.parameters !== undefined) v.parameters = b.parameters;
  if (b.interval !== undefined) v.interval = b.interval;
  return v;
}

async function unique<T>(taken: DomainError, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isUniqueViolation(e)) throw taken;
    throw e;
  }
}

/** Django's `IndicatorViewSet` and `IndicatorDataViewSet`: read by every signed-in user, written by staff. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly indicators: IndicatorsRepository,
    private readonly symbols: SymbolsRepository,
  ) {}

  async list(page: number): Promise<Page<IndicatorDto>> {
    const { count, rows } = await this.indicators.list(PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(indicatorJson));
  }

  async categories(): Promise<{ categories: string[] }> {
    return { categories: await this.indicators.categories() };
  }

  async get(id: number): Promise<IndicatorDto> {
    return indicatorJson(await this.existing(id));
  }

  async create(user: AuthUser, b: CreateIndicatorDto): Promise<IndicatorDto> {
    requireStaff(user, 'indicators');
    return indicatorJson(
      await unique(NAME_TAKEN, () => this.indicators.insert({ parameters: {}, ...indicatorChanges(b) } as NewIndicator)),
    );
  }

  async update(user: AuthUser, id: number, b: UpdateIndicatorDto): Promise<IndicatorDto> {
    requireStaff(user, 'indicators');
    await this.existing(id);
    return indicatorJson(await unique(NAME_TAKEN, () => this.indicators.update(id, indicatorChanges(b))));
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    requireStaff(user, 'indicators');
    await this.existing(id);
    await this.indicators.delete(id);
  }

  async listData(q: { symbol?: string; indicator?: string; interval?: string }, page: number): Promise<Page<IndicatorDataDto>> {
    const filter = { symbol: optionalSymbol(q.symbol), indicator: q.indicator || undefined, interval: optionalInterval(q.interval) };
    const { count, rows } = await this.indicators.listData(filter, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(indicatorDataJson));
  }

  async getData(id: number): Promise<IndicatorDataDto> {
    const row = await this.indicators.dataById(id);
    if (!row) throw notFound('Indicator data', id);
    return indicatorDataJson(row);
  }

  async createData(user: AuthUser, b: CreateIndicatorDataDto): Promise<IndicatorDataDto> {
    requireStaff(user, 'indicator data');
    await this.links(b);
    const id = await unique(DATA_TAKEN, () => this.indicators.insertData({ interval: '1d', ...dataChanges(b) } as NewIndicatorData));
    return this.getData(id);
  }

  async updateData(user: AuthUser, id: number, b: UpdateIndicatorDataDto): Promise<IndicatorDataDto> {
    requireStaff(user, 'indicator data');
    await this.getData(id);
    await this.links(b);
    await unique(DATA_TAKEN, () => this.indicators.updateData(id, dataChanges(b)));
    return this.getData(id);
  }

  async deleteData(user: AuthUser, id: number): Promise<void> {
    requireStaff(user, 'indicator data');
    await this.getData(id);
    await this.indicators.deleteData(id);
  }

  private async links(b: UpdateIndicatorDataDto): Promise<void> {
    if (b.symbol !== undefined && !(await this.symbols.byId(b.symbol))) throw noSuchPk('symbol', b.symbol);
    if (b.indicator !== undefined && !(await this.indicators.byId(b.indicator))) throw noSuchPk('indicator', b.indicator);
  }

  private async existing(id: number) {
    const row = await this.indicators.byId(id);
    if (!row) throw notFound('Indicator', id);
    return row;
  }
}
