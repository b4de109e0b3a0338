/**
 * Runs bots in throwaway child processes (see child.ts) with a concurrency limit and a waiting line.
 * Whatever the bot does, `run` resolves with a classified outcome; the server process is never at risk.
 */
import { ChildProcess, fork } from 'node:child_process';
import { dirname } from 'node:path';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { Bar, EngineOptions } from '../../backtest/engine/types';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { BotErrorType, classifyBotError } from '../core/error-classifier';
import type { BotRunOutcome } from './bot-host';
import { sandboxBundlePath } from './bundle';
import type { RunReply, RunRequest } from './protocol';
import { QueueFullError, RunQueue } from './run-queue';

export interface SandboxJob {
  code: string;
  bars: Bar[];
  options?: Partial<EngineOptions>;
  params?: Record<string, unknown>;
}

export interface SandboxHooks {
  /** Called with the 1-based place in line while the run waits for a slot. */
  onQueued?: (position: number) => void;
  onStarted?: () => void;
}

export type SandboxOutcome = BotRunOutcome & { durationMs: number };

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
    sandboxBundlePath().catch((error: unknown) => new AppLogger('Sandbox').error('could not build the bot sandbox bundle; bot runs will retry', { err: error }));
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
        throw new DomainError(ErrorCode.RateLimited, 'Too many bot runs are waiting; try again shortly', { waiting: error.waiting }, 5);
      }
      throw error;
    }
    this.metrics.botQueue.set(this.queue.waiting);
    hooks.onStarted?.();
    const started = performance.now();
    try {
      const outcome = await this.runInChild(bundle, job);
      this.metrics.botRuns.inc({ outcome: outcome.ok ? 'ok' : outcome.errorType });
      return { ...outcome, durationMs: performance.now() - started };
    } finally {
      this.metrics.botRunSeconds.observe((performance.now() - started) / 1000);
      release();
    }
  }

  /** A fresh bot process: forked now, or a warm one forked earlier and never used. */
  private takeChild(bundle: string): ChildProcess {
    let child: ChildProcess | undefined;
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

  private forkChild(bundle: string, warmUp = false): ChildProcess {
    const { memoryMb } = this.config.bots;
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

  private runInChild(bundle: string, job: SandboxJob): Promise<BotRunOutcome> {
    const { timeoutMs, memoryMb, outputCapBytes } = this.config.bots;
    return new Promise((resolve) => {
      const child = this.takeChild(bundle);
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ ok: false, errorType: 'unknown', message: 'the sandbox process could not start', logs: [] });
        return;
      }
      this.children.add(child);
      let settled = false;
      let stopReason: 'timeout' | 'output' | null = null;
      let outputBytes = 0;
      let stderrTail = '';
      const finish = (outcome: BotRunOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.children.delete(child);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        resolve(outcome);
      };
      const stop = (reason: 'timeout' | 'output') => {
        stopReason ??= reason;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const count = (chunk: Buffer, keep: boolean) => {
        outputBytes += chunk.length;
        if (keep) stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
        if (outputBytes > outputCapBytes) stop('output');
      };
      child.stdout!.on('data', (chunk: Buffer) => count(chunk, false));
      child.stderr!.on('data', (chunk: Buffer) => count(chunk, true));
      child.on('message', (reply: RunReply) => {
        if (reply?.type === 'done') finish({ ok: true, result: reply.result });
        else if (reply?.type === 'failed') finish({ ok: false, errorType: reply.errorType, message: reply.message, logs: reply.logs ?? [] });
      });
      // 'close', not 'exit': 'exit' can come before the last IPC message and the end of stderr are read.
      child.on('close', (code, signal) => finish(exitOutcome(stopReason, code, signal, stderrTail, { timeoutMs, memoryMb, outputCapBytes })));
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

/** Why a sandbox process ended without a reply. */
export function exitOutcome(
  stopReason: 'timeout' | 'output' | null,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  limits: { timeoutMs: number; memoryMb: number; outputCapBytes: number },
): BotRunOutcome {
  const fail = (errorType: BotErrorType, message: string): BotRunOutcome => ({ ok: false, errorType, message, logs: [] });
  if (stopReason === 'timeout') return fail('timeout', `the bot did not finish within ${limits.timeoutMs / 1000} s and was stopped (timed out)`);
  if (stopReason === 'output') return fail('output_limit', `the bot wrote more than ${limits.outputCapBytes} bytes of output and was stopped (output limit)`);
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return fail('memory', `the bot ran out of memory (heap limit ${limits.memoryMb} MB)`);
  }
  const tail = stderr.trim().split('\n').slice(-5).join('\n');
  const how = signal ? `signal ${signal}` : `code ${code}`;
  const message = `the sandbox process ended unexpectedly (${how})${tail ? `: ${tail}` : ''}`;
  return fail(classifyBotError(message), message.slice(0, 2000));
}
