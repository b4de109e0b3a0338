import { ErrorCode } from '../../src/common/domain-error';
import { GeminiClientService } from '../../src/gemini/gemini-client.service';
import { AuthModule } from '../../src/auth/auth.module';
import { GeminiModule } from '../../src/gemini/gemini.module';
import { UsageModule } from '../../src/usage/usage.module';
import { KeyRotationService } from '../../src/key-rotation/key-rotation.service';
import { createMediumContext, domainError, failures, MediumContext, MediumKey, secretOf } from '../support/medium';

const PROMPT = { contents: [{ role: 'user' as const, text: 'Describe a moving-average crossover.' }] };

describe.each(['memory', 'redis'] as const)(`${GeminiClientService.name} (medium, %s store)`, (store) => {
  let ctx: MediumContext;
  let client: GeminiClientService;

  async function boot(keys: MediumKey[], env: Record<string, string> = {}, modelCompatibility?: Record<string, string[]>): Promise<void> {
    // The per-user share is its own suite's subject (test/security/user-ai-limit): off here.
    ctx = await createMediumContext({
      imports: [AuthModule, UsageModule, GeminiModule],
      keys,
      store,
      env: { AI_USER_RPM: '0', AI_USER_RPD: '0', ...env },
      modelCompatibility,
    });
    client = ctx.get(GeminiClientService);
  }
  afterEach(async () => ctx?.close());

  it('answers from the first key and reports one attempt', async () => {
    await boot([{ id: 'a' }]);
    const r = await client.generate({ userId: 'u1' }, PROMPT);
    expect(r).toMatchObject({ text: 'ok', keyId: 'a', attempts: 1 });
    expect(ctx.transport.calls).toHaveLength(1);
  });

  it('rotates to another key after a per-minute 429 and cools the first one', async () => {
    await boot([
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
    ]);
    ctx.transport.script(secretOf('a'), { fail: failures.perMinute('30s') });
    const r = await client.generate({ userId: 'u1' }, PROMPT);
    expect(r).toMatchObject({ keyId: 'b', attempts: 2 });
    // The cooled key is skipped by the next call, even though it has the better priority.
    const again = await client.generate({ userId: 'u2' }, PROMPT);
    expect(again.keyId).toBe('b');
    expect(ctx.transport.keysCalled()).toEqual([secretOf('a'), secretOf('b'), secretOf('b')]);
  });

  it('disables an invalid key and serves the call from the next', async () => {
    await boot([
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
    ]);
    ctx.transport.script(secretOf('a'), { fail: failures.invalidKey() });
    await expect(client.generate({ userId: 'u1' }, PROMPT)).resolves.toMatchObject({ keyId: 'b' });
    const unusable = await ctx.get(KeyRotationService).unusableKeys();
    expect(unusable).toEqual(expect.arrayContaining([expect.objectContaining({ keyId: 'a', reason: 'invalid' })]));
  });

  it('waits on the clock for a busy key that frees up within GEMINI_MAX_WAIT_MS, then serves the call', async () => {
    await boot([{ id: 'a', rpm: 1 }]);
    await client.generate({ userId: 'u1' }, PROMPT);
    ctx.clock.advance(50_000);
    const r = await client.generate({ userId: 'u1' }, PROMPT);
    expect(r).toMatchObject({ keyId: 'a', attempts: 1 });
    // The first call leaves the sliding minute 10 s later (to the window's 1 s resolution): that is the wait.
    expect(ctx.clock.sleeps).toHaveLength(1);
    expect(ctx.clock.sleeps[0]).toBeGreaterThanOrEqual(10_000);
    expect(ctx.clock.sleeps[0]).toBeLessThanOrEqual(11_100);
  });

  it('answers 429 with the wait as Retry-After when the key frees up later than GEMINI_MAX_WAIT_MS', async () => {
    await boot([{ id: 'a', rpm: 1 }]);
    await client.generate({ userId: 'u1' }, PROMPT);
    ctx.clock.advance(1_000);
    const err = await domainError(client.generate({ userId: 'u1' }, PROMPT));
    expect(err.code).toBe(ErrorCode.KeysExhausted);
    expect(err.retryAfterSec).toBeGreaterThanOrEqual(58);
    expect(err.retryAfterSec).toBeLessThanOrEqual(60);
    expect(ctx.clock.sleeps).toEqual([]);
  });

  it('does not wait at all with GEMINI_MAX_WAIT_MS=0', async () => {
    await boot([{ id: 'a', rpm: 1 }], { GEMINI_MAX_WAIT_MS: '0' });
    await client.generate({ userId: 'u1' }, PROMPT);
    ctx.clock.advance(59_000);
    await expect(domainError(client.generate({ userId: 'u1' }, PROMPT))).resolves.toMatchObject({ code: ErrorCode.KeysExhausted });
    expect(ctx.clock.sleeps).toEqual([]);
  });

  it('answers 503 when every key is disabled', async () => {
    await boot([
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
    ]);
    ctx.transport.script(secretOf('a'), { fail: failures.invalidKey() });
    ctx.transport.script(secretOf('b'), { fail: failures.invalidKey() });
    const err = await domainError(client.generate({ userId: 'u1' }, PROMPT));
    expect(err.code).toBe(ErrorCode.NoUsableKeys);
  });

  it('gives a bad request straight back as a validation error, without trying another key', async () => {
    await boot([
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
    ]);
    ctx.transport.script(secretOf('a'), { fail: failures.badRequest() });
    const err = await domainError(client.generate({ userId: 'u1' }, PROMPT));
    expect(err.code).toBe(ErrorCode.ValidationFailed);
    expect(ctx.transport.calls).toHaveLength(1);
  });

  it('answers not found for an unknown model without a key penalty', async () => {
    await boot([{ id: 'a' }]);
    ctx.transport.script(secretOf('a'), { fail: failures.modelNotFound() });
    await expect(domainError(client.generate({ userId: 'u1' }, PROMPT))).resolves.toMatchObject({ code: ErrorCode.NotFound });
    await expect(client.generate({ userId: 'u1' }, PROMPT)).resolves.toMatchObject({ keyId: 'a' });
  });

  describe('a model Gemini does not know (404)', () => {
    const keys: MediumKey[] = [
      { id: 'old', model: 'gemini-retired', priority: 1 },
      { id: 'old2', model: 'gemini-retired', priority: 2 },
      { id: 'new', model: 'gemini-2.5-flash', priority: 3 },
    ];

    it('falls back to a model of model_compatibility, skipping the other keys of the missing model', async () => {
      await boot(keys, {}, { 'gemini-retired': ['gemini-2.5-flash'] });
      ctx.transport.script(secretOf('old'), { fail: failures.modelNotFound() });
      const r = await client.generate({ userId: 'u1', model: 'gemini-retired' }, PROMPT);
      expect(r).toMatchObject({ keyId: 'new', model: 'gemini-2.5-flash', attempts: 2 });
      expect(ctx.transport.calls.map((c) => [c.secret, c.model])).toEqual([
        [secretOf('old'), 'gemini-retired'],
        [secretOf('new'), 'gemini-2.5-flash'],
      ]);
      // No key penalty: the key of the missing model is still offered first to the next call.
      await client.generate({ userId: 'u2', model: 'gemini-retired' }, PROMPT);
      expect(ctx.transport.calls[2].secret).toBe(secretOf('old'));
    });

    it('answers not found when no compatible model is configured, after one attempt', async () => {
      await boot(keys);
      ctx.transport.script(secretOf('old'), { fail: failures.modelNotFound() });
      await expect(domainError(client.generate({ userId: 'u1', model: 'gemini-retired' }, PROMPT))).resolves.toMatchObject({
        code: ErrorCode.NotFound,
      });
      expect(ctx.transport.calls).toHaveLength(1);
    });

    it('answers not found when the compatible model is missing too', async () => {
      await boot(keys, {}, { 'gemini-retired': ['gemini-2.5-flash'] });
      ctx.transport.script(secretOf('old'), { fail: failures.modelNotFound() });
      ctx.transport.script(secretOf('new'), { fail: failures.modelNotFound() });
      await expect(domainError(client.generate({ userId: 'u1', model: 'gemini-retired' }, PROMPT))).resolves.toMatchObject({
        code: ErrorCode.NotFound,
      });
      expect(ctx.transport.calls.map((c) => c.secret)).toEqual([secretOf('old'), secretOf('new')]);
    });
  });

  it('retries a model-side 503 with backoff on the clock and answers when the model recovers', async () => {
    await boot([
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
    ]);
    ctx.transport.script(secretOf('a'), { fail: failures.overloaded() });
    const r = await client.generate({ userId: 'u1' }, PROMPT);
    expect(r).toMatchObject({ attempts: 2 });
    expect(ctx.clock.sleeps).toEqual([500]);
  });

  it('pauses a model whose calls keep failing (the breaker), answering 503 with Retry-After', async () => {
    await boot([{ id: 'a' }]);
    ctx.transport.fallback = { fail: failures.overloaded() };
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await domainError(client.generate({ userId: 'u1' }, PROMPT))).code);
    expect(codes).toContain(ErrorCode.UpstreamUnavailable);
    const paused = await domainError(client.generate({ userId: 'u1' }, PROMPT));
    expect(paused.code).toBe(ErrorCode.UpstreamUnavailable);
    expect(paused.retryAfterSec).toBeGreaterThan(0);
  });

  it('answers upstream-timeout (504) once the deadline has passed, without calling Gemini', async () => {
    await boot([{ id: 'a' }]);
    const err = await domainError(client.generate({ userId: 'u1', deadline: ctx.clock.now() - 1 }, PROMPT));
    expect(err.code).toBe(ErrorCode.UpstreamTimeout);
    expect(err.retryAfterSec).toBeGreaterThan(0);
    expect(ctx.transport.calls).toHaveLength(0);
  });

  it('lets an unexpected error (not a transport failure) through as it is', async () => {
    await boot([{ id: 'a' }]);
    ctx.transport.script(secretOf('a'), { throw: new RangeError('bug in a caller') });
    await expect(client.generate({ userId: 'u1' }, PROMPT)).rejects.toThrow(RangeError);
  });

  it('keeps a user on the key that served them (sticky) while another user may land elsewhere', async () => {
    await boot([{ id: 'a' }, { id: 'b' }]);
    const first = await client.generate({ userId: 'sticky-user' }, PROMPT);
    for (let i = 0; i < 3; i++) expect((await client.generate({ userId: 'sticky-user' }, PROMPT)).keyId).toBe(first.keyId);
  });

  it('streams the text and accounts the call when the stream ends', async () => {
    await boot([{ id: 'a' }]);
    ctx.transport.script(secretOf('a'), { text: 'streamed' });
    const { chunks, report } = await client.generateStream({ userId: 'u1' }, PROMPT);
    const texts: string[] = [];
    for await (const c of chunks) texts.push(c.text);
    expect(texts).toEqual(['streamed']);
    expect(report).toMatchObject({ keyId: 'a', attempts: 1 });
  });
});
