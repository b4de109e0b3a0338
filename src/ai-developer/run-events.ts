/**
 * Live fan-out of AI developer run events to every replica. Events are also stored (RunsRepository), so a
 * reader that connects late or reconnects replays them first, then follows live ones.
 */
import { Injectable } from '@nestjs/common';
import { EventBus } from '../jobs/event-bus';

export type RunStep = 'generate' | 'test' | 'analyze' | 'fix' | 'done';

export interface RunEvent {
  seq: number;
  step: RunStep;
  progress: number;
  message: string;
  data?: Record<string, unknown> | null;
  at: string;
}

/** Run events through the jobs' event bus: Redis pub/sub with REDIS_URL (every replica), else this process. */
@Injectable()
export class RunEventsHub {
  constructor(private readonly bus: EventBus) {}

  async publish(runId: string, event: RunEvent): Promise<void> {
    await this.bus.publish(`run:${runId}`, event);
  }

  /** Calls `listener` for every event published from now on; resolves (with the unsubscribe) once listening. */
  subscribe(runId: string, listener: (event: RunEvent) => void): Promise<() => void> {
    return this.bus.subscribe(`run:${runId}`, (message) => listener(message as RunEvent));
  }
}
