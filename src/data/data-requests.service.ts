import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isNull, SQL } from 'drizzle-orm';
import { AuthUser } from '../auth/current-user.decorator';
import { Page, pageOf, PAGE_SIZE } from '../common/page';
import { isUniqueViolation } from '../database/database';
import { dataRequests } from '../database/schema';
import { noSuchPk, notFound } from './data-access';
import { CreateDataRequestDto, DataRequestDto, UpdateDataRequestDto } from './data-crud.dto';
import { dataRequestJson } from './data.serializers';
import { byRequester, DataRequestsRepository, NewDataRequest } from './data-requests.repository';
import { SymbolsRepository } from './symbols.repository';

/** `req_` + 8 hex, as Django's serializer made them. */
export function newRequestId(): string {
  return `req_${randomBytes(4).toString('hex')}`;
}

/** Non-staff callers see their own requests (another user's is a 404); staff see all. */
function visibleTo(user: AuthUser): SQL | undefined {
  if (user.isStaff) return undefined;
  return user.id === null ? isNull(dataRequests.requestedBy) : byRequester(user.id);
}

function changes(b: UpdateDataRequestDto): Partial<NewDataRequest> {
  const v: Partial<NewDataRequest> = {};
  if (b.symbol !== undefined) v.symbolId = b.symbol;
  if (b.period !== undefined) v.period = b.period;
  if (b.interval !== undefined) v.interval = b.interval;
  if (b.status !== undefined) v.status = b.status;
  if (b.error_message !== undefined) v.errorMessage = b.error_message;
  return v;
}

/** Django's `DataRequestViewSet`; rows also come from `api/fetch_data/`. */
@Injectable()
export class DataRequestsService {
  constructor(
    private readonly requests: DataRequestsRepository,
    private readonly symbols: SymbolsRepository,
  ) {}

  async list(user: AuthUser, page: number): Promise<Page<DataRequestDto>> {
    const { count, rows } = await this.requests.list(visibleTo(user), PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(dataRequestJson));
  }

  async get(user: AuthUser, id: number): Promise<DataRequestDto> {
    return dataRequestJson(await this.existing(user, id));
  }

  async create(user: AuthUser, b: CreateDataRequestDto): Promise<DataRequestDto> {
    await this.symbolExists(b.symbol);
    for (let attempt = 0; ; attempt++) {
      try {
        const id = await this.requests.insert({
          ...changes(b),
          symbolId: b.symbol,
          requestId: newRequestId(),
          requestedBy: user.id,
        });
        return this.get(user, id);
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 3) throw e;
      }
    }
  }

  async update(user: AuthUser, id: number, b: UpdateDataRequestDto): Promise<DataRequestDto> {
    await this.existing(user, id);
    if (b.symbol !== undefined) await this.symbolExists(b.symbol);
    await this.requests.update(id, changes(b));
    return this.get(user, id);
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    await this.existing(user, id);
    await this.requests.delete(id);
  }

  private async symbolExists(id: number): Promise<void> {
    if (!(await this.symbols.byId(id))) throw noSuchPk('symbol', id);
  }

  private async existing(user: AuthUser, id: number) {
    const row = await this.requests.byId(id);
    const mine = row && (user.isStaff || row.requestedBy === user.id);
    if (!row || !mine) throw notFound('Data request', id);
    return row;
  }
}
