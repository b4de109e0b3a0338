/**
 * Long strategy operations answer with their usual JSON, or — when the client sends
 * `Accept: text/event-stream` — with SSE: `progress` events `{step, progress, message, data}` and a final
 * `result` event holding exactly the JSON body (or an `error` event `{error, details}`). Both return the body
 * they sent (undefined after an `error` event), which is what Idempotency-Key keeps for a retry.
 */
import type { Request, Response } from 'express';
import { jsonOrSse, sendProgressSse } from '../../http/sse';
import { acceptedJson } from '../../jobs/jobs.dto';
import type { JobWaiter } from '../../jobs/job-waiter';
import type { JobEvent, JobRow } from '../../jobs/jobs.repository';
import type { Progress } from './strategy-bot-pipeline';

export function respondJsonOrSse<T>(
  req: Request,
  res: Response,
  status: number,
  work: (onProgress?: (p: Progress) => void) => Promise<T>,
): Promise<T | undefined> {
  return jsonOrSse(req, res, status, { json: () => work(), sse: () => sendProgressSse(res, req, work) });
}

/** `Prefer: respond-async`: the client wants a 202 with the job at once instead of waiting for its result. */
function prefersAsync(req: Request): boolean {
  return /(^|,)\s*respond-async\s*(;|,|$)/i.test(String(req.headers.prefer ?? ''));
}

/** Resolves when the client closes the connection before its answer was sent. */
function clientGone(res: Response): Promise<void> {
  return new Promise((resolve) =>
    res.once('close', () => {
      if (!res.writableFinished) resolve();
    }),
  );
}

/** The job's `progress` event in the shape the in-request progress had: `{step, progress, message, data}`. */
function progressOf(event: JobEvent): Progress {
  const d = event.data ?? {};
  const p = { step: d.step, progress: d.progress, message: d.message } as Progress;
  if (d.data !== undefined) p.data = d.data as Record<string, unknown>;
  return p;
}

/**
 * Answers for work queued as `job`: `Prefer: respond-async` → 202 with the job and a Location; otherwise the
 * request waits for the job (SSE: its progress events, then `result`) and answers 200 with its result, or
 * the error it failed with. A client that leaves cancels the job. Returns the body sent (for
 * Idempotency-Key), or undefined when the stream ended with an error event.
 */
export async function respondWithJob(req: Request, res: Response, waiter: JobWaiter, job: JobRow): Promise<unknown> {
  if (prefersAsync(req)) {
    const body = acceptedJson(job, "Queued; follow events_url for progress; the response body is the job's result");
    res.status(202).setHeader('Location', body.job_url).setHeader('Preference-Applied', 'respond-async').json(body);
    return body;
  }
  res.setHeader('X-Job-Id', job.id);
  const gone = clientGone(res);
  return jsonOrSse(req, res, 200, {
    json: () => waiter.outcome(job.id, { gone }),
    sse: () =>
      sendProgressSse<unknown, Progress>(res, req, (progress) =>
        waiter.outcome(job.id, {
          gone,
          onEvent: (e) => {
            // A client gone mid-stream: `gone` cancels the job.
            if (e.type === 'progress') progress(progressOf(e));
          },
        }),
      ),
  });
}
