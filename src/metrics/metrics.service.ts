import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const GAUGES_NAMED_LIKE_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * The Prometheus registry and every metric the service exports. Labels carry key ids, models, reasons and
 * outcomes — never a secret.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly geminiRequests = new Counter({
    name: 'gemini_requests_total',
    help: 'Gemini attempts by key, model and outcome (ok or a failure reason)',
    labelNames: ['key_id', 'model', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly keyState = new Gauge({
    name: 'gemini_key_state',
    help: '1 for the state each key is in (ok, cooling, exhausted, disabled, missing_secret)',
    labelNames: ['key_id', 'state'] as const,
    registers: [this.registry],
  });

  readonly rotations = new Counter({
    name: 'gemini_rotations_total',
    help: 'Times a call moved on to another key, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly keysAvailable = new Gauge({
    name: 'gemini_keys_available',
    help: 'Keys able to take a call right now, by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly reservationSeconds = new Histogram({
    name: 'gemini_reservation_seconds',
    help: 'Time to select a key and reserve its quota',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });

  readonly upstreamSeconds = new Histogram({
    name: 'gemini_upstream_seconds',
    help: 'Duration of Gemini HTTP attempts',
    labelNames: ['model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly secretRefreshFailures = new Counter({
    name: 'secret_refresh_failures_total',
    help: 'Secret store refreshes that failed (the last good set stayed in use)',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });

  readonly secretAge = new Gauge({
    name: 'secret_set_age_seconds',
    help: 'Age of the key secrets in use (time since the last successful fetch)',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });

  readonly botRuns = new Counter({
    name: 'bot_runs_total',
    help: 'Sandboxed bot runs by outcome (ok or an error type such as timeout, memory, syntax)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly botRunSeconds = new Histogram({
    name: 'bot_run_seconds',
    help: 'Wall-clock duration of sandboxed bot runs, process start to result',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly botQueue = new Gauge({
    name: 'bot_runs_queued',
    help: 'Bot runs waiting for a sandbox slot',
    registers: [this.registry],
  });

  readonly stateStoreDegraded = new Gauge({
    name: 'state_store_degraded',
    help: '1 while Redis is unreachable and state is kept in local memory (fail-open)',
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route template (never the raw path) and status code, with their duration',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'http_rate_limited_total',
    help: '429 answers by reason: keys_busy (every Gemini key busy), user_limit, login_throttle, bot_queue',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly geminiTokens = new Counter({
    name: 'gemini_tokens_total',
    help: 'Gemini tokens used by key, model and kind (prompt or output), from usageMetadata',
    labelNames: ['key_id', 'model', 'kind'] as const,
    registers: [this.registry],
  });

  readonly jobsTotal = new Counter({
    name: 'jobs_total',
    help: 'Job attempts that ended, by kind and outcome (succeeded, failed, cancelled, retry, delay)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobSeconds = new Histogram({
    name: 'job_duration_seconds',
    help: 'Duration of job attempts, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });

  readonly jobQueue = new Gauge({
    name: 'job_queue_jobs',
    help: 'Jobs in each queue by kind and state (waiting, active, delayed, failed, completed)',
    labelNames: ['kind', 'state'] as const,
    registers: [this.registry],
  });

  readonly jobConsumers = new Gauge({
    name: 'job_queue_consumers',
    help: 'Worker processes consuming each kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges `*_total`, which Prometheus reserves for counters (promtool rejects them).
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) this.registry.removeSingleMetric(name);
  }

  /** Hooks that refresh gauges right before a scrape. */
  private readonly beforeScrape: Array<() => Promise<void> | void> = [];

  onScrape(hook: () => Promise<void> | void): void {
    this.beforeScrape.push(hook);
  }

  async render(): Promise<string> {
    for (const hook of this.beforeScrape) await hook();
    return this.registry.metrics();
  }
}
