import { Global, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MemoryStateStore } from './memory-state-store';
import { RedisStateStore } from './redis-state-store';
import { StateStore } from './state-store';

/**
 * `REDIS_URL` set → Redis (shared by all replicas); unset → in memory (one replica). A Redis that is down
 * at boot does not stop the service: readiness reports it and the client keeps reconnecting.
 */
@Global()
@Module({
  providers: [
    {
      provide: StateStore,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<StateStore> => {
        const logger = new Logger('StateStore');
        if (!config.redis.url) {
          logger.log('in-memory state store (single replica; set REDIS_URL to share state between replicas)');
          return new MemoryStateStore();
        }
        const store = new RedisStateStore({
          url: config.redis.url,
          keyPrefix: config.redis.keyPrefix,
          commandTimeoutMs: config.redis.commandTimeoutMs,
        });
        try {
          await store.connect();
          logger.log('redis state store connected');
        } catch (e) {
          logger.warn(`redis state store not reachable yet, will keep retrying: ${(e as Error).message}`);
        }
        return store;
      },
    },
  ],
  exports: [StateStore],
})
export class StateStoreModule implements OnApplicationShutdown {
  constructor(private readonly store: StateStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
