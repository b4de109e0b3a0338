/** Bots and bars shared by the bot tests. */
import { Bar } from '../../src/backtest/engine/types';
import type { FakeRequest } from '../fakes/fake-gemini';

/** A deterministic wavy price series (no randomness), one bar per day from 2020-01-01. */
export function syntheticBars(count: number): Bar[] {
  const day = 86_400_000;
  const start = Date.UTC(2020, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const close = 100 + 10 * Math.sin(i / 8) + i * 0.05;
    const open = 100 + 10 * Math.sin((i - 0.5) / 8) + i * 0.05;
    return { time: start + i * day, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.5, close, volume: 1000 + i };
  });
}

export const SMA_CROSS_BOT = `
module.exports = {
  name: 'SMA cross',
  params: { fast: 5, slow: 20 },
  onBar(bar, ctx) {
    const fast = ctx.indicators.sma({ period: ctx.params.fast });
    const slow = ctx.indicators.sma({ period: ctx.params.slow });
    const fastBefore = ctx.indicators.sma({ period: ctx.params.fast, ago: 1 });
    const slowBefore = ctx.indicators.sma({ period: ctx.params.slow, ago: 1 });
    if (fast === null || slow === null || fastBefore === null || slowBefore === null) return;
    if (fastBefore <= slowBefore && fast > slow && ctx.position.qty === 0) ctx.buy();
    else if (fastBefore >= slowBefore && fast < slow && ctx.position.qty > 0) ctx.close();
  },
};
`;

/** A bot whose first run fails (`smaFast` is not defined): the fix loop's starting point. */
export const BROKEN_BOT = `module.exports = {
  name: 'SMA cross',
  params: { fast: 5, slow: 20 },
  onBar(bar, ctx) {
    const slow = ctx.indicators.sma({ period: ctx.params.slow });
    if (slow !== null && smaFast > slow) ctx.buy();
  },
};`;

/** A Gemini reply carrying `code` in a fenced block, as the generator and the fixer expect. */
export const fenced = (code: string) => `Here is the bot:\n\n\`\`\`javascript\n${code}\n\`\`\`\n`;
export const isFixPrompt = (req: FakeRequest) => JSON.stringify(req.contents).includes('TASK: Fix the trading bot');
