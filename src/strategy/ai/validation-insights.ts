/**
 * The parts of the validator's answer that the frontend shows next to the canonical strategy, derived from
 * it (Django's StrategyValidatorBot output): the steps as one line each, prioritized recommendations (as
 * text and as a list), the next actions, the pretty JSON, the metadata and the provenance of the input.
 * Pure: no Nest, no I/O; the time comes in as an argument.
 */
import { asText } from '../../common/text';
import type { CanonicalRule, CanonicalStrategy } from './canonical-strategy';
import type { ResolvedInputType } from './strategy-input';

/** Recommendations shown (Django's `max_count=5`). */
export const MAX_RECOMMENDATIONS = 5;
const SNIPPET_CHARS = 200;
export const NO_RECOMMENDATIONS = 'No specific recommendations at this time.';

export interface Recommendation {
  title: string;
  description: string;
  rationale: string;
  /** 1 = high, 2 = medium, 3 = low. */
  priority: 1 | 2 | 3;
  category: 'sizing' | 'risk' | 'parameters' | 'logic' | 'testing';
  test_params: Record<string, string>;
}

export interface ProvenanceSource {
  fetched_at: string;
  type: string;
  author: string;
  snippet: string;
  url?: string;
}

export interface ValidationInsights {
  canonicalized_steps: string[];
  recommendations: string;
  recommendations_list: Recommendation[];
  next_actions: string[];
  canonical_json_formatted: string | null;
  metadata: Record<string, unknown>;
  provenance: { sources: ProvenanceSource[] };
}

export interface InsightInput {
  /** The text the user sent (a URL for `input_type: url`). */
  text: string;
  inputType: ResolvedInputType;
  username: string;
  now: Date;
}

const present = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const ruleText = (r: CanonicalRule): string => `${r.description} ${r.condition ?? ''}`.toLowerCase();

/** One line per rule: "1. Entry 1 — ema_12 > ema_26 → enter" (Django's steps summary). */
export function stepsOf(c: CanonicalStrategy): string[] {
  const line = (r: CanonicalRule, n: number, kind: 'Entry' | 'Exit', i: number) =>
    `${n}. ${kind} ${i + 1}: ${r.description} — ${r.condition ?? r.description} → ${kind === 'Entry' ? 'enter' : 'exit'}`;
  const entries = c.entry_rules.map((r, i) => line(r, i + 1, 'Entry', i));
  const exits = c.exit_rules.map((r, i) => line(r, c.entry_rules.length + i + 1, 'Exit', i));
  return [...entries, ...exits];
}

/** Percent in a text such as "0.3% below entry", or null. */
function percentOf(text: string | null | undefined): number | null {
  const m = /(\d+(?:\.\d+)?)\s*%/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

/** Recommended bar size for the walk-forward test, by strategy type. */
function testFrequency(type: string): string {
  switch (type) {
    case 'scalping':
      return '1s-1m';
    case 'swing':
      return '5m-1h';
    case 'trend_following':
      return '1h-1d';
    default:
      return '5m-1h';
  }
}

/** The prioritized recommendations for a canonical strategy (every one, sorted by priority, stable). */
export function recommendationsOf(c: CanonicalStrategy): Recommendation[] {
  const out: Recommendation[] = [];
  const rm = c.risk_management;
  const rules = [...c.entry_rules, ...c.exit_rules];
  const mentions = (words: string[]) => rules.some((r) => words.some((w) => ruleText(r).includes(w)));

  if (!present(rm.position_sizing)) {
    out.push({
      title: 'Missing position size',
      description: 'Add position sizing rule',
      rationale: 'Without sizing, strategy cannot be executed',
      priority: 1,
      category: 'sizing',
      test_params: { percent_of_equity: '1-5%', risk_per_trade: '0.5-2%' },
    });
  }
  if (!present(rm.stop_loss) && !mentions(['stop loss', 'stop-loss', 'stop'])) {
    out.push({
      title: 'Add stop-loss rule',
      description: 'Define stop-loss for risk management',
      rationale: 'Stop-loss prevents unlimited losses',
      priority: 1,
      category: 'risk',
      test_params: { stop_loss_pct: '0.5-3%', atr_multiple: '1-3x ATR', fixed_pips: '5-20 pips' },
    });
  }
  if (!present(rm.take_profit) && !mentions(['take profit', 'take-profit', 'target', 'trailing'])) {
    out.push({
      title: 'Add take-profit rule',
      description: 'Define take-profit target or trailing stop',
      rationale: 'Locks in profits and improves risk/reward',
      priority: 2,
      category: 'risk',
      test_params: { take_profit_pct: '1-5%', risk_reward_ratio: '1.5-3.0', fixed_pips: '10-50 pips' },
    });
  }
  if (!/max(imum)?\b.*position|position.*limit|concurrent/i.test(asText(rm.position_sizing ?? ''))) {
    out.push({
      title: 'Add maximum position limit',
      description: 'Set max concurrent positions to control risk',
      rationale: 'Prevents over-concentration and correlation risk',
      priority: 2,
      category: 'risk',
      test_params: { max_positions: '1-5' },
    });
  }
  const tuned = c.indicators.filter((i) => i.params !== undefined && i.params !== null && i.params !== '');
  if (tuned.length > 0) {
    const names = [...new Set(tuned.map((i) => i.name))].slice(0, 3).join(', ');
    out.push({
      title: 'Define parameter ranges',
      description: `Add optimization ranges for: ${names}`,
      rationale: 'Parameter ranges enable systematic optimization',
      priority: 2,
      category: 'parameters',
      test_params: { method: 'grid_search or walk_forward', validation: 'out_of_sample' },
    });
  }
  const stop = percentOf(rm.stop_loss);
  if (stop !== null && stop < 0.5) {
    out.push({
      title: 'Review stop-loss tightness',
      description: `Stop-loss at ${stop}% may be too tight`,
      rationale: 'Very tight stops increase false exits due to noise',
      priority: 2,
      category: 'risk',
      test_params: { stop_loss_range: '0.5-3%', consider_volatility: 'ATR-based stops' },
    });
  }
  if (!mentions(['cooldown', 'wait', 'after', 'no position'])) {
    out.push({
      title: 'Add re-entry cooldown',
      description: 'Add cooldown period or re-entry condition to prevent overtrading',
      rationale: 'Prevents immediate re-entry after stop-out',
      priority: 2,
      category: 'logic',
      test_params: { cooldown_minutes: '1-60', cooldown_bars: '1-10' },
    });
  }
  out.push(
    {
      title: 'Model slippage and commissions',
      description: 'Include realistic transaction costs in backtests',
      rationale: 'Costs significantly impact profitability, especially with tight stops',
      priority: 1,
      category: 'testing',
      test_params: { slippage: '0.05-0.5% per trade', commission: '$0.005-$0.01 per share or 0.1% per trade' },
    },
    {
      title: 'Run walk-forward analysis',
      description: 'Backtest with walk-forward validation to assess robustness',
      rationale: 'Walk-forward prevents overfitting and validates out-of-sample performance',
      priority: 1,
      category: 'testing',
      test_params: {
        data_frequency: testFrequency(c.classification.type),
        in_sample_period: '12 months',
        out_sample_period: '3 months',
        min_trades: '>=100',
      },
    },
    {
      title: 'Parameter sensitivity analysis',
      description: 'Test parameter ranges to find robust settings',
      rationale: "Ensures strategy isn't over-optimized to specific parameter values",
      priority: 2,
      category: 'testing',
      test_params: { method: 'grid_search +/- 20% around defaults', metrics: 'Sharpe, max_drawdown, win_rate' },
    },
  );
  return out
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.priority - b.r.priority || a.i - b.i)
    .map(({ r }) => r);
}

/** Django's text form: "1. description\n   Why: rationale\n   Test: k: v, …", blank line between. */
export function formatRecommendations(recs: Recommendation[]): string {
  if (recs.length === 0) return NO_RECOMMENDATIONS;
  return recs
    .map((r, i) => {
      const test = Object.entries(r.test_params)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      return `${i + 1}. ${r.description}\n   Why: ${r.rationale}` + (test ? `\n   Test: ${test}` : '');
    })
    .join('\n\n');
}

/** What the user can do next (Django's `get_next_actions`). */
export function nextActionsOf(c: CanonicalStrategy | null, recommendationCount: number): string[] {
  if (!c || c.entry_rules.length + c.exit_rules.length === 0) return ['Provide strategy steps'];
  const actions: string[] = [];
  const hasParams = c.indicators.some((i) => i.params !== undefined && i.params !== null && i.params !== '');
  const hasRisk = c.exit_rules.length > 0 || present(c.risk_management.stop_loss) || present(c.risk_management.take_profit);
  if (hasParams && hasRisk) actions.push('Run quick backtest', 'Run parameter sweep');
  if (recommendationCount > 0) actions.push('Review recommendations');
  if (c.confidence === 'low') actions.push("Ask clarifying Q: 'What is your risk tolerance?'");
  actions.push('Approve -> Generate code');
  return actions;
}

/** Where the strategy came from: one source, the user's text or the page behind the URL. */
export function provenanceOf(input: InsightInput): { sources: ProvenanceSource[] } {
  const text = input.text.trim();
  const source: ProvenanceSource = {
    fetched_at: input.now.toISOString(),
    type: 'user_input',
    author: input.username,
    snippet: text.slice(0, SNIPPET_CHARS),
  };
  if (input.inputType === 'url') {
    source.url = text;
    source.type = sourceTypeOf(text);
  }
  return { sources: [source] };
}

/** The kind of page behind a URL (Django's provenance types). */
export function sourceTypeOf(url: string): string {
  let host = '';
  let path = '';
  try {
    const u = new URL(url);
    host = u.hostname.toLowerCase();
    path = u.pathname.toLowerCase();
  } catch {
    return 'other';
  }
  if (host.endsWith('youtube.com') || host === 'youtu.be') return 'youtube';
  if (host.endsWith('tiktok.com')) return 'tiktok';
  if (['twitter.com', 'x.com', 'facebook.com', 'linkedin.com'].some((d) => host === d || host.endsWith(`.${d}`))) return 'social_post';
  if (path.endsWith('.pdf')) return 'pdf';
  return 'web_article';
}

/** Every derived field; for a text that is not a strategy (`canonical` null) the empty forms. */
export function insightsOf(c: CanonicalStrategy | null, input: InsightInput): ValidationInsights {
  const all = c ? recommendationsOf(c) : [];
  const shown = all.slice(0, MAX_RECOMMENDATIONS);
  const created = input.now.toISOString();
  return {
    canonicalized_steps: c ? stepsOf(c) : [],
    recommendations: formatRecommendations(shown),
    recommendations_list: shown,
    next_actions: nextActionsOf(c, all.length),
    canonical_json_formatted: c ? JSON.stringify(c, null, 2) : null,
    metadata: {
      ...(c?.metadata ?? {}),
      created_at: created,
      created_by: `user:${input.username}`,
      last_updated: created,
      confidence: c?.confidence ?? 'low',
    },
    provenance: provenanceOf(input),
  };
}
