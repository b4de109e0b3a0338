import type { Server } from 'node:http';
import request from 'supertest';
import { bearer } from './auth';

const FINISHED = ['succeeded', 'failed', 'cancelled'];

/** Polls GET /api/jobs/:id until the job has finished (or `maxMs` passed, which fails the test). */
export async function waitForJob(server: Server, token: string, jobId: string, maxMs = 60_000): Promise<Record<string, any>> {
  const until = Date.now() + maxMs;
  for (;;) {
    const res = await request(server).get(`/api/jobs/${jobId}`).set(bearer(token));
    if (res.status !== 200) throw new Error(`GET /api/jobs/${jobId} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (FINISHED.includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${res.body.status} after ${maxMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/** Parses a complete `text/event-stream` body. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const fields = Object.fromEntries(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
    });
}
