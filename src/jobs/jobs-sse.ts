import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/current-user.decorator';
import { sendSse } from '../http/sse';
import { JobsService } from './jobs.service';

const HEARTBEAT_MS = 15_000;

/** GET /api/jobs/:id/events: 404 before the stream starts, then every event after Last-Event-ID. */
export async function streamJobEvents(
  service: JobsService,
  user: AuthUser,
  jobId: string,
  lastEventId: string | undefined,
  req: Request,
  res: Response,
): Promise<void> {
  await service.owned(user, jobId);
  const after = /^\d{1,9}$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
  const stop = new Promise<void>((resolve) => req.on('close', () => resolve()));
  await sendSse(res, req, (send) =>
    service.follow(jobId, after, (e) => send(e.type, { seq: e.seq, type: e.type, ...(e.data ?? {}), at: e.at }, e.seq), {
      stop,
      idleMs: HEARTBEAT_MS,
      onIdle: () => send('ping', {}),
    }),
  );
}
