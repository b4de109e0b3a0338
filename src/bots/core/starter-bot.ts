/**
 * The bot `generate_code/` answers with `use_gemini: false` (Django's generator had a template path too): a
 * moving-average crossover on the bot SDK, parameterised by `fast`/`slow` when given. Pure.
 */
const positiveInt = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 500 ? v : fallback;

export function starterBot(name: string, description: string, parameters: Record<string, unknown>): string {
  const fast = positiveInt(parameters.fast, 10);
  const slow = Math.max(positiveInt(parameters.slow, 30), fast + 1);
  const comment = `${name}: ${description}`.replace(/\*\//g, '* /').replace(/\s+/g, ' ').slice(0, 300);
  return `/* ${comment}
 * Template bot (generated without Gemini): buy when the fast SMA crosses above the slow one, close on the cross back. */
module.exports = {
  name: ${JSON.stringify(name)},
  params: { fast: ${fast}, slow: ${slow} },
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
}
