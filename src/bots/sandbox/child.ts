/**
 * Entry point of a sandboxed bot process (bundled into one file by bundle.ts, started by SandboxRunner).
 * Started with an empty environment, Node's permission model (read access to this one file only; no child
 * processes, workers or writes), --disallow-code-generation-from-strings and a small heap. Waits for one
 * RunRequest over IPC, answers with one RunReply, exits.
 */
import Module from 'node:module';
import { describeError, runBot } from './bot-host';
import { classifyBotError } from '../core/error-classifier';
import type { RunReply, RunRequest } from './protocol';

// Everything this process needs is bundled and already loaded: refuse any later module load.
(Module as unknown as { _load: () => never })._load = () => {
  throw new Error('ERR_ACCESS_DENIED: module loading is disabled in the bot sandbox');
};

/** CPU time at the start of the run (a warm process has already used some on its warm-up). */
let cpuAtStart = 0;

function cpuMicros(): number {
  const u = process.resourceUsage();
  return u.userCPUTime + u.systemCPUTime;
}

function reply(message: RunReply): void {
  message.usage = { maxRssKb: process.resourceUsage().maxRSS, cpuMicros: cpuMicros() - cpuAtStart };
  process.send!(message, () => process.exit(0));
}

// Promises the bot leaves behind (e.g. a refused `import()`) must not crash the process before it answers;
// the first one rejected is reported as the run's error.
const rejections: string[] = [];
process.on('unhandledRejection', (reason) => {
  rejections.push(describeError(reason));
});

process.once('message', (message: RunRequest) => {
  cpuAtStart = cpuMicros();
  if (!message || message.type !== 'run') {
    reply({ type: 'failed', errorType: 'unknown', message: 'sandbox received an unexpected message', logs: [] });
    return;
  }
  const outcome = runBot(message);
  // Let the bot's pending promise callbacks settle before judging the run.
  setImmediate(() => {
    if (outcome.ok && rejections.length > 0) {
      const first = `unhandled promise rejection: ${rejections[0]}`;
      reply({ type: 'failed', errorType: classifyBotError(first), message: first, logs: outcome.result.logs });
    } else {
      reply(
        outcome.ok
          ? { type: 'done', result: outcome.result }
          : { type: 'failed', errorType: outcome.errorType, message: outcome.message, logs: outcome.logs },
      );
    }
  });
});

process.on('disconnect', () => process.exit(0));

// A process started ahead of its run (a warm spare) first runs a throwaway backtest, so the engine, the
// indicators and the realm bridge are compiled before the real bot arrives. Its own vm context and caches
// are discarded; nothing of it reaches the real run.
if (process.argv.includes('--warm-up')) warmUp();

function warmUp(): void {
  const day = 86_400_000;
  const bars = Array.from({ length: 400 }, (_, i) => {
    const close = 100 + 10 * Math.sin(i / 9);
    const open = 100 + 10 * Math.sin((i - 0.5) / 9);
    return { time: day * (i + 1), open, high: Math.max(open, close) + 1, low: Math.min(open, close) - 1, close, volume: 1000 };
  });
  const code = `module.exports = { onBar(bar, ctx) {
    const a = ctx.indicators.sma({ period: 5 }), b = ctx.indicators.sma({ period: 20 }), c = ctx.indicators.sma({ period: 5, ago: 1 });
    if (a === null || b === null || c === null) return;
    if (a > b && ctx.position.qty === 0) ctx.buy(); else if (a < b && ctx.position.qty > 0) ctx.close();
  } };`;
  for (let i = 0; i < 3; i++) runBot({ code, bars, outputCapBytes: 1 << 16 });
}
