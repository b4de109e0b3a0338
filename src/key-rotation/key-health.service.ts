import { Injectable } from '@nestjs/common';
import { SecretsService, SecretsStatus } from '../secrets/secrets.service';
import { Clock } from '../common/clock';
import { coolingEnd } from './core/key-selector';
import { projectModelKey } from './core/project-limits';
import { KeyRotationService } from './key-rotation.service';
import { KeyStateRepository } from './key-state.repository';

export type KeyHealthState = 'ok' | 'cooling' | 'exhausted' | 'disabled' | 'missing_secret';

export interface QuotaUse {
  used: number;
  limit: number;
  /** True when the limit was lowered to what Gemini announced in a 429. */
  learned: boolean;
}

export interface KeyHealth {
  key_id: string;
  model: string;
  project: string;
  state: KeyHealthState;
  reason: string | null;
  active: boolean;
  in_cooldown: boolean;
  cooldown_until: string | null;
  rpm: QuotaUse;
  tpm: QuotaUse;
  rpd: QuotaUse;
  success_count: number;
  error_count: number;
  last_used: string | null;
  last_error: string | null;
  pinned_users: number;
}

export interface KeysHealthReport {
  total_keys: number;
  usable_keys: number;
  rotation_strategy: string;
  keys_file_problem: string | null;
  secrets: SecretsStatus;
  keys: KeyHealth[];
}

const iso = (ms: number | null | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

/** The operator's view of every key. Never includes a secret, not even a prefix. */
@Injectable()
export class KeyHealthService {
  constructor(
    private readonly rotation: KeyRotationService,
    private readonly state: KeyStateRepository,
    private readonly secrets: SecretsService,
    private readonly clock: Clock,
  ) {}

  async report(): Promise<KeysHealthReport> {
    const now = this.clock.now();
    const pool = this.rotation.keyPool;
    const view = await this.rotation.currentView(now, true);
    const snaps = KeyStateRepository.snapshots(pool, view);
    const keys = await Promise.all(
      pool.keys.map(async (k): Promise<KeyHealth> => {
        const s = snaps[k.keyId];
        const pm = view.pms.get(projectModelKey(k))!;
        const [stats, pinned] = await Promise.all([this.state.stats(k.keyId), this.state.pinnedUsers(k.keyId, now)]);
        const until = coolingEnd(s, now);
        const state: KeyHealthState = !s.hasSecret
          ? 'missing_secret'
          : s.disabledReason
            ? 'disabled'
            : s.projectExhaustedUntil
              ? 'exhausted'
              : until
                ? 'cooling'
                : 'ok';
        const limits = s.limits!;
        const use = (kind: 'rpm' | 'tpm' | 'rpd', used: number): QuotaUse => ({
          used,
          limit: limits[kind],
          learned: pm.learned[kind] !== undefined && pm.learned[kind] < pm.limits[kind],
        });
        return {
          key_id: k.keyId,
          model: k.modelName,
          project: k.project,
          state,
          reason:
            state === 'disabled'
              ? s.disabledReason!
              : state === 'missing_secret'
                ? 'no secret in the store'
                : state === 'ok'
                  ? null
                  : state,
          active: k.active && state !== 'disabled',
          in_cooldown: until !== null,
          cooldown_until: iso(until),
          rpm: use('rpm', pm.usage.rpmUsed),
          tpm: use('tpm', pm.usage.tpmUsed),
          rpd: use('rpd', pm.usage.rpdUsed),
          success_count: Number(stats.success_count ?? 0),
          error_count: Number(stats.error_count ?? 0),
          last_used: iso(Number(stats.last_used ?? 0)),
          last_error: stats.last_error ?? null,
          pinned_users: pinned,
        };
      }),
    );
    return {
      total_keys: keys.length,
      usable_keys: keys.filter((k) => k.state === 'ok').length,
      rotation_strategy: pool.config.rotationStrategy,
      keys_file_problem: this.rotation.keysFileProblem,
      secrets: this.secrets.status(now),
      keys,
    };
  }
}
