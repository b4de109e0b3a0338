/** Rows → the DRF ModelSerializer JSON of data_api (decimals as strings, FKs as ids, ISO timestamps). */
import type { DataRequestDto, IndicatorDataDto, IndicatorDto, MarketDataDto, SymbolDto } from './data-crud.dto';
import type { DataRequestRow } from './data-requests.repository';
import type { IndicatorDataRow, IndicatorRow } from './indicators.repository';
import type { MarketDataRow } from './market-data.repository';
import type { SymbolRow } from './symbols.repository';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function symbolJson(s: SymbolRow): SymbolDto {
  return {
    id: s.id,
    symbol: s.symbol,
    name: s.name,
    exchange: s.exchange,
    sector: s.sector,
    industry: s.industry,
    is_active: s.isActive,
    created_at: iso(s.createdAt)!,
    updated_at: iso(s.updatedAt)!,
  };
}

export function dataRequestJson(r: DataRequestRow): DataRequestDto {
  return {
    id: r.id,
    symbol_name: r.symbolName,
    request_id: r.requestId,
    period: r.period,
    interval: r.interval,
    status: r.status,
    created_at: iso(r.createdAt)!,
    completed_at: iso(r.completedAt),
    error_message: r.errorMessage,
    symbol: r.symbolId,
    requested_by: r.requestedBy,
  };
}

export function marketDataJson(m: MarketDataRow & { symbolName: string }): MarketDataDto {
  return {
    id: m.id,
    symbol_name: m.symbolName,
    timestamp: iso(m.timestamp)!,
    open_price: m.openPrice,
    high_price: m.highPrice,
    low_price: m.lowPrice,
    close_price: m.closePrice,
    volume: m.volume,
    adj_close: m.adjClose,
    interval: m.interval,
    created_at: iso(m.createdAt)!,
    symbol: m.symbolId,
  };
}

export function indicatorJson(i: IndicatorRow): IndicatorDto {
  return {
    id: i.id,
    name: i.name,
    display_name: i.displayName,
    description: i.description,
    category: i.category,
    parameters: i.parameters,
    is_active: i.isActive,
    created_at: iso(i.createdAt)!,
  };
}

export function indicatorDataJson(d: IndicatorDataRow): IndicatorDataDto {
  return {
    id: d.id,
    symbol_name: d.symbolName,
    indicator_name: d.indicatorName,
    timestamp: iso(d.timestamp)!,
    value: d.value,
    parameters: d.parameters,
    interval: d.interval,
    created_at: iso(d.createdAt)!,
    symbol: d.symbolId,
    indicator: d.indicatorId,
  };
}
