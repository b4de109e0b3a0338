/**
 * A canonical JSON strategy (as the strategy API produces it) as a runnable bot: the moving-average crossover
 * the Django adapter (Backtest/backtesting_adapter.py) made of it. The two moving averages come from
 * `indicators` (a list of `{name, params}` or a `{NAME: params}` object; names sma, ema, moving_average; period
 * from `params.period` / `params.timeperiod` / the first number of a params string; default 20), else from
 * `sma_20`-style names in the rules. Entry: the faster crosses above the slower; exit: it crosses below. Long
 * only. Pure: no I/O.
 */
import { DomainError, ErrorCode } from '../../common/domain-error';

export interface MovingAverage {
  kind: 'sma' | 'ema';
  period: number;
}

const MA_NAMES: Record<string, 'sma' | 'ema'> = { sma: 'sma', ema: 'ema', moving_average: 'sma', ma: 'sma' };

function periodOf(params: unknown): number {
  let raw: unknown;
  if (typeof params === 'number') raw = params;
  else if (typeof params === 'string') raw = /\d+/.exec(params)?.[0];
  else if (params && typeof params === 'object') {
    const p = params as Record<string, unknown>;
    raw = p.period ?? p.timeperiod ?? p.length;
  }
  const n = Number(raw ?? 20);
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 20;
}

function fromIndicators(indicators: unknown): MovingAverage[] {
  const entries: Array<[string, unknown]> = Array.isArray(indicators)
    ? indicators
        .filter((i): i is Record<string, unknown> => !!i && typeof i === 'object')
        .map((i) => [typeof i.name === 'string' ? i.name : '', i.params])
    : indicators && typeof indicators === 'object'
      ? Object.entries(indicators as Record<string, unknown>)
      : [];
  const out: MovingAverage[] = [];
  for (const [name, params] of entries) {
    const kind = MA_NAMES[name.trim().toLowerCase()];
    if (!kind) continue;
    const periods =
      params && typeof params === 'object' && Array.isArray((params as { periods?: unknown }).periods)
        ? (params as { periods: unknown[] }).periods
        : null;
    if (periods) for (const p of periods) out.push({ kind, period: periodOf(p) });
    else out.push({ kind, period: periodOf(params) });
  }
  return out;
}

function fromRules(c: Record<string, unknown>): MovingAverage[] {
  const text = JSON.stringify([c.entry_rules ?? [], c.exit_rules ?? []]).toLowerCase();
  return [...text.matchAll(/\b(sma|ema)[ _-]?(\d{1,4})\b/g)].map((m) => ({ kind: m[1] as 'sma' | 'ema', period: Number(m[2]) }));
}

/** The fast and slow moving averages of a canonical strategy, or a 400 saying what is missing. */
export function crossoverOf(canonical: Record<string, unknown>): { fast: MovingAverage; slow: MovingAverage } {
  const seen = new Map<string, MovingAverage>();
  for (const ma of [...fromIndicators(canonical.indicators), ...fromRules(canonical)]) seen.set(`${ma.kind}${ma.period}`, ma);
  const mas = [...seen.values()].sort((a, b) => a.period - b.period);
  if (mas.length < 2 || mas[0].period === mas[mas.length - 1].period) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: strategy_code', {
      strategy_code: ['a canonical JSON strategy needs two moving averages of different periods (SMA/EMA) to backtest as a crossover'],
    });
  }
  return { fast: mas[0], slow: mas[mas.length - 1] };
}

/** The bot source for a canonical strategy (docs/bot-sdk.md). */
export function canonicalBot(canonical: Record<string, unknown>): string {
  const { fast, slow } = crossoverOf(canonical);
  const name = JSON.stringify((typeof canonical.title === 'string' ? canonical.title : 'Canonical strategy').slice(0, 100));
  return `module.exports = {
  name: ${name},
  params: { fast: ${fast.period}, slow: ${slow.period} },
  onBar(bar, ctx) {
    const fast = ctx.indicators.${fast.kind}({ period: ctx.params.fast });
    const slow = ctx.indicators.${slow.kind}({ period: ctx.params.slow });
    const fastBefore = ctx.indicators.${fast.kind}({ period: ctx.params.fast, ago: 1 });
    const slowBefore = ctx.indicators.${slow.kind}({ period: ctx.params.slow, ago: 1 });
    if (fast === null || slow === null || fastBefore === null || slowBefore === null) return;
    if (fastBefore <= slowBefore && fast > slow && ctx.position.qty === 0) ctx.buy();
    else if (fastBefore >= slowBefore && fast < slow && ctx.position.qty > 0) ctx.close();
  },
};
`;
}

/** A JSON object text (canonical strategy), or null for anything else (a bot, prose). */
export function parseCanonical(code: string): Record<string, unknown> | null {
  const text = code.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
