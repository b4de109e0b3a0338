/**
 * Long bot work (generate → test → fix) must not fail because every Gemini key is busy for a while: the
 * call is retried after the Retry-After the client reported, up to a total wait, and each pause is reported.
 */
import { DomainError, ErrorCode } from '../common/domain-error';

export interface KeyWaitOptions {
  /** Longest total time spent waiting for keys during one piece of work. */
  maxTotalWaitMs: number;
  onWait?: (waitMs: number, attempt: number) => void;
  /** Called when a pause is over, just before the retry. */
  onResume?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function withKeyWait<T>(call: () => Promise<T>, opts: KeyWaitOptions): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const busy = error instanceof DomainError && error.code === ErrorCode.KeysExhausted;
      const waitMs = busy ? Math.max(1, error.retryAfterSec ?? 1) * 1000 : 0;
      if (!busy || waited + waitMs > opts.maxTotalWaitMs) throw error;
      opts.onWait?.(waitMs, attempt);
      await sleep(waitMs);
      waited += waitMs;
      opts.onResume?.();
    }
  }
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts (a cancelled job stops
 * waiting for Gemini at once; the HTTP call, which BotGeneratorService gives the same signal, is closed too).
 */
export function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  const aborted = () => (signal.reason instanceof Error ? signal.reason : new Error(`aborted: ${String(signal.reason)}`));
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
