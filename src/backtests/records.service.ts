import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Page, pageOf } from '../common/page';
import { invalid, PAGE_SIZE } from '../strategy/records/params';
import { alertJson, resultJson, tradeJson, tradeListJson } from './backtests.serializer';
import { RecordsRepository } from './records.repository';

const TRADE_TYPES = ['long', 'short'];
const TRADE_STATUSES = ['open', 'closed', 'cancelled'];

export interface TradeQuery {
  run_id?: string;
  symbol?: string;
  trade_type?: string;
  status?: string;
}

function oneOf(raw: string | undefined, field: string, allowed: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!allowed.includes(raw)) throw invalid(field, `${field} must be one of ${allowed.join(', ')}`);
  return raw;
}

function text(raw: unknown, field: string, max: number): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > max) throw invalid(field, `${field} must be a single value of at most ${max} characters`);
  return raw;
}

/** The read-only `results/`, `trades/` and `alerts/` resources (Django's ReadOnlyModelViewSets), owners only. */
@Injectable()
export class RecordsService {
  constructor(private readonly records: RecordsRepository) {}

  async results(user: AuthUser, page: number): Promise<Page<ReturnType<typeof resultJson>>> {
    const { count, rows } = await this.records.resultPage(user, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(resultJson));
  }

  async result(user: AuthUser, id: number) {
    const row = await this.records.result(user, id);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Backtest result not found', { id });
    return resultJson(row);
  }

  async trades(user: AuthUser, q: TradeQuery, page: number): Promise<Page<ReturnType<typeof tradeListJson>>> {
    const filters = {
      runCode: text(q.run_id, 'run_id', 100),
      symbol: text(q.symbol, 'symbol', 20)?.toUpperCase(),
      tradeType: oneOf(text(q.trade_type, 'trade_type', 10), 'trade_type', TRADE_TYPES),
      status: oneOf(text(q.status, 'status', 20), 'status', TRADE_STATUSES),
    };
    const { count, rows } = await this.records.tradePage(user, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(tradeListJson));
  }

  async trade(user: AuthUser, id: number) {
    const row = await this.records.trade(user, id);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Trade not found', { id });
    return tradeJson(row);
  }

  async alerts(user: AuthUser, page: number): Promise<Page<ReturnType<typeof alertJson>>> {
    const { count, rows } = await this.records.alertPage(user, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(alertJson));
  }

  async alert(user: AuthUser, id: number) {
    const row = await this.records.alert(user, id);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Alert not found', { id });
    return alertJson(row);
  }
}
