/**
 * Runs bots in throwaway child processes (see child.ts) with a concurrency limit and a waiting line.
 * Whatever the bot does, `run` resolves with a classified outcome; the server process is never at risk.
 */
import { ChildProcess, fork } from 'node:child_process';
import { dirname } from 'node:path';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { Bar, EngineOptions } from '../../backtest/engine/types';
import { RateLimitedError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { BotErrorType, classifyBotError } from '../core/error-classifier';
import type { BotRunOutcome } from './bot-host';
import { sandboxBundlePath } from './bundle';
import { measure, ProcessUsage } from './process-usage';
import type { RunReply, RunRequest } from './protocol';
import { QueueFullError, RunQueue } from './run-queue';

export interface SandboxJob {
  code: string;
  bars: Bar[];
  options?: Partial<EngineOptions>;
  params?: Record<string, unknown>;
  /** Tighter limits for this run; each is capped at the configured one (BOT_TIMEOUT_MS, BOT_MEMORY_MB). */
  limits?: { timeoutMs?: number; memoryMb?: number };
}

export interface SandboxHooks {
  /** Called with the 1-based place in line while the run waits for a slot. */
  onQueued?: (position: number) => void;
  onStarted?: () => void;
  /** Aborting stops the run (its process is killed); the outcome then says `cancelled`. */
  signal?: AbortSignal;
}

/** How the sandbox process ended, and what it used. */
export interface SandboxProcessReport {
  /**
   * 0 = the bot ran to the end, 1 = the bot failed and the sandbox reported why; otherwise the process's own
   * exit code, or null when it was stopped by a signal (`signal`).
   */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  usage: ProcessUsage;
  /** The limits the run had. */
  limits: { timeoutMs: number; memoryMb: number; outputCapBytes: number };
}

/** `process` is always set by `SandboxRunner.run`; outcomes made up elsewhere (a static-check failure) have none. */
export type SandboxOutcome = BotRunOutcome & { durationMs: number; process?: SandboxProcessReport };

type StopReason = 'timeout' | 'output' | 'cancelled';

const STDERR_TAIL_BYTES = 16 * 1024;

@Injectable()
export class SandboxRunner implements OnModuleInit, OnModuleDestroy {
  private readonly queue: RunQueue;
  private readonly children = new Set<ChildProcess>();
  private readonly spares: ChildProcess[] = [];
  private destroyed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.queue = new RunQueue(config.bots.maxConcurrent, config.bots.queueMax);
  }

  /** Builds the sandbox bundle in the background at boot, so the first run does not wait for esbuild. */
  onModuleInit(): void {
    sandboxBundlePath().catch((error: unknown) =>
      new AppLogger('Sandbox').error('could not build the bot sandbox bundle; bot runs will retry', { err: error }),
    );
  }

  get stats(): { running: number; waiting: number; warm: number } {
    return { running: this.queue.running, waiting: this.queue.waiting, warm: this.spares.length };
  }

  async run(job: SandboxJob, hooks: SandboxHooks = {}): Promise<SandboxOutcome> {
    const bundle = await sandboxBundlePath();
    let release: () => void;
    try {
      release = await this.queue.acquire((position) => {
        this.metrics.botQueue.set(this.queue.waiting);
        hooks.onQueued?.(position);
      });
    } catch (error) {
      if (error instanceof QueueFullError) {
        throw new RateLimitedError('bot_queue', 'Too many bot runs are waiting; try again shortly', { waiting: error.waiting }, 5);
      }
      throw error;
    }
    this.metrics.botQueue.set(this.queue.waiting);
    const limits = this.limitsOf(job);
    if (hooks.signal?.aborted) {
      release();
      return { ...cancelledOutcome(), durationMs: 0, process: { ...NO_PROCESS, cancelled: true, limits } };
    }
    hooks.onStarted?.();
    const started = performance.now();
    try {
      const { outcome, process } = await this.runInChild(bundle, job, limits, hooks.signal);
      this.metrics.botRuns.inc({ outcome: outcome.ok ? 'ok' : outcome.errorType });
      return { ...outcome, durationMs: performance.now() - started, process };
    } finally {
      this.metrics.botRunSeconds.observe((performance.now() - started) / 1000);
      release();
    }
  }

  private limitsOf(job: SandboxJob): SandboxProcessReport['limits'] {
    const { timeoutMs, memoryMb, outputCapBytes } = this.config.bots;
    const within = (asked: number | undefined, max: number) => (asked !== undefined && asked > 0 ? Math.min(Math.floor(asked), max) : max);
    return { timeoutMs: within(job.limits?.timeoutMs, timeoutMs), memoryMb: within(job.limits?.memoryMb, memoryMb), outputCapBytes };
  }

  /** A fresh bot process: forked now, or a warm one forked earlier and never used (those have the default heap). */
  private takeChild(bundle: string, memoryMb: number): ChildProcess {
    let child: ChildProcess | undefined;
    if (memoryMb !== this.config.bots.memoryMb) return this.forkChild(bundle, false, memoryMb);
    while (!child && this.spares.length > 0) {
      const spare = this.spares.shift()!;
      if (spare.exitCode === null && spare.signalCode === null && spare.connected) child = spare;
    }
    if (child) {
      child.ref();
      child.channel?.ref();
    }
    child ??= this.forkChild(bundle);
    this.refillSpares(bundle);
    return child;
  }

  private refillSpares(bundle: string): void {
    while (!this.destroyed && this.spares.length < this.config.bots.warmProcesses) {
      const spare = this.forkChild(bundle, true);
      // An idle spare must never keep the server process alive; it is ref'ed again when a run takes it.
      spare.unref();
      spare.channel?.unref();
      spare.once('exit', () => {
        const i = this.spares.indexOf(spare);
        if (i >= 0) this.spares.splice(i, 1);
        this.children.delete(spare);
      });
      this.spares.push(spare);
    }
  }

  private forkChild(bundle: string, warmUp = false, memoryMb = this.config.bots.memoryMb): ChildProcess {
    const child = fork(bundle, warmUp ? ['--warm-up'] : [], {
      env: {},
      cwd: dirname(bundle),
      execArgv: [
        '--experimental-permission',
        `--allow-fs-read=${bundle}`,
        '--disallow-code-generation-from-strings',
        `--max-old-space-size=${memoryMb}`,
        `--max-semi-space-size=${Math.max(1, Math.min(16, Math.floor(memoryMb / 16)))}`,
        '--disable-warning=ExperimentalWarning',
        '--stack-size=984',
      ],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.on('error', () => undefined); // a failed send or spawn still ends in 'exit'
    this.children.add(child);
    return child;
  }

  private runInChild(
    bundle: string,
    job: SandboxJob,
    limits: SandboxProcessReport['limits'],
    signal?: AbortSignal,
  ): Promise<{ outcome: BotRunOutcome; process: SandboxProcessReport }> {
    const { timeoutMs, memoryMb, outputCapBytes } = limits;
    return new Promise((resolve) => {
      const child = this.takeChild(bundle, memoryMb);
      if (child.exitCode !== null || child.signalCode !== null) {
        const outcome: BotRunOutcome = { ok: false, errorType: 'unknown', message: 'the sandbox process could not start', logs: [] };
        resolve({ outcome, process: { ...NO_PROCESS, exitCode: child.exitCode, signal: child.signalCode, limits } });
        return;
      }
      this.children.add(child);
      const usageSince = measure(child.pid);
      let usage: ProcessUsage | null = null;
      /** Read while the process is alive: after it ends /proc has nothing. */
      const sample = () => (usage ??= usageSince());
      let settled = false;
      let stopReason: StopReason | null = null;
      let outputBytes = 0;
      let stderrTail = '';
      const finish = (outcome: BotRunOutcome, exit: { code: number | null; signal: string | null }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.children.delete(child);
        if (child.exitCode === null && child.signalCode === null) {
          sample();
          child.kill('SIGKILL');
        }
        const report: SandboxProcessReport = {
          exitCode: exit.code,
          signal: exit.signal,
          timedOut: stopReason === 'timeout',
          cancelled: stopReason === 'cancelled',
          usage: usage ?? { peakRssMb: null, cpuMs: null },
          limits,
        };
        resolve({ outcome, process: report });
      };
      const stop = (reason: StopReason) => {
        stopReason ??= reason;
        sample();
        child.kill('SIGKILL');
      };
      const onAbort = () => stop('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const count = (chunk: Buffer, keep: boolean) => {
        outputBytes += chunk.length;
        if (keep) stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
        if (outputBytes > outputCapBytes) stop('output');
      };
      child.stdout!.on('data', (chunk: Buffer) => count(chunk, false));
      child.stderr!.on('data', (chunk: Buffer) => count(chunk, true));
      child.on('message', (reply: RunReply) => {
        // The process may already be exiting (no /proc figures): fall back on what it counted itself.
        if (reply?.usage) {
          const own = sample();
          usage = {
            peakRssMb: own.peakRssMb ?? Math.round((reply.usage.maxRssKb / 1024) * 10) / 10,
            cpuMs: own.cpuMs ?? Math.round(reply.usage.cpuMicros / 100) / 10,
          };
        }
        if (reply?.type === 'done') finish({ ok: true, result: reply.result }, { code: 0, signal: null });
        else if (reply?.type === 'failed')
          finish({ ok: false, errorType: reply.errorType, message: reply.message, logs: reply.logs ?? [] }, { code: 1, signal: null });
      });
      // 'close', not 'exit': 'exit' can come before the last IPC message and the end of stderr are read.
      child.on('close', (code, sig) =>
        finish(stopReason === 'cancelled' ? cancelledOutcome() : exitOutcome(stopReason, code, sig, stderrTail, limits), {
          code,
          signal: sig,
        }),
      );
      const request: RunRequest = { type: 'run', code: job.code, bars: job.bars, options: job.options, params: job.params, outputCapBytes };
      child.send(request, () => undefined); // if the process already died, 'exit' reports why
    });
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
    this.spares.length = 0;
  }
}

const NO_PROCESS: Omit<SandboxProcessReport, 'limits'> = {
  exitCode: null,
  signal: null,
  timedOut: false,
  cancelled: false,
  usage: { peakRssMb: null, cpuMs: null },
};

function cancelledOutcome(): BotRunOutcome {
  return { ok: false, errorType: 'unknown', message: 'the run was cancelled before it finished', logs: [] };
}

/** Why a sandbox process ended without a reply. */
export function exitOutcome(
  stopReason: 'timeout' | 'output' | null,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  limits: { timeoutMs: number; memoryMb: number; outputCapBytes: number },
): BotRunOutcome {
  const fail = (errorType: BotErrorType, message: string): BotRunOutcome => ({ ok: false, errorType, message, logs: [] });
  if (stopReason === 'timeout')
    return fail('timeout', `the bot did not finish within ${limits.timeoutMs / 1000} s and was stopped (timed out)`);
  if (stopReason === 'output')
    return fail('output_limit', `the bot wrote more than ${limits.outputCapBytes} bytes of output and was stopped (output limit)`);
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return fail('memory', `the bot ran out of memory (heap limit ${limits.memoryMb} MB)`);
  }
  const tail = stderr.trim().split('\n').slice(-5).join('\n');
  const how = signal ? `signal ${signal}` : `code ${code}`;
  const message = `the sandbox process ended unexpectedly (${how})${tail ? `: ${tail}` : ''}`;
  return fail(classifyBotError(message), message.slice(0, 2000));
}
