/**
 * Live fan-out of job and run events. With Redis (pub/sub) every replica hears what any worker publishes, so
 * a client connected anywhere follows any run; without, it stays inside this process. Delivery is at most
 * once: followers replay the stored events first and drop any seq they already sent, so a message missed
 * or heard twice changes nothing.
 */
import { EventEmitter } from 'node:events';

export abstract class EventBus {
  abstract readonly kind: 'memory' | 'redis';
  abstract publish(channel: string, message: unknown): Promise<void>;
  /** Calls `listener` for each message published on `channel` from now on; resolves once listening. */
  abstract subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void>;
  abstract close(): Promise<void>;
}

export class MemoryEventBus extends EventBus {
  readonly kind = 'memory' as const;
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: unknown): Promise<void> {
    // A copy, as Redis would hand over: no listener shares the publisher's object.
    this.emitter.emit(channel, structuredClone(message));
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void> {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
