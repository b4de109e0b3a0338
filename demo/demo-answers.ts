/**
 * What the demo's fake Gemini answers besides its echo, so the bot and strategy endpoints can be tried by
 * hand: a canonical strategy for structured-JSON requests (AI validation) and a working SMA-cross bot for
 * bot generation and fix prompts. Everything else is echoed.
 */
import type { FakeRequest } from '../test/fakes/fake-gemini';
import { SMA_CROSS_BOT } from '../test/bots/bot-fixtures';

const CANONICAL_ANSWER = {
  is_strategy: true,
  title: 'SMA Crossover (demo)',
  description: 'Buy when the 5-day SMA crosses above the 20-day SMA; sell on the cross back. (A canned demo answer.)',
  classification: { type: 'trend_following', risk_tier: 'medium', primary_instruments: ['AAPL'] },
  entry_rules: [{ id: 'entry_1', description: 'Buy when SMA 5 crosses above SMA 20', condition: 'sma_5 > sma_20' }],
  exit_rules: [{ id: 'exit_1', description: 'Sell when SMA 5 crosses below SMA 20', condition: 'sma_5 < sma_20' }],
  risk_management: { stop_loss: '5% below entry', take_profit: null, position_sizing: 'all-in' },
  indicators: [
    { name: 'SMA', params: 'period=5' },
    { name: 'SMA', params: 'period=20' },
  ],
  metadata: { timeframe: '1d', expected_return: 10, max_drawdown: 15 },
  confidence: 'medium',
  warnings: ['Demo answer: the fake Gemini returns the same strategy for any text'],
};

export function demoAnswer(req: FakeRequest): string | undefined {
  if (req.generationConfig?.responseMimeType === 'application/json') return JSON.stringify(CANONICAL_ANSWER);
  if (JSON.stringify(req.systemInstruction ?? '').includes('BOT SDK CONTRACT')) return `\`\`\`javascript\n${SMA_CROSS_BOT}\n\`\`\``;
  return undefined;
}
