/**
 * How sandbox runs are executed: a tiny local port, so the job system (src/jobs, built separately) can take
 * over at merge by providing `SandboxDispatcher` with an implementation that enqueues the command and calls
 * `SandboxRunHandler.handle` in a worker. The command is plain JSON (no functions, no bars), so it can be
 * queued as it is; the handler persists everything itself, so a run's answer is also readable afterwards
 * from `production_sandbox_runs` (`backtests/{id}/status/`).
 */
import { randomUUID } from 'node:crypto';
import { AppLogger } from '../logging/app-logger';
import type { MarketDataRequest } from '../market-data/market-data.port';
import type { Actor } from './lifecycle.service';
import type { SandboxRunKind } from './sandbox-runs.repository';

export interface SandboxRunCommand {
  kind: SandboxRunKind;
  /** The `production_sandbox_runs` row created (queued) before dispatch. */
  runId: number;
  strategyId: number;
  actor: Actor;
  /** The exact code to run, frozen at dispatch (its hash is on the run row). */
  code: string;
  codeHash: string;
  strategyVersion: number | null;
  /** One run per market (a test has one). */
  markets: MarketDataRequest[];
  /** Bars kept: `time` within [from, to] (ms), when given. */
  range?: { from?: number; to?: number };
  engine?: { initialCash?: number; commissionRate?: number; slippageRate?: number };
  limits: { timeoutMs: number; memoryMb: number };
}

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(pct: number, info?: object): Promise<void>;
}

/** The answer body of a finished run (what the endpoint returns and the run row keeps in `result`). */
export type SandboxRunAnswer = Record<string, unknown> & { success: boolean };

export abstract class SandboxDispatcher {
  /** Runs the command and resolves with its answer; `signal` stops it early (the run is then recorded cancelled). */
  abstract dispatch(command: SandboxRunCommand, signal?: AbortSignal): Promise<SandboxRunAnswer>;
}

export type SandboxHandlerFn = (command: SandboxRunCommand, ctx: JobContext) => Promise<SandboxRunAnswer>;

/** In this process, right away (one replica; the sandbox runner's own queue limits concurrency). */
export class InProcessSandboxDispatcher extends SandboxDispatcher {
  private readonly logger = new AppLogger('SandboxDispatcher');

  constructor(private readonly handler: SandboxHandlerFn) {
    super();
  }

  dispatch(command: SandboxRunCommand, signal?: AbortSignal): Promise<SandboxRunAnswer> {
    const jobId = `sandbox-${command.runId}-${randomUUID().slice(0, 8)}`;
    const progress = async (pct: number, info?: object) => this.logger.debug('sandbox run progress', { jobId, pct, ...(info ?? {}) });
    return this.handler(command, { jobId, signal: signal ?? new AbortController().signal, progress });
  }
}
