import { AppLogger } from '../logging/app-logger';
import Redis from 'ioredis';
import { EventBus } from './event-bus';

/** Redis pub/sub: one connection publishes, one listens (a subscribed connection can do nothing else). */
export class RedisEventBus extends EventBus {
  readonly kind = 'redis' as const;
  private readonly logger = new AppLogger('EventBus');
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly listeners = new Map<string, Set<(message: unknown) => void>>();

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    const options = { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true };
    this.pub = new Redis(url, options);
    this.sub = new Redis(url, options);
    for (const c of [this.pub, this.sub]) c.on('error', (e: Error) => this.logger.warn(`redis event bus: ${e.message}`));
    this.sub.on('message', (channel: string, raw: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      for (const listener of set) listener(message);
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.pub.publish(this.prefix + channel, JSON.stringify(message));
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void> {
    const key = this.prefix + channel;
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      await this.sub.subscribe(key);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(key);
        void this.sub.unsubscribe(key).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    // disconnect, not quit: a quit waits in the offline queue forever while Redis is down
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
