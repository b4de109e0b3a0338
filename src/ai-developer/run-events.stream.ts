/**
 * One run's events over SSE, for any event source the service offers (`eventsAfter` + `subscribe`):
 * replay after Last-Event-ID, then follow live events until `done`; `id:` and `retry:` on every event;
 * a finished run with nothing left for the client answers 204 so EventSource stops reconnecting.
 */
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/current-user.decorator';
import { AuthFailure } from '../common/auth-failure';
import { sendSse } from '../http/sse';
import { AiDeveloperService } from './ai-developer.service';
import { RunEvent } from './run-events';

export const SSE_RETRY_MS = 3000;
const HEARTBEAT_MS = 15_000;

export interface StreamRequest {
  user: AuthUser;
  runId: string;
  /** Last-Event-ID header, or the `last_event_id` query parameter. */
  lastEventId: unknown;
  /** The stream ticket had been redeemed before (EventSource reconnecting with the same URL). */
  ticketUsed: boolean;
}

/** A sane Last-Event-ID as a seq; anything else means "from the start". */
export function lastSeq(value: unknown): number {
  return typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : 0;
}

const isFinished = (status: string): boolean => status === 'succeeded' || status === 'failed';

@Injectable()
export class RunEventsStream {
  constructor(private readonly service: AiDeveloperService) {}

  async serve(input: StreamRequest, req: Request, res: Response): Promise<void> {
    const { user, runId } = input;
    const run = await this.service.owned(user, runId); // 404 before the stream starts
    let last = lastSeq(input.lastEventId);
    const queue: RunEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = await this.service.subscribe(runId, (event) => {
      queue.push(event);
      wake?.();
    });
    try {
      const pending = await this.service.eventsAfter(runId, last);
      // EventSource reconnects after the end; a finished run has nothing more for it (204 stops it). A used
      // ticket on a finished run gets the same answer — it never opens a second stream.
      if (isFinished(run.status) && ((pending.length === 0 && last > 0) || input.ticketUsed)) {
        res.status(204).end();
        return;
      }
      if (input.ticketUsed) throw AuthFailure.invalidStreamTicket();
      const closed = new Promise<'closed'>((resolve) => req.on('close', () => resolve('closed')));
      await sendSse(
        res,
        req,
        async (send) => {
          const deliver = (event: RunEvent): boolean => {
            if (event.seq <= last) return false;
            send('progress', event, event.seq);
            last = event.seq;
            return event.step === 'done';
          };
          for (const event of pending) if (deliver(event)) return;
          // A run that ended without a `done` event (the server stopped mid-run) ends the stream with one, once:
          // its seq follows the last stored event, so a reconnect with that id gets the 204 above.
          const now = await this.service.owned(user, runId);
          if (queue.length === 0 && isFinished(now.status)) {
            const done = {
              seq: last + 1,
              step: 'done',
              progress: 100,
              message: `Run ${now.status}`,
              data: { status: now.status },
              at: now.updatedAt.toISOString(),
            };
            send('progress', done, done.seq);
            return;
          }
          for (;;) {
            while (queue.length > 0) if (deliver(queue.shift()!)) return;
            const heartbeat = new Promise<'beat'>((resolve) => setTimeout(() => resolve('beat'), HEARTBEAT_MS).unref());
            const woke = await Promise.race([new Promise<'event'>((resolve) => (wake = () => resolve('event'))), closed, heartbeat]);
            wake = null;
            if (woke === 'closed') return;
            if (woke === 'beat') send('ping', {}, last);
          }
        },
        { retryMs: SSE_RETRY_MS },
      );
    } finally {
      unsubscribe();
    }
  }
}
