import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { FallbackStateStore } from './fallback-state-store';
import { MemoryStateStore } from './memory-state-store';
import { StateStore } from './state-store';

/**
 * `REDIS_URL` set → Redis (shared by all replicas); unset → in memory (one replica). A Redis that is down
 * at boot does not stop the service and the client keeps reconnecting. With STATE_STORE_FAIL_MODE=open
 * (default) the service serves from local memory meanwhile, degraded; with `closed` it answers 503.
 */
@Global()
@Module({
  providers: [
    {
      provide: StateStore,
      inject: [AppConfig, Clock],
      useFactory: async (config: AppConfig, clock: Clock): Promise<StateStore> => {
        const now = () => clock.now();
        const logger = new AppLogger('StateStore');
        if (!config.redis.url && !config.redis.clusterNodes) {
          logger.info('in-memory state store (single replica; set REDIS_URL to share state between replicas)');
          return new MemoryStateStore(now);
        }
        // ioredis is loaded only when Redis is configured.
        const { RedisStateStore } = await import('./redis-state-store');
        const redis = new RedisStateStore({
          url: config.redis.url ?? undefined,
          clusterNodes: config.redis.clusterNodes ?? undefined,
          keyPrefix: config.redis.keyPrefix,
          commandTimeoutMs: config.redis.commandTimeoutMs,
        });
        const store = config.redis.failOpen ? new FallbackStateStore(redis, now) : redis;
        try {
          await store.connect();
          logger.info(`redis state store connected${config.redis.clusterNodes ? ' (cluster)' : ''}`);
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
  constructor(
    private readonly store: StateStore,
    metrics: MetricsService,
  ) {
    metrics.onScrape(() => metrics.stateStoreDegraded.set(store instanceof FallbackStateStore && store.degraded ? 1 : 0));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
