/** Queue figures for /metrics and readiness: counts per kind and whether anyone consumes a queue with waiting jobs. */
import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { JobQueue, QueueCounts } from './job-queue';

export interface QueueStatus {
  engine: 'bullmq' | 'embedded';
  queues: Record<string, QueueCounts & { consumers: number }>;
  /** Kinds with jobs waiting and no process consuming them. */
  unconsumed: string[];
}

@Injectable()
export class JobQueueStatus {
  constructor(
    private readonly queue: JobQueue,
    metrics: MetricsService,
  ) {
    metrics.onScrape(async () => {
      const status = await this.status().catch(() => null);
      if (!status) return;
      for (const [kind, q] of Object.entries(status.queues)) {
        for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed'] as const)
          metrics.jobQueue.set({ kind, state }, q[state]);
        metrics.jobConsumers.set({ kind }, q.consumers);
      }
    });
  }

  async status(): Promise<QueueStatus> {
    const [counts, consumers] = await Promise.all([this.queue.counts(), this.queue.consumers()]);
    const queues: QueueStatus['queues'] = {};
    const unconsumed: string[] = [];
    for (const [kind, c] of Object.entries(counts)) {
      queues[kind] = { ...c, consumers: consumers[kind] ?? 0 };
      if (c.waiting + c.delayed > 0 && !consumers[kind]) unconsumed.push(kind);
    }
    return { engine: this.queue.kind, queues, unconsumed };
  }
}
