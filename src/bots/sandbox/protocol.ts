/** Messages between the server and a sandboxed bot process (JSON over the fork IPC channel). */
import type { BacktestResult, Bar, EngineOptions } from '../../backtest/engine/types';
import type { BotErrorType } from '../core/error-classifier';

export interface RunRequest {
  type: 'run';
  code: string;
  bars: Bar[];
  options?: Partial<EngineOptions>;
  /** Overrides of the bot's own `params` defaults. */
  params?: Record<string, unknown>;
  /** Bytes of ctx.log / console output the bot may produce. */
  outputCapBytes: number;
}

/** What the process used for the run, by its own count (`process.resourceUsage()`): peak RSS and CPU time. */
export interface ReplyUsage {
  maxRssKb: number;
  cpuMicros: number;
}

export type RunReply =
  | { type: 'done'; result: BacktestResult; usage?: ReplyUsage }
  | { type: 'failed'; errorType: BotErrorType; message: string; logs: string[]; usage?: ReplyUsage };
