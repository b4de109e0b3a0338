/**
 * Long strategy operations answer with their usual JSON, or — when the client sends
 * `Accept: text/event-stream` — with SSE: `progress` events `{step, progress, message, data}` and a final
 * `result` event holding exactly the JSON body (or an `error` event `{error, details}`). Both return the body
 * they sent (undefined after an `error` event), which is what Idempotency-Key keeps for a retry.
 */
import type { Request, Response } from 'express';
import { sendSse } from '../../gemini/sse';
import { acceptedJson } from '../../jobs/jobs.dto';
import type { JobWaiter } from '../../jobs/job-waiter';
import type { JobEvent, JobRow } from '../../jobs/jobs.repository';
import type { Progress } from './strategy-bot-pipeline';

export function wantsEventStream(req: Request): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

export async function respondJsonOrSse<T>(
  req: Request,
  res: Response,
  status: number,
  work: (onProgress?: (p: Progress) => void) => Promise<T>,
): Promise<T | undefined> {
  if (!wantsEventStream(req)) {
    const body = await work();
    res.status(status).json(body);
    return body;
  }
  let sent: T | undefined;
  await sendSse(res, req, async (send) => {
    // The work goes on when the client leaves (what it saves is saved); only the events stop.
    const body = await work((p) => {
      try {
        send('progress', p);
      } catch {
        /* client gone */
      }
    });
    send('result', body);
    sent = body;
  });
  return sent;
}

/** How the client wants a job-backed answer: wait for JSON, wait with SSE progress, or 202 at once. */
export function replyMode(req: Request): 'json' | 'sse' | 'async' {
  const prefer = String(req.headers.prefer ?? '');
  if (/(^|,)\s*respond-async\s*(;|,|$)/i.test(prefer)) return 'async';
  return wantsEventStream(req) ? 'sse' : 'json';
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
  const mode = replyMode(req);
  if (mode === 'async') {
    const body = acceptedJson(job, "Queued; follow events_url for progress; the response body is the job's result");
    res.status(202).setHeader('Location', body.job_url).setHeader('Preference-Applied', 'respond-async').json(body);
    return body;
  }
  res.setHeader('X-Job-Id', job.id);
  const gone = clientGone(res);
  if (mode === 'json') {
    const body = await waiter.outcome(job.id, { gone });
    res.status(200).json(body);
    return body;
  }
  let body: unknown;
  await sendSse(res, req, async (send) => {
    const result = await waiter.outcome(job.id, {
      gone,
      onEvent: (e) => {
        if (e.type !== 'progress') return;
        try {
          send('progress', progressOf(e));
        } catch {
          /* client gone: `gone` cancels the job */
        }
      },
    });
    send('result', result);
    body = result;
  });
  return body;
}
