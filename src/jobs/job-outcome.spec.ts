import { DomainError, ErrorCode } from '../common/domain-error';
import { decide } from './job-outcome';

const at = (attempt: number, extra: Partial<{ maxAttempts: number; aborted: boolean }> = {}) => ({
  attempt,
  maxAttempts: 3,
  backoffMs: 1000,
  aborted: false,
  ...extra,
});

describe(decide.name, () => {
  it('succeeds with what the handler returned (null for nothing)', () => {
    expect(decide({ ok: true, result: { total: 2 } }, at(1))).toEqual({ type: 'succeeded', result: { total: 2 } });
    expect(decide({ ok: true, result: undefined }, at(1))).toEqual({ type: 'succeeded', result: null });
  });

  it('is cancelled whenever the signal aborted, whatever the handler did', () => {
    expect(decide({ ok: false, error: new Error('AbortError') }, at(1, { aborted: true }))).toEqual({ type: 'cancelled' });
    expect(decide({ ok: true, result: 1 }, at(1, { aborted: true }))).toEqual({ type: 'cancelled' });
  });

  it('delays busy keys and full sandboxes by their Retry-After, whatever the attempt', () => {
    const busy = new DomainError(ErrorCode.KeysExhausted, 'All Gemini keys are busy', undefined, 42);
    expect(decide({ ok: false, error: busy }, at(3))).toEqual({
      type: 'delay',
      delayMs: 42_000,
      error: { error: 'All Gemini keys are busy', code: 'keys_exhausted' },
    });
    const full = new DomainError(ErrorCode.RateLimited, 'Too many bot runs are waiting', { waiting: 50 });
    expect(decide({ ok: false, error: full }, at(1))).toMatchObject({ type: 'delay', delayMs: 1000 });
  });

  it('fails at once on errors another try cannot fix', () => {
    for (const code of [ErrorCode.ValidationFailed, ErrorCode.NotFound, ErrorCode.NoUsableKeys, ErrorCode.UpstreamFailed]) {
      expect(decide({ ok: false, error: new DomainError(code, 'no', { field: ['x'] }) }, at(1))).toEqual({
        type: 'failed',
        error: { error: 'no', code, details: { field: ['x'] } },
      });
    }
  });

  it('retries anything else with exponential backoff until the attempts run out, hiding its message', () => {
    const crash = new Error('connection reset by the database at 10.0.0.3');
    expect(decide({ ok: false, error: crash }, at(1))).toEqual({ type: 'retry', delayMs: 1000, error: { error: 'Internal error' } });
    expect(decide({ ok: false, error: crash }, at(2))).toEqual({ type: 'retry', delayMs: 2000, error: { error: 'Internal error' } });
    expect(decide({ ok: false, error: crash }, at(3))).toEqual({ type: 'failed', error: { error: 'Internal error' } });
    expect(decide({ ok: false, error: new DomainError(ErrorCode.DatabaseUnavailable, 'db down') }, at(1))).toMatchObject({ type: 'retry' });
  });
});
