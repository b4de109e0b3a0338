/**
 * Entry point of a sandboxed bot process (bundled into one file by bundle.ts, started by SandboxRunner).
 * Started with an empty environment, Node's permission model (read access to this one file only; no child
 * processes, workers or writes), --disallow-code-generation-from-strings and a small heap. Waits for one
 * RunRequest over IPC, answers with one RunReply, exits.
 */
import Module = require('node:module');
import { describeError, runBot } from './bot-host';
import { classifyBotError } from '../core/error-classifier';
import type { RunReply, RunRequest } from './protocol';

// Everything this process needs is bundled and already loaded: refuse any later module load.
(Module as unknown as { _load: () => never })._load = () => {
  throw new Error('ERR_ACCESS_DENIED: module loading is disabled in the bot sandbox');
};

function reply(message: RunReply): void {
  process.send!(message, () => process.exit(0));
}

// Promises the bot leaves behind (e.g. a refused `import()`) must not crash the process before it answers;
// the first one rejected is reported as the run's error.
const rejections: string[] = [];
process.on('unhandledRejection', (reason) => {
  rejections.push(describeError(reason));
});

process.once('message', (message: RunRequest) => {
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
      reply(outcome.ok ? { type: 'done', result: outcome.result } : { type: 'failed', errorType: outcome.errorType, message: outcome.message, logs: outcome.logs });
    }
  });
});

process.on('disconnect', () => process.exit(0));
