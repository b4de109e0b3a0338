/**
 * Live fan-out of AI developer run events inside this process. Events are also stored (RunsRepository),
 * so a reader that connects late or reconnects replays them first, then follows live ones.
 */
import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

export type RunStep = 'generate' | 'test' | 'analyze' | 'fix' | 'done';

export interface RunEvent {
  seq: number;
  step: RunStep;
  progress: number;
  message: string;
  data?: Record<string, unknown> | null;
  at: string;
}

@Injectable()
export class RunEventsHub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(runId: string, event: RunEvent): void {
    this.emitter.emit(runId, event);
  }

  /** Calls `listener` for every event published from now on; returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }
}
