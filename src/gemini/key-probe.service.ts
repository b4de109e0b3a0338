import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { classifyFailure } from '../key-rotation/core/error-classifier';
import { KeyRotationService } from '../key-rotation/key-rotation.service';
import { GeminiSdkTransport } from './gemini-sdk.transport';
import { TransportError } from './gemini.types';

const PROBE_TIMEOUT_MS = 10_000;
const PROBE_JOB = 'key-probe';

/**
 * Re-enables keys that were disabled automatically (invalid, suspended, leaked…) once a zero-quota call
 * (`GET /v1beta/models`) succeeds with them again. Runs every KEY_PROBE_INTERVAL_SECONDS, also when every
 * key is disabled. Keys disabled by an operator are left alone.
 */
@Injectable()
export class KeyProbeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new AppLogger('KeyProbe');
  private running = false;

  constructor(
    private readonly rotation: KeyRotationService,
    private readonly transport: GeminiSdkTransport,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.probeDisabledKeys().catch(() => undefined), this.config.rotation.probeIntervalMs);
    timer.unref();
    this.scheduler.addInterval(PROBE_JOB, timer);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', PROBE_JOB)) this.scheduler.deleteInterval(PROBE_JOB);
  }

  /** One round of probes; returns the key ids re-enabled. */
  async probeDisabledKeys(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    const enabled: string[] = [];
    try {
      for (const { keyId, secret, reason } of await this.rotation.disabledForProbe()) {
        try {
          await this.transport.listModels(secret, PROBE_TIMEOUT_MS);
          await this.rotation.enableKey(keyId, `probe_ok (was ${reason})`);
          enabled.push(keyId);
        } catch (e) {
          const why = e instanceof TransportError ? classifyFailure(e.failure).reason : 'probe_error';
          this.logger.info(`key ${keyId} still unusable: ${why}`);
        }
      }
    } finally {
      this.running = false;
    }
    return enabled;
  }
}
