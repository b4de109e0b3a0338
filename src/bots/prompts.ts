/**
 * The prompts of the bot generator and the error fixer (pure text builders). The SDK contract here is the
 * short form of docs/bot-sdk.md; keep the two in step.
 */
import { formatIndicatorsForPrompt } from './sdk/indicators';
import type { BotErrorType } from './core/error-classifier';

export const SDK_CONTRACT = `BOT SDK CONTRACT (JavaScript, evaluated in a sandbox)
A bot is one CommonJS-style module:
  module.exports = {
    name: 'Readable name',
    params: { /* defaults, readable as ctx.params */ },
    init(ctx) { /* optional, once before the first bar */ },
    onBar(bar, ctx) { /* required, once per bar, oldest first */ },
  };
bar = { time (epoch ms), open, high, low, close, volume }
ctx.buy(arg?) / ctx.sell(arg?): market order filled at the NEXT bar's open. arg = a quantity or
  { qty?, stopLoss?, takeProfit? } (absolute prices, finite and > 0). Without qty: buy when flat = all-in,
  buy when short = cover, sell when long = sell all, sell when flat = all-in short, sell when short = ignored.
ctx.close(): flatten the position at the next open.
ctx.position = { qty (negative = short, 0 = flat), avgPrice, stopLoss?, takeProfit? }; ctx.cash; ctx.equity;
ctx.bars (bars so far, current last); ctx.index (current bar index); ctx.params; ctx.log(...values).
ctx.indicators.<name>({ ...params, ago }) = the indicator's value at the current bar (ago = bars back,
  default 0), or null while it warms up. ALWAYS check for null before comparing.
console.log is the same as ctx.log.
FORBIDDEN (the sandbox refuses them): require, import, process, eval, Function, globalThis tricks,
  .constructor, timers, fetch or any network/file access, ArrayBuffer/typed arrays. Use only the SDK.
Engine: cash 10000, commission 0.2 % per fill, orders from the last bar are cancelled; open positions are
  marked to market at the end. Metrics: return_pct, num_trades, win_rate, sharpe_ratio, max_drawdown.`;

export function generationSystemInstruction(): string {
  return [
    'You write trading bots as JavaScript modules for the bot SDK below. Answer with ONE ```javascript code block',
    'holding the complete module and nothing else of substance. Use plain ASCII in strings and comments.',
    '',
    SDK_CONTRACT,
    '',
    'INDICATORS (ctx.indicators.<name>)',
    formatIndicatorsForPrompt(),
  ].join('\n');
}

export interface GenerationInput {
  description: string;
  name: string;
  params?: Record<string, unknown>;
}

export function generationPrompt(input: GenerationInput): string {
  const lines = ['Generate a complete, runnable trading bot.', `Name: ${input.name}`, 'Description:', input.description.trim()];
  if (input.params && Object.keys(input.params).length > 0)
    lines.push(`Parameters (use as params defaults): ${JSON.stringify(input.params)}`);
  lines.push(
    '',
    'Requirements:',
    '1. module.exports = { name, params, init?, onBar } exactly as in the SDK contract.',
    '2. Work for any symbol; read prices only from bar, ctx.bars and ctx.indicators.',
    '3. Check indicator values for null before using them; never place orders with NaN or non-positive prices.',
    '4. Keep it deterministic (no Math.random, no Date.now).',
  );
  return lines.join('\n');
}

export interface FixInput {
  name: string;
  errorType: BotErrorType;
  hint: string;
  /** The last lines of the failing run's error and output. */
  errorTail: string;
  code: string;
  /** The most relevant fix learned from an earlier, similar error, if any. */
  pastFix: { errorMessage: string; fixExcerpt: string } | null;
  attempt: number;
}

export function fixPrompt(input: FixInput): string {
  const parts = [
    'TASK: Fix the trading bot below. It failed when run in the sandbox.',
    `BOT: ${input.name}   ATTEMPT: ${input.attempt}`,
    `ERROR TYPE: ${input.errorType} (${input.hint})`,
    'ERROR (last lines of output):',
    '```',
    input.errorTail,
    '```',
  ];
  if (input.pastFix) {
    parts.push(
      'A SIMILAR ERROR WAS FIXED BEFORE:',
      `error: ${input.pastFix.errorMessage}`,
      'the change that fixed it:',
      '```',
      input.pastFix.fixExcerpt,
      '```',
    );
  }
  parts.push(
    'CODE:',
    '```javascript',
    input.code,
    '```',
    '',
    'Return the COMPLETE corrected module in one ```javascript block. Keep the strategy logic; change only',
    'what is needed to fix the error and to follow the SDK contract.',
  );
  return parts.join('\n');
}
