import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { trackStream } from '../shutdown/open-streams';

/** Sends one event; `id` becomes the SSE `id:` line (what a reconnecting client sends back as Last-Event-ID). */
export type SendEvent = (event: string, data: unknown, id?: number | string) => void;

/**
 * Writes a Server-Sent Events response: headers first, then whatever `produce` sends. An error after the
 * stream started becomes an `error` event (the status line is already gone); a client that disconnects
 * stops the producer at its next send. With `retryMs`, every event carries `retry:` (EventSource's
 * reconnect delay). On shutdown the stream gets a final `shutdown` event and ends; the
 * producer stops at its next send too.
 */
export async function sendSse(
  res: Response,
  req: Request,
  produce: (send: SendEvent) => Promise<void>,
  options: { retryMs?: number } = {},
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  let closed = false;
  req.on('close', () => (closed = true));
  const retry = options.retryMs !== undefined ? `retry: ${options.retryMs}\n` : '';
  const untrack = trackStream((event, data) => {
    if (closed) return;
    closed = true;
    res.end(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  });
  const send: SendEvent = (event, data, id) => {
    if (closed) throw new Error('client disconnected');
    res.write(`${retry}${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  try {
    await produce(send);
  } catch (e) {
    if (!closed) {
      const body = e instanceof DomainError ? { error: e.message, details: e.details } : { error: 'Internal server error' };
      res.write(`${retry}event: error\ndata: ${JSON.stringify(body)}\n\n`);
    }
  } finally {
    untrack();
    if (!res.writableEnded) res.end();
  }
}

/** The client asked for Server-Sent Events (`Accept: text/event-stream`). */
export function wantsEventStream(req: Request): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

/**
 * The one JSON-or-SSE switch of endpoints that answer both: with `Accept: text/event-stream` the `sse` branch
 * writes the stream itself (work it does before `sendSse` can still fail with a normal error response);
 * otherwise `json()`'s body is sent with `status`. Returns the body sent (undefined when a stream ended in error).
 */
export async function jsonOrSse<T>(
  req: Request,
  res: Response,
  status: number,
  answer: { json: () => Promise<T>; sse: () => Promise<T | undefined> },
): Promise<T | undefined> {
  if (!wantsEventStream(req)) {
    const body = await answer.json();
    res.status(status).json(body);
    return body;
  }
  return answer.sse();
}

/**
 * An SSE answer of `progress` events while `work` runs, then one `result` event with what it returned, which is
 * returned too (undefined after an `error` event). Progress after the client left is dropped; the work goes on.
 */
export async function sendProgressSse<T, P>(
  res: Response,
  req: Request,
  work: (progress: (p: P) => void) => Promise<T>,
): Promise<T | undefined> {
  let sent: T | undefined;
  await sendSse(res, req, async (send) => {
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
