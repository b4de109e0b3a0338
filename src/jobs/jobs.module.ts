/**
 * Jobs: `REDIS_URL` set → BullMQ queues and Redis pub/sub events (N API replicas + M `npm run worker`
 * processes); unset → the embedded queue in the database and in-process events (one process). This API
 * process consumes too unless WORKER_MODE=off; a worker process always does.
 */
import { AppLogger } from '../logging/app-logger';
import { BeforeApplicationShutdown, DynamicModule, Global, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { EmbeddedJobQueue } from './embedded-job-queue';
import { EventBus, MemoryEventBus } from './event-bus';
import { JobQueue } from './job-queue';
import { JobQueueStatus } from './job-queue-status';
import { JobRegistry } from './job-registry';
import { JobRuntime } from './job-runtime';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { JobWaiter } from './job-waiter';

/** `worker`: the process started by `npm run worker` (consumes whatever WORKER_MODE says). */
export class JobsRole {
  constructor(readonly role: 'api' | 'worker') {}
}

@Global()
@Module({})
export class JobsModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  static forRoot(options: { role?: 'api' | 'worker' } = {}): DynamicModule {
    return {
      module: JobsModule,
      imports: [DiscoveryModule],
      controllers: [JobsController],
      providers: [
        { provide: JobsRole, useValue: new JobsRole(options.role ?? 'api') },
        {
          provide: EventBus,
          inject: [AppConfig],
          useFactory: async (config: AppConfig): Promise<EventBus> => {
            if (!config.redis.url) return new MemoryEventBus();
            const { RedisEventBus } = await import('./redis-event-bus');
            return new RedisEventBus(config.redis.url, config.redis.keyPrefix);
          },
        },
        JobsRepository,
        JobRegistry,
        JobRuntime,
        {
          provide: JobQueue,
          inject: [AppConfig, JobsRepository, JobRuntime, JobRegistry, EventBus],
          // BullMQ is loaded only when Redis is configured (about 200 modules a process without Redis never needs).
          useFactory: async (
            config: AppConfig,
            repo: JobsRepository,
            runtime: JobRuntime,
            registry: JobRegistry,
            bus: EventBus,
          ): Promise<JobQueue> => {
            if (!config.redis.url) return new EmbeddedJobQueue(repo, runtime, registry, config.jobs.lockMs);
            const { BullJobQueue } = await import('./bull-job-queue');
            return new BullJobQueue(repo, runtime, registry, bus, {
              url: config.redis.url,
              prefix: `${config.redis.keyPrefix}bull`,
              lockMs: config.jobs.lockMs,
            });
          },
        },
        JobsService,
        JobWaiter,
        JobQueueStatus,
      ],
      exports: [JobQueue, JobsService, JobWaiter, JobRegistry, EventBus, JobQueueStatus],
    };
  }

  private readonly logger = new AppLogger('Jobs');

  constructor(
    private readonly queue: JobQueue,
    private readonly bus: EventBus,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
    private readonly role: JobsRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const consume = this.role.role === 'worker' || this.config.jobs.workerMode === 'inline';
    const kinds = this.registry.kinds().join(', ');
    if (!consume) {
      this.logger.info(`${this.queue.kind} job queue; WORKER_MODE=off: this process only enqueues (${kinds})`);
      return;
    }
    await this.queue.startWorkers();
    this.logger.info(`${this.queue.kind} job queue; consuming ${kinds}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
