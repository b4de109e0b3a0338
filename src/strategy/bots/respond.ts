/**
 * Long strategy operations answer with their usual JSON, or — when the client sends
 * `Accept: text/event-stream` — with SSE: `progress` events `{step, progress, message, data}` and a final
 * `result` event holding exactly the JSON body (or an `error` event `{error, details}`).
 */
import type { Request, Response } from 'express';
import { sendSse } from '../../gemini/sse';
import type { Progress } from './strategy-bot-pipeline';

export function wantsEventStream(req: Request): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

export async function respondJsonOrSse<T>(
  req: Request,
  res: Response,
  status: number,
  work: (onProgress?: (p: Progress) => void) => Promise<T>,
): Promise<void> {
  if (!wantsEventStream(req)) {
    const body = await work();
    res.status(status).json(body);
    return;
  }
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
  });
}
