/**
 * `strategies/health/` and `backtests/health/`: whether each part the production endpoints need answers —
 * the lifecycle store (database, within 2 s), the static checker, the bot sandbox (its bundle builds) and
 * the version store. Git is gone (versions live in the database), so it is not a component any more.
 */
import { Injectable } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { sandboxBundlePath } from '../bots/sandbox/bundle';
import { SandboxRunner } from '../bots/sandbox/sandbox-runner.service';
import { AppConfig } from '../config/app-config';
import { count } from 'drizzle-orm';
import { strategyVersions } from '../database/schema';
import { LifecycleRepository } from './lifecycle.repository';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface HealthReport {
  healthy: boolean;
  body: { overall: 'healthy' | 'degraded'; components: Record<string, Record<string, unknown>> };
}

@Injectable()
export class ProductionHealthService {
  private readonly logger = new AppLogger('ProductionHealth');

  constructor(
    private readonly lifecycle: LifecycleRepository,
    private readonly sandbox: SandboxRunner,
    private readonly config: AppConfig,
  ) {}

  private async attempt<T>(name: string, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    try {
      return { ok: true, value: await withTimeout(work()) };
    } catch (error) {
      this.logger.warn(`${name} is unavailable`, { err: error });
      return { ok: false, error: `${name} is unavailable` };
    }
  }

  private async sandboxComponent(): Promise<Record<string, unknown>> {
    const bundle = await this.attempt('sandbox_runner', () => sandboxBundlePath());
    return {
      available: bundle.ok,
      docker_available: false,
      isolation: 'child process + Node permission model + vm context',
      ...this.sandbox.stats,
      ...(bundle.ok ? {} : { error: bundle.error }),
    };
  }

  async strategies(): Promise<HealthReport> {
    const tracked = await this.attempt('state_manager', () => this.lifecycle.countTracked());
    const versions = await this.attempt('version_store', async () => {
      const [{ n }] = await this.lifecycle.db.select({ n: count() }).from(strategyVersions);
      return Number(n);
    });
    const components = {
      state_manager: {
        available: tracked.ok,
        strategies_tracked: tracked.ok ? tracked.value : 0,
        ...(tracked.ok ? {} : { error: tracked.error }),
      },
      safe_tools: { available: true, workspace: this.config.bots.dir },
      output_validator: { available: true, strict_mode: true },
      sandbox_runner: await this.sandboxComponent(),
      version_store: {
        available: versions.ok,
        versions: versions.ok ? versions.value : 0,
        ...(versions.ok ? {} : { error: versions.error }),
      },
    };
    return report(components);
  }

  async backtests(): Promise<HealthReport> {
    const tracked = await this.attempt('state_manager', () => this.lifecycle.countTracked());
    const components = {
      state_manager: { available: tracked.ok, ...(tracked.ok ? {} : { error: tracked.error }) },
      output_validator: { available: true, strict_mode: true },
      sandbox_runner: await this.sandboxComponent(),
    };
    return report(components);
  }
}

function report(components: Record<string, Record<string, unknown>>): HealthReport {
  const healthy = Object.values(components).every((c) => c.available === true);
  return { healthy, body: { overall: healthy ? 'healthy' : 'degraded', components } };
}
