/** Helpers shared by the backtests tests. */
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bearer, Registered } from '../support/auth';

export const BASE = '/api/backtests';

/** A bot that burns CPU on every bar, so a run over a few symbols lasts seconds (for cancellation). */
export const SLOW_BOT =
  'module.exports = { onBar(bar, ctx) { let x = 0; for (let i = 0; i < 300000; i++) x += i % 7; if (x < 0) ctx.buy(); } };';
/** Never returns from its first bar: a run of it lasts until it is stopped (or BOT_TIMEOUT_MS). */
export const HANG_BOT = 'module.exports = { onBar() { for (;;) {} } };';
export const IDLE_BOT = 'module.exports = { onBar() {} };';
/** Throws on bars closing above 150, so it fails on some symbols and runs on others. */
export const PICKY_BOT = `module.exports = { onBar(bar, ctx) {
  if (bar.close > 150) throw new Error('price too high for this bot');
  const f = ctx.indicators.sma({ period: 5 }), s = ctx.indicators.sma({ period: 20 });
  if (f === null || s === null) return;
  if (f > s && ctx.position.qty === 0) ctx.buy(); else if (f < s && ctx.position.qty > 0) ctx.close();
} };`;

export const CANONICAL = JSON.stringify({
  title: 'EMA 8/21 cross',
  description: 'Buy when EMA 8 crosses above EMA 21, sell when it crosses below',
  entry_rules: [{ description: 'EMA 8 crosses above EMA 21', condition: 'ema_8 > ema_21' }],
  exit_rules: [{ description: 'EMA 8 crosses below EMA 21', condition: 'ema_8 < ema_21' }],
  indicators: [
    { name: 'EMA', params: { period: 8 } },
    { name: 'EMA', params: { period: 21 } },
  ],
});

/** Polls the run until `done(body)` holds (a bounded number of times, never a timed assertion). */
export async function pollRun(
  app: NestExpressApplication,
  who: Registered,
  runId: string,
  done: (body: any) => boolean,
  tries = 400,
): Promise<{ body: any; seen: string[] }> {
  const seen: string[] = [];
  for (let i = 0; i < tries; i++) {
    const res = await request(app.getHttpServer()).get(`${BASE}/runs/${runId}/`).set(bearer(who.access)).expect(200);
    if (seen[seen.length - 1] !== res.body.status) seen.push(res.body.status);
    if (done(res.body)) return { body: res.body, seen };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} never reached the expected state (seen ${seen.join(' → ')})`);
}

export const terminal = (b: { status: string }) => ['completed', 'failed', 'cancelled'].includes(b.status);
