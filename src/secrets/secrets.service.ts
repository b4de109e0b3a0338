import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SecretScrubber } from '../logging/secret-scrubber';
import { SecretProvider, SecretStoreError } from './secret-provider';

export interface SecretsStatus {
  store: SecretProvider['type'];
  /** When the set in use was fetched; null = never (no keys yet). */
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  /** Safe, actionable text of the last failure; null after a success. */
  lastError: string | null;
  /** How old the set in use is, in ms; null = never fetched. */
  ageMs: number | null;
  /** True when the last attempt failed and the set in use is an older one (or none). */
  stale: boolean;
  keyCount: number;
}

/**
 * Holds the last good set of key secrets. `fetch` asks the store; a failure keeps what we had, and the
 * status says how old it is. Every secret ever loaded is registered with the log scrubber.
 */
@Injectable()
export class SecretsService implements OnApplicationShutdown {
  private readonly logger = new AppLogger('Secrets');
  private secrets = new Map<string, string>();
  private lastSuccessAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly provider: SecretProvider,
    private readonly scrubber: SecretScrubber,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get store(): SecretProvider['type'] {
    return this.provider.type;
  }

  /** The set in use (last good). */
  current(): ReadonlyMap<string, string> {
    return this.secrets;
  }

  /**
   * Fetches secrets for these ids (plus whatever the store offers unasked). Returns true when the store
   * answered; on failure the previous set stays in use and the error is kept for health.
   */
  async refresh(keyIds: string[], now = this.clock.now()): Promise<boolean> {
    this.lastAttemptAt = now;
    try {
      const fetched = await this.provider.fetch(keyIds);
      this.scrubber.add(...fetched.values());
      this.secrets = fetched;
      this.lastSuccessAt = now;
      this.lastError = null;
      return true;
    } catch (e) {
      const message = e instanceof SecretStoreError ? e.message : `${this.provider.type}: unexpected error: ${(e as Error).message}`;
      this.lastError = this.scrubber.scrub(message);
      const kept =
        this.lastSuccessAt === null ? 'no keys loaded yet' : `keeping the last good set from ${new Date(this.lastSuccessAt).toISOString()}`;
      this.logger.warn(`secret refresh failed (${kept}): ${this.lastError}`);
      return false;
    }
  }

  status(now = this.clock.now()): SecretsStatus {
    return {
      store: this.provider.type,
      lastSuccessAt: this.lastSuccessAt,
      lastAttemptAt: this.lastAttemptAt,
      lastError: this.lastError,
      ageMs: this.lastSuccessAt === null ? null : now - this.lastSuccessAt,
      stale: this.lastError !== null,
      keyCount: this.secrets.size,
    };
  }

  get refreshIntervalMs(): number {
    return this.config.secrets.refreshIntervalMs;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.close();
  }
}
