import type { CanonicalStrategy } from './canonical-strategy';
import {
  formatRecommendations,
  insightsOf,
  MAX_RECOMMENDATIONS,
  NO_RECOMMENDATIONS,
  nextActionsOf,
  recommendationsOf,
  sourceTypeOf,
  stepsOf,
} from './validation-insights';

const NOW = new Date('2026-11-25T09:30:00.000Z');

function strategy(over: Partial<CanonicalStrategy> = {}): CanonicalStrategy {
  return {
    title: 'EMA Crossover BTC',
    description: 'Trend following on daily BTC-USD bars.',
    classification: { type: 'trend_following', risk_tier: 'medium', primary_instruments: ['BTC-USD'] },
    entry_rules: [{ id: 'entry_1', description: 'Buy when EMA 12 crosses above EMA 26', condition: 'ema_12 > ema_26' }],
    exit_rules: [{ description: 'Sell when EMA 12 crosses below EMA 26' }],
    risk_management: { stop_loss: '2% below entry', take_profit: '4% above entry', position_sizing: null },
    indicators: [{ name: 'EMA', params: 'period=12' }, { name: 'EMA', params: 'period=26' }, { name: 'Volume' }],
    metadata: { timeframe: '1d', expected_return: 12.5 },
    confidence: 'high',
    warnings: [],
    ...over,
  };
}

describe('validation insights', () => {
  it('lists entries then exits, one numbered line each, with the condition or the description', () => {
    expect(stepsOf(strategy())).toEqual([
      '1. Entry 1: Buy when EMA 12 crosses above EMA 26 — ema_12 > ema_26 → enter',
      '2. Exit 1: Sell when EMA 12 crosses below EMA 26 — Sell when EMA 12 crosses below EMA 26 → exit',
    ]);
  });

  it('recommends sizing when none is given, and no stop/take-profit when both are given', () => {
    const titles = recommendationsOf(strategy()).map((r) => r.title);
    expect(titles).toContain('Missing position size');
    expect(titles).not.toContain('Add stop-loss rule');
    expect(titles).not.toContain('Add take-profit rule');
    expect(titles).toContain('Define parameter ranges');
    expect(recommendationsOf(strategy()).find((r) => r.title === 'Define parameter ranges')!.description).toBe(
      'Add optimization ranges for: EMA',
    );
  });

  it('asks for a stop loss and a take profit when the strategy has neither, and flags a very tight stop', () => {
    const none = recommendationsOf(strategy({ risk_management: { position_sizing: 'risk 1% per trade' } })).map((r) => r.title);
    expect(none).toEqual(expect.arrayContaining(['Add stop-loss rule', 'Add take-profit rule']));
    expect(none).not.toContain('Missing position size');
    const tight = recommendationsOf(strategy({ risk_management: { stop_loss: '0.2% below entry', take_profit: '1%' } }));
    expect(tight.find((r) => r.title === 'Review stop-loss tightness')!.description).toBe('Stop-loss at 0.2% may be too tight');
  });

  it('sorts by priority, keeping the order within a priority', () => {
    const recs = recommendationsOf(strategy());
    const priorities = recs.map((r) => r.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    expect(recs.filter((r) => r.priority === 1).map((r) => r.title)).toEqual([
      'Missing position size',
      'Model slippage and commissions',
      'Run walk-forward analysis',
    ]);
    expect(recs.find((r) => r.title === 'Run walk-forward analysis')!.test_params.data_frequency).toBe('1h-1d');
  });

  it('formats recommendations as Django did, and says so when there are none', () => {
    const text = formatRecommendations(recommendationsOf(strategy()).slice(0, 2));
    expect(text).toBe(
      '1. Add position sizing rule\n   Why: Without sizing, strategy cannot be executed\n   Test: percent_of_equity: 1-5%, risk_per_trade: 0.5-2%\n\n' +
        '2. Include realistic transaction costs in backtests\n   Why: Costs significantly impact profitability, especially with tight stops\n' +
        '   Test: slippage: 0.05-0.5% per trade, commission: $0.005-$0.01 per share or 0.1% per trade',
    );
    expect(formatRecommendations([])).toBe(NO_RECOMMENDATIONS);
  });

  it('offers backtests when there are parameters and exits, and clarification when confidence is low', () => {
    expect(nextActionsOf(strategy(), 3)).toEqual([
      'Run quick backtest',
      'Run parameter sweep',
      'Review recommendations',
      'Approve -> Generate code',
    ]);
    expect(nextActionsOf(strategy({ indicators: [], confidence: 'low' }), 0)).toEqual([
      "Ask clarifying Q: 'What is your risk tolerance?'",
      'Approve -> Generate code',
    ]);
    expect(nextActionsOf(null, 0)).toEqual(['Provide strategy steps']);
  });

  it('derives every field, limits the list to five and records where the text came from', () => {
    const c = strategy();
    const i = insightsOf(c, { text: '  Buy BTC on EMA cross  ', inputType: 'freetext', username: 'alice', now: NOW });
    expect(i.recommendations_list).toHaveLength(MAX_RECOMMENDATIONS);
    expect(i.recommendations).toBe(formatRecommendations(i.recommendations_list));
    expect(JSON.parse(i.canonical_json_formatted!)).toEqual(c);
    expect(i.canonical_json_formatted).toContain('\n  "title": "EMA Crossover BTC"');
    expect(i.metadata).toEqual({
      timeframe: '1d',
      expected_return: 12.5,
      created_at: NOW.toISOString(),
      created_by: 'user:alice',
      last_updated: NOW.toISOString(),
      confidence: 'high',
    });
    expect(i.provenance).toEqual({
      sources: [{ fetched_at: NOW.toISOString(), type: 'user_input', author: 'alice', snippet: 'Buy BTC on EMA cross' }],
    });
  });

  it('gives the empty forms for a text that is not a strategy, and the page kind for a URL', () => {
    const url = 'https://www.youtube.com/watch?v=abc';
    const i = insightsOf(null, { text: url, inputType: 'url', username: 'bob', now: NOW });
    expect(i.canonicalized_steps).toEqual([]);
    expect(i.recommendations_list).toEqual([]);
    expect(i.recommendations).toBe(NO_RECOMMENDATIONS);
    expect(i.next_actions).toEqual(['Provide strategy steps']);
    expect(i.canonical_json_formatted).toBeNull();
    expect(i.provenance.sources[0]).toEqual({ fetched_at: NOW.toISOString(), type: 'youtube', author: 'bob', snippet: url, url });
    expect(sourceTypeOf('https://x.com/someone/status/1')).toBe('social_post');
    expect(sourceTypeOf('https://example.com/paper.PDF')).toBe('pdf');
    expect(sourceTypeOf('https://example.com/blog')).toBe('web_article');
    expect(sourceTypeOf('not a url')).toBe('other');
  });
});
