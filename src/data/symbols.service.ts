import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Page, pageOf, PAGE_SIZE } from '../common/page';
import { isUniqueViolation } from '../database/database';
import { symbolProblem } from './core/data-request';
import { notFound, requireStaff } from './data-access';
import { CreateSymbolDto, SymbolDto, UpdateSymbolDto } from './data-crud.dto';
import { symbolJson } from './data.serializers';
import { NewSymbol, SymbolsRepository } from './symbols.repository';

export const MAX_BULK_SYMBOLS = 1000;
export const MAX_SEARCH_RESULTS = 200;

const TAKEN = new DomainError(ErrorCode.ValidationFailed, 'Invalid request: symbol', {
  symbol: ['symbol with this symbol already exists.'],
});
const bad = (field: string, message: string) =>
  new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { [field]: [message] });

/** The Symbol fields a bulk item may carry, with their length limits. */
const TEXT_FIELDS: Record<string, number> = { name: 255, exchange: 50, sector: 100, industry: 100 };

function fields(b: Partial<CreateSymbolDto>): Partial<NewSymbol> {
  const v: Partial<NewSymbol> = {};
  if (b.symbol !== undefined) v.symbol = b.symbol.trim().toUpperCase();
  if (b.name !== undefined) v.name = b.name;
  if (b.exchange !== undefined) v.exchange = b.exchange;
  if (b.sector !== undefined) v.sector = b.sector;
  if (b.industry !== undefined) v.industry = b.industry;
  if (b.is_active !== undefined) v.isActive = b.is_active;
  return v;
}

/** One `symbols/bulk_create/` item as a new row, or a 400 naming `symbols[i]` / `symbols[i].field`. */
export function bulkItem(item: unknown, i: number): NewSymbol {
  const at = `symbols[${i}]`;
  const raw = typeof item === 'string' ? { symbol: item, name: item } : item;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw bad(at, `${at} must be a symbol or an object with symbol and name`);
  const o = raw as Record<string, unknown>;
  const problem = symbolProblem(o.symbol);
  if (problem) throw bad(`${at}.symbol`, problem);
  const symbol = (o.symbol as string).trim().toUpperCase();
  const row: NewSymbol = { symbol, name: symbol };
  for (const [key, value] of Object.entries(o)) {
    if (key === 'symbol') continue;
    if (key === 'is_active') {
      if (typeof value !== 'boolean') throw bad(`${at}.is_active`, 'is_active must be a boolean');
      row.isActive = value;
    } else if (key in TEXT_FIELDS) {
      if (typeof value !== 'string' || value.length > TEXT_FIELDS[key])
        throw bad(`${at}.${key}`, `${key} must be a string of at most ${TEXT_FIELDS[key]} characters`);
      (row as unknown as Record<string, unknown>)[key] = value;
    } else {
      throw bad(`${at}.${key}`, `unknown field '${key.slice(0, 40)}' (allowed: symbol, name, exchange, sector, industry, is_active)`);
    }
  }
  if (row.name === '') row.name = symbol;
  return row;
}

/** Django's `SymbolViewSet`: readable by every signed-in user, changed by staff. */
@Injectable()
export class SymbolsService {
  constructor(private readonly symbols: SymbolsRepository) {}

  async list(page: number): Promise<Page<SymbolDto>> {
    const { count, rows } = await this.symbols.list(PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(symbolJson));
  }

  async get(id: number): Promise<SymbolDto> {
    return symbolJson(await this.existing(id));
  }

  async create(user: AuthUser, b: CreateSymbolDto): Promise<SymbolDto> {
    requireStaff(user, 'symbols');
    try {
      return symbolJson(await this.symbols.insert(fields(b) as NewSymbol));
    } catch (e) {
      if (isUniqueViolation(e)) throw TAKEN;
      throw e;
    }
  }

  async update(user: AuthUser, id: number, b: UpdateSymbolDto): Promise<SymbolDto> {
    requireStaff(user, 'symbols');
    await this.existing(id);
    try {
      return symbolJson(await this.symbols.update(id, fields(b)));
    } catch (e) {
      if (isUniqueViolation(e)) throw TAKEN;
      throw e;
    }
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    requireStaff(user, 'symbols');
    await this.existing(id);
    await this.symbols.delete(id);
  }

  /** Creates the symbols not stored yet (one statement: all or nothing); answers the new ones only. */
  async bulkCreate(user: AuthUser, body: unknown): Promise<SymbolDto[]> {
    requireStaff(user, 'symbols');
    const list = (body as { symbols?: unknown } | null)?.symbols;
    if (!Array.isArray(list)) throw bad('symbols', 'symbols must be a list');
    if (list.length > MAX_BULK_SYMBOLS) throw bad('symbols', `symbols may hold at most ${MAX_BULK_SYMBOLS} items`);
    const extra = Object.keys(body as object).filter((k) => k !== 'symbols');
    if (extra.length) throw bad(extra[0], `property ${extra[0]} should not exist`);
    const unique = new Map<string, NewSymbol>();
    list.forEach((item, i) => {
      const row = bulkItem(item, i);
      if (!unique.has(row.symbol)) unique.set(row.symbol, row);
    });
    return (await this.symbols.createMissing([...unique.values()])).map(symbolJson);
  }

  async search(q: string | undefined): Promise<SymbolDto[]> {
    const query = (q ?? '').trim();
    if (query === '')
      throw new DomainError(ErrorCode.ValidationFailed, 'Query parameter q is required', { q: ['This query parameter is required.'] });
    if (query.length > 100) throw bad('q', 'q must be at most 100 characters');
    return (await this.symbols.search(query, MAX_SEARCH_RESULTS)).map(symbolJson);
  }

  private async existing(id: number) {
    const row = await this.symbols.byId(id);
    if (!row) throw notFound('Symbol', id);
    return row;
  }
}
