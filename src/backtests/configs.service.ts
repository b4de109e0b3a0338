import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Page, pageOf } from '../common/page';
import { canSee } from '../auth/ownership';
import { PAGE_SIZE } from '../strategy/records/params';
import type { ConfigBodyDto, ConfigPatchDto } from './backtests.dto';
import { configJson } from './backtests.serializer';
import { ConfigRow, ConfigsRepository, NewConfig } from './configs.repository';
import { RunsRepository } from './runs.repository';

type ConfigJson = ReturnType<typeof configJson>;

const decimal = (v: number | string | null | undefined): string | null | undefined =>
  v === undefined || v === null ? v : String(v).trim();

/** DTO fields → columns; absent fields are left out (PATCH), `null` clears the nullable ones. */
export function configValues(dto: ConfigPatchDto): Partial<NewConfig> {
  const v: Partial<NewConfig> = {};
  if (dto.name !== undefined) v.name = dto.name;
  if (dto.description !== undefined) v.description = dto.description;
  if (dto.start_date !== undefined) v.startDate = dto.start_date;
  if (dto.end_date !== undefined) v.endDate = dto.end_date;
  if (dto.initial_capital !== undefined) v.initialCapital = decimal(dto.initial_capital)!;
  if (dto.commission !== undefined) v.commission = decimal(dto.commission)!;
  if (dto.slippage !== undefined) v.slippage = decimal(dto.slippage)!;
  if (dto.max_position_size !== undefined) v.maxPositionSize = decimal(dto.max_position_size)!;
  if (dto.stop_loss !== undefined) v.stopLoss = decimal(dto.stop_loss);
  if (dto.take_profit !== undefined) v.takeProfit = decimal(dto.take_profit);
  if (dto.data_source !== undefined) v.dataSource = dto.data_source;
  if (dto.timeframe !== undefined) v.timeframe = dto.timeframe;
  if (dto.benchmark_symbol !== undefined) v.benchmarkSymbol = dto.benchmark_symbol.toUpperCase();
  if (dto.max_drawdown_limit !== undefined) v.maxDrawdownLimit = decimal(dto.max_drawdown_limit)!;
  if (dto.is_template !== undefined) v.isTemplate = dto.is_template;
  return v;
}

function checkDates(start: string, end: string, strict: boolean): void {
  if (strict ? start >= end : start > end) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: non_field_errors', {
      non_field_errors: [strict ? 'end_date must be after start_date' : 'end_date must not be before start_date'],
    });
  }
}

/** `/api/backtests/configs/` and `api/create_config/`. */
@Injectable()
export class ConfigsService {
  constructor(
    private readonly configs: ConfigsRepository,
    private readonly runs: RunsRepository,
  ) {}

  async list(user: AuthUser, page: number): Promise<Page<ConfigJson>> {
    const { count, rows } = await this.configs.list(user, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(configJson));
  }

  async templates(user: AuthUser): Promise<ConfigJson[]> {
    return (await this.configs.templates(user)).map(configJson);
  }

  /** A config `user` may read: their own, or a template without an owner. */
  async usable(user: AuthUser, id: number): Promise<ConfigRow> {
    const row = await this.configs.byId(id);
    if (!row || !(canSee(user, row.createdBy) || (row.isTemplate && row.createdBy === null)))
      throw new DomainError(ErrorCode.NotFound, 'Config not found', { id });
    return row;
  }

  private async owned(user: AuthUser, id: number): Promise<ConfigRow> {
    const row = await this.configs.byId(id);
    if (!row || !canSee(user, row.createdBy)) throw new DomainError(ErrorCode.NotFound, 'Config not found', { id });
    return row;
  }

  async get(user: AuthUser, id: number): Promise<ConfigJson> {
    return configJson(await this.usable(user, id));
  }

  /** POST configs/ (strict = api/create_config/: start must be before end). */
  async create(user: AuthUser, dto: ConfigBodyDto, strict = false): Promise<ConfigJson> {
    checkDates(dto.start_date, dto.end_date, strict);
    const values = configValues(dto) as NewConfig;
    return configJson(await this.configs.create({ ...values, createdBy: user.id }));
  }

  async update(user: AuthUser, id: number, dto: ConfigPatchDto): Promise<ConfigJson> {
    const row = await this.owned(user, id);
    checkDates(dto.start_date ?? row.startDate, dto.end_date ?? row.endDate, false);
    return configJson(await this.configs.update(id, configValues(dto)));
  }

  /** Deletes the config with every run made with it. */
  async delete(user: AuthUser, id: number): Promise<void> {
    await this.owned(user, id);
    await this.runs.deleteConfig(id);
  }
}
