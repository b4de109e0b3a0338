import { ExitReason, PositionView, Side, Trade } from './types';

/**
 * Cash and the single open position of a backtest. Fills move cash (notional + commission);
 * a fill against the position closes (part of) it and records a Trade; the rest, if any, opens
 * the opposite side. Entry commission is carried with the position and charged to the trade pro rata.
 */
export class Book {
  cash: number;
  qty = 0;
  avgPrice = 0;
  stopLoss?: number;
  takeProfit?: number;
  readonly trades: Trade[] = [];
  private entryTime = 0;
  private entryCommission = 0;

  constructor(
    initialCash: number,
    private readonly commissionRate: number,
  ) {
    this.cash = initialCash;
  }

  view(): PositionView {
    return { qty: this.qty, avgPrice: this.avgPrice, stopLoss: this.stopLoss, takeProfit: this.takeProfit };
  }

  equityAt(price: number): number {
    return this.cash + this.qty * price;
  }

  /** Buys (`direction` +1) or sells (−1) `qty` at `price`. Protective prices apply to the side being opened/extended. */
  fill(
    direction: 1 | -1,
    qty: number,
    price: number,
    time: number,
    reason: ExitReason,
    protect: { stopLoss?: number; takeProfit?: number } = {},
  ): void {
    const commission = Math.abs(qty * price) * this.commissionRate;
    this.cash -= commission + direction * qty * price;
    let remaining = qty;
    if (this.qty !== 0 && Math.sign(this.qty) !== direction) {
      const closeQty = Math.min(qty, Math.abs(this.qty));
      this.closePart(closeQty, price, time, reason, (commission * closeQty) / qty);
      remaining = qty - closeQty;
    }
    if (remaining <= 0) return;
    const opening = this.qty === 0;
    const held = Math.abs(this.qty);
    this.avgPrice = (held * this.avgPrice + remaining * price) / (held + remaining);
    this.qty += direction * remaining;
    this.entryCommission += (commission * remaining) / qty;
    if (opening) {
      this.entryTime = time;
      this.stopLoss = protect.stopLoss;
      this.takeProfit = protect.takeProfit;
    } else {
      if (protect.stopLoss !== undefined) this.stopLoss = protect.stopLoss;
      if (protect.takeProfit !== undefined) this.takeProfit = protect.takeProfit;
    }
  }

  private closePart(closeQty: number, price: number, time: number, reason: ExitReason, exitCommission: number): void {
    const held = Math.abs(this.qty);
    const sign = Math.sign(this.qty);
    const entryCommission = (this.entryCommission * closeQty) / held;
    const pnl = sign * (price - this.avgPrice) * closeQty - entryCommission - exitCommission;
    const side: Side = sign > 0 ? 'long' : 'short';
    this.trades.push({
      side,
      entry_time: this.entryTime,
      entry_price: this.avgPrice,
      exit_time: time,
      exit_price: price,
      qty: closeQty,
      pnl,
      pnl_pct: (pnl / (this.avgPrice * closeQty)) * 100,
      exit_reason: reason,
    });
    this.entryCommission -= entryCommission;
    this.qty -= sign * closeQty;
    if (closeQty >= held) {
      this.qty = 0;
      this.avgPrice = 0;
      this.entryCommission = 0;
      this.stopLoss = undefined;
      this.takeProfit = undefined;
    }
  }
}
