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
