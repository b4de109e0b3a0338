/**
 * Applies lifecycle events (core/lifecycle.ts) to the stored state: the row is locked, the transition
 * checked, the row updated and the audit event written in the caller's transaction, so a refused or failed
 * step leaves nothing behind. Also reads a strategy's lifecycle for `strategies/{id}/lifecycle/`.
 */
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Db } from '../database/database';
import { iso } from '../strategy/records/params';
import type { StrategyRow } from '../strategy/strategies.repository';
import { allowedEvents, INITIAL_STATE, isLifecycleState, LifecycleEvent, LifecycleState, transition } from './core/lifecycle';
import { LifecycleChanges, LifecycleEventRow, LifecycleRepository, LifecycleRow } from './lifecycle.repository';

/** Most audit events `lifecycle/` shows (oldest first). */
export const AUDIT_LOG_LIMIT = 500;

export interface Actor {
  id: number | null;
  username: string;
}

export const actorOf = (user: AuthUser): Actor => ({ id: user.id, username: user.username });

export function stateOf(row: LifecycleRow | null): LifecycleState {
  return row && isLifecycleState(row.status) ? row.status : INITIAL_STATE;
}

export function auditJson(e: LifecycleEventRow) {
  return {
    id: e.id,
    action: e.action,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    actor: { id: e.actorId, username: e.actorName },
    detail: e.detail,
    created_at: iso(e.createdAt)!,
  };
}

@Injectable()
export class LifecycleService {
  constructor(private readonly repo: LifecycleRepository) {}

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.repo.transaction(work);
  }

  /**
   * Moves the strategy by `event` (or records `action` without moving, when `event` is null), with `changes`
   * to the counters. Throws `refused(from)` (default: 409) when the state machine does not allow it.
   */
  async apply(
    tx: Db,
    input: {
      strategyId: number;
      event: LifecycleEvent | null;
      action: string;
      actor: Actor;
      detail?: Record<string, unknown>;
      changes?: LifecycleChanges;
      refused?: (from: LifecycleState, reason: string) => DomainError;
    },
  ): Promise<LifecycleRow> {
    const row = await this.repo.lock(input.strategyId, tx);
    const from = stateOf(row);
    let to = from;
    if (input.event) {
      const t = transition(from, input.event);
      if (!t.ok) {
        throw (
          input.refused?.(from, t.reason) ??
          new DomainError(ErrorCode.Conflict, t.reason, { current_status: from, allowed_from: t.allowedFrom })
        );
      }
      to = t.to;
    }
    const updated = await this.repo.update(input.strategyId, { ...(input.changes ?? {}), status: to }, tx);
    await this.repo.addEvent(
      {
        strategyId: input.strategyId,
        actorId: input.actor.id,
        actorName: input.actor.username,
        action: input.action,
        fromStatus: from,
        toStatus: to,
        detail: input.detail ?? {},
      },
      tx,
    );
    return updated;
  }

  increments = (...c: Parameters<LifecycleRepository['increments']>) => this.repo.increments(...c);

  async get(strategyId: number, tx?: Db): Promise<LifecycleRow | null> {
    return this.repo.get(strategyId, tx);
  }

  /** GET strategies/{id}/lifecycle/: a strategy no production action has touched yet is `generated`. */
  async describe(strategy: StrategyRow) {
    const row = await this.repo.get(strategy.id);
    const events = row ? await this.repo.events(strategy.id, AUDIT_LOG_LIMIT) : [];
    const status = stateOf(row);
    return {
      strategy_id: strategy.id,
      name: strategy.name,
      current_status: status,
      allowed_events: allowedEvents(status),
      current_version: row?.currentVersion ?? null,
      lifecycle_tracking: {
        generation_attempts: row?.generationAttempts ?? 0,
        test_attempts: row?.testAttempts ?? 0,
        fix_attempts: row?.fixAttempts ?? 0,
        error_count: row?.errorCount ?? 0,
        last_error: row?.lastError ?? null,
      },
      timestamps: {
        created_at: iso(row?.createdAt ?? strategy.createdAt),
        last_generation: iso(strategy.createdAt),
        last_test: iso(row?.lastTestAt),
        last_success: iso(row?.lastSuccessAt),
      },
      audit_log: events.map(auditJson),
    };
  }

  countTracked(): Promise<number> {
    return this.repo.countTracked();
  }
}
