/** What the generate_with_auto_fix job tests share: the request, the body Django answers, a held Gemini call. */
import { join } from 'node:path';
import type { FakeGemini, LoggedRequest } from '../fakes/fake-gemini';
import { BROKEN_BOT } from '../bots/bot-fixtures';
import { until } from './job-test-env';

export const AUTO_FIX = '/api/strategies/api/generate_with_auto_fix/';

export const CANONICAL = {
  title: 'SMA Crossover',
  description: 'Trend following on daily bars',
  classification: { type: 'trend_following', risk_tier: 'medium', primary_instruments: ['AAPL'] },
  entry_rules: [{ id: 'e1', description: 'Buy when SMA(5) crosses above SMA(20)' }],
  exit_rules: [{ id: 'x1', description: 'Sell when SMA(5) crosses below SMA(20)' }],
  risk_management: { stop_loss: '5%' },
  indicators: [
    { name: 'sma', params: { period: 5 } },
    { name: 'sma', params: { period: 20 } },
  ],
  metadata: { timeframe: '1d' },
};

/** The body for a broken first bot that one fix repairs (fake Gemini: BROKEN_BOT, then SMA_CROSS_BOT), saved as `<stem>.js`. */
export function autoFixBody(botsDir: string, stem: string) {
  return {
    success: true,
    strategy_code: BROKEN_BOT,
    file_path: join(botsDir, `${stem}.js`),
    file_name: `${stem}.js`,
    json_file_path: join(botsDir, `${stem}.json`),
    strategy_id: null,
    message: 'Bot generated and validated',
    validation_passed: true,
    fix_attempts: 1,
    fix_history: [
      {
        attempt: 1,
        error_type: 'reference',
        success: true,
        error_message: expect.stringMatching(/smaFast is not defined/),
        timestamp: expect.any(String),
      },
    ],
  };
}

/**
 * Waits for the next generation request after the first `since` logged ones to reach the fake and be held
 * there (script 'hang': it is never answered; only the client can close it).
 */
export function heldGeneration(fake: FakeGemini, since: number, what: string): Promise<LoggedRequest> {
  return until(
    async () => fake.requests.slice(since).find((r) => r.endpoint === 'generateContent' && r.status === null && !r.abandoned),
    `the generation of "${what}" to reach the fake Gemini`,
    30_000,
  );
}
