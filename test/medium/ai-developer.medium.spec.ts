import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AiDeveloperModule } from '../../src/ai-developer/ai-developer.module';
import { AiDeveloperService, StartRunInput } from '../../src/ai-developer/ai-developer.service';
import type { RunEvent } from '../../src/ai-developer/run-events';
import { RunsRepository } from '../../src/ai-developer/runs.repository';
import { AuthModule } from '../../src/auth/auth.module';
import type { AuthUser } from '../../src/auth/current-user.decorator';
import { ErrorCode } from '../../src/common/domain-error';
import { JobQueue } from '../../src/jobs/job-queue';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { JobsModule } from '../../src/jobs/jobs.module';
import { DEFAULT_MARKET_DATA_REQUEST } from '../../src/market-data/market-data.port';
import { UsageModule } from '../../src/usage/usage.module';
import { BROKEN_BOT, fenced, SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { createMediumContext, domainError, failures, MediumContext, mediumUser, ScriptedCall, secretOf } from '../support/medium';

const isFixPrompt = (call: ScriptedCall) => call.prompt.includes('TASK: Fix the trading bot');

const INPUT: StartRunInput = {
  description: 'Buy when the 5-day SMA crosses above the 20-day SMA; sell on the cross back.',
  strategyName: 'SMA Cross Demo',
  autoFix: true,
  maxIterations: 3,
  testConfig: DEFAULT_MARKET_DATA_REQUEST,
};

/** Waits (real time, bounded) until `check` holds; the job runs on the embedded queue in this process. */
async function until(check: () => Promise<boolean>, what: string, maxMs = 20_000): Promise<void> {
  const end = Date.now() + maxMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(`${AiDeveloperService.name} (medium)`, () => {
  let ctx: MediumContext;
  let service: AiDeveloperService;
  let runs: RunsRepository;
  let alice: AuthUser & { id: number };
  let bob: AuthUser & { id: number };

  beforeEach(async () => {
    ctx = await createMediumContext({
      imports: [JobsModule.forRoot(), AuthModule, UsageModule, AiDeveloperModule],
      keys: [{ id: 'a', rpm: 100 }],
      env: {
        AI_USER_RPM: '0',
        AI_USER_RPD: '0',
        DATA_SOURCE: 'synthetic',
        BOTS_DIR: mkdtempSync(join(tmpdir(), 'medium-bots-')),
        BOT_TIMEOUT_MS: '2000',
        GEMINI_MAX_WAIT_MS: '0',
      },
    });
    service = ctx.get(AiDeveloperService);
    runs = ctx.get(RunsRepository);
    alice = (await mediumUser(ctx, 'alice')) as AuthUser & { id: number };
    bob = (await mediumUser(ctx, 'bob')) as AuthUser & { id: number };
  });
  afterEach(async () => ctx?.close());

  const events = (runId: string): Promise<RunEvent[]> => service.eventsAfter(runId, 0);

  it('generates broken code, tests it, fixes it and finishes with every step stored in order', async () => {
    ctx.transport.responder = (call) => ({ text: fenced(isFixPrompt(call) ? SMA_CROSS_BOT : BROKEN_BOT) });
    const started = await service.start(alice, INPUT);
    expect(started).toMatchObject({ userId: alice.id, status: 'queued', step: 'generate', progress: 0, maxIterations: 3 });
    await service.settled(started.id, 30_000);

    const run = await runs.byId(started.id);
    expect(run).toMatchObject({ status: 'succeeded', step: 'done', progress: 100, iterations: 1 });
    expect(run?.result).toMatchObject({ success: true, final_status: 'fixed', iterations: 1, file_name: 'sma_cross_demo.js', error: null });
    expect((run?.result as { metrics: { num_trades: number } }).metrics.num_trades).toBeGreaterThan(0);

    const stored = await events(started.id);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    const steps = stored.map((e) => e.step);
    expect(steps[0]).toBe('generate');
    expect(steps.at(-1)).toBe('done');
    for (const step of ['test', 'analyze', 'fix']) expect(steps).toContain(step);
    const progress = stored.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    expect(stored.find((e) => e.step === 'analyze')?.data).toMatchObject({ iteration: 1, error_type: 'reference' });
    expect(stored.at(-1)).toMatchObject({ step: 'done', data: { status: 'succeeded', success: true, final_status: 'fixed' } });
    // Two Gemini calls, on the run owner's key-rotation identity: the generation, then one fix.
    expect(ctx.transport.calls.map(isFixPrompt)).toEqual([false, true]);
  });

  it('ends failed with the reason when Gemini has no key for the run and waiting is off', async () => {
    service.maxKeyWaitMs = 0;
    ctx.transport.script(secretOf('a'), { fail: failures.perMinute('30s') });
    const started = await service.start(alice, INPUT);
    await service.settled(started.id, 30_000);
    const run = await runs.byId(started.id);
    expect(run).toMatchObject({ status: 'failed', step: 'done', progress: 100, botId: null });
    expect(run?.result).toMatchObject({ success: false });
    const last = (await events(started.id)).at(-1);
    expect(last).toMatchObject({ step: 'done', data: { status: 'failed', success: false } });
    expect(last?.message).toMatch(/^Failed: /);
    expect(ctx.transport.calls).toHaveLength(1);
  });

  it('pauses while every key is busy and resumes when the Retry-After has passed', async () => {
    service.maxKeyWaitMs = 60_000;
    ctx.transport.script(secretOf('a'), { fail: failures.perMinute('1s') });
    ctx.transport.responder = () => ({ text: fenced(SMA_CROSS_BOT) });
    const started = await service.start(alice, INPUT);
    await until(async () => (await events(started.id)).some((e) => e.data?.status === 'waiting'), 'the waiting event');
    const waiting = (await events(started.id)).find((e) => e.data?.status === 'waiting');
    expect(waiting).toMatchObject({ step: 'generate', data: { status: 'waiting', wait_ms: 1000 } });
    expect(waiting?.message).toBe('All Gemini keys are busy; the run pauses and resumes in 1 s');
    // The event is stored before the job is put back in line: wait for the delayed job, so its due time is set
    // from the clock before the clock moves (the other order leaves it due 1 s after a clock that stays put).
    const jobs = ctx.module.get(JobsRepository, { strict: false });
    await until(async () => (await jobs.byId(started.id))?.status === 'delayed', 'the delayed job');
    // The key cools for 1 s on the fake clock, and the job is due 1 s later on it.
    ctx.clock.advance(1_001);
    await service.settled(started.id, 30_000);
    const stored = await events(started.id);
    expect(stored.map((e) => e.message)).toContain('Resuming: trying Gemini again');
    expect(await runs.byId(started.id)).toMatchObject({ status: 'succeeded', step: 'done' });
    expect(stored.at(-1)?.data).toMatchObject({ status: 'succeeded', final_status: 'not_needed' });
  });

  it('ends cancelled when its job is cancelled while Gemini is still answering', async () => {
    ctx.transport.script(secretOf('a'), { hang: true });
    const started = await service.start(alice, INPUT);
    await until(async () => ctx.transport.calls.length > 0, 'the Gemini call');
    await ctx.module.get(JobQueue, { strict: false }).cancel(started.id);
    await service.settled(started.id, 30_000);
    const run = await runs.byId(started.id);
    expect(run).toMatchObject({ status: 'cancelled', step: 'done', progress: 100, botId: null });
    expect(run?.result).toEqual({ success: false, error: 'Cancelled' });
    expect((await events(started.id)).at(-1)).toMatchObject({ step: 'done', message: 'Cancelled', data: { status: 'cancelled' } });
  });

  it("keeps runs to their owner: another user's run is not found, also as chat context", async () => {
    ctx.transport.responder = () => ({ text: fenced(SMA_CROSS_BOT) });
    const started = await service.start(alice, INPUT);
    await service.settled(started.id, 30_000);
    expect((await domainError(service.owned(bob, started.id))).code).toBe(ErrorCode.NotFound);
    expect((await domainError(service.owned(bob, 'run_doesnotexist'))).details).toEqual({ run_id: 'run_doesnotexist' });
    const calls = ctx.transport.calls.length;
    expect((await domainError(service.chat(bob, 'what does it do?', started.id))).code).toBe(ErrorCode.NotFound);
    expect(ctx.transport.calls).toHaveLength(calls);

    ctx.transport.responder = () => ({ text: 'It trades an SMA cross.' });
    const answer = await service.chat(alice, 'what does it do?', started.id);
    expect(answer).toEqual({ response: 'It trades an SMA cross.', run_id: started.id, model: 'gemini-2.5-flash' });
    const system = ctx.transport.calls.at(-1)?.system ?? '';
    expect(system).toContain('RUN: SMA Cross Demo (succeeded)');
    expect(system).toContain('ctx.indicators.sma({ period: ctx.params.fast })');
    expect(system).toContain('LAST RUN: passed');
  });
});
