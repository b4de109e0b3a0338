import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.module';
import { keyEvents } from '../database/schema';
import { MetricsService } from '../metrics/metrics.service';
import { SecretsService } from '../secrets/secrets.service';
import { Clock } from '../common/clock';
import { backoffMs } from './core/cooldown-policy';
import { classifyFailure, FailureAction, UpstreamFailure } from './core/error-classifier';
import { coolingEnd, KeyRuntimeSnapshot, projectModelKey, selectCandidates } from './core/key-selector';
import { KeyMeta, synthesizeKeysConfig } from './core/keys-file';
import type { Limits } from './core/project-limits';
import { SelectionPlan } from './core/selection-plan';
import { KeyPool } from './key-pool';
import { NoUsableKeysError } from './key-rotation.errors';
import { HeldSlot, KeyStateRepository, Lease, StateView } from './key-state.repository';
import { keysConfigFor, readKeysFile } from './keys-file.loader';

/** Who is calling and for what: every Gemini call carries one. */
export interface CallContext {
  userId: string;
  model: string;
  workload?: string | null;
  /** May a key of a `model_compatibility` model serve the call? Default true. */
  allowCompatible?: boolean;
}

export type Acquired =
  | { kind: 'lease'; lease: Lease; secret: string; pinned: boolean }
  /** No key can take the call now; `untilMs` is when the earliest frees (null: none will within this call). */
  | { kind: 'busy'; untilMs: number | null; why: string; allDisabled?: boolean; heldSlot?: boolean };

const VIEW_MAX_AGE_MS = 1000;
/** Tries at holding a slot when another replica took the one we aimed for. */
const SLOT_ATTEMPTS = 3;
/** Slots are handed out at most this far ahead; beyond it the answer is a plain Retry-After. */
const SLOT_HORIZON_MS = 120_000;
const REFRESH_JOB = 'secret-refresh';

/**
 * The key pool and its shared state: picks a key for each attempt (sticky per user, least loaded,
 * reserving quota atomically), and applies what a failure means (cooldown, exhaustion, disable).
 */
@Injectable()
export class KeyRotationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new AppLogger('KeyRotation');
  private pool: KeyPool = new KeyPool(synthesizeKeysConfig([], 'gemini-2.5-flash'), new Map());
  private viewCache: StateView | null = null;
  private viewReading: Promise<StateView> | null = null;
  private roundRobin = 0;
  private plans: { view: StateView | null; byShape: Map<string, SelectionPlan> } = { view: null, byShape: new Map() };
  private snapshotCache: { view: StateView; snapshots: Record<string, KeyRuntimeSnapshot> } | null = null;
  private fileProblem: string | null = null;
  private lastPoolSummary = '';

  constructor(
    private readonly config: AppConfig,
    private readonly secrets: SecretsService,
    private readonly state: KeyStateRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly database: Database,
    private readonly scheduler: SchedulerRegistry,
  ) {
    metrics.onScrape(() => this.exportGauges());
  }

  /** Loads keys.json and secrets before the app serves; a broken keys.json stops the boot. */
  async onApplicationBootstrap(): Promise<void> {
    await this.reload({ failOnBadFile: true });
    const refresh = setInterval(() => void this.reload({ failOnBadFile: false }).catch(() => undefined), this.secrets.refreshIntervalMs);
    refresh.unref();
    this.scheduler.addInterval(REFRESH_JOB, refresh);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', REFRESH_JOB)) this.scheduler.deleteInterval(REFRESH_JOB);
  }

  get keyPool(): KeyPool {
    return this.pool;
  }

  /**
   * Re-reads keys.json and the secret store and swaps the pool. Counters, cooldowns and pins live in the
   * state store under key ids, so unchanged keys keep them. A failed secret fetch keeps the last good set.
   */
  async reload(opts: { failOnBadFile: boolean }): Promise<{ keys: number; usable: number; warnings: string[] }> {
    const rotation = this.config.rotation;
    let file: ReturnType<typeof readKeysFile> = { config: null, warnings: [] };
    if (rotation.enabled) {
      try {
        file = readKeysFile(rotation.keysFile);
        this.fileProblem = null;
      } catch (e) {
        if (opts.failOnBadFile) throw e;
        this.fileProblem = (e as Error).message;
        this.logger.error(`keys file not reloaded, keeping the current pool: ${this.fileProblem}`);
        return { keys: this.pool.keys.length, usable: this.pool.usableIds().length, warnings: [this.fileProblem] };
      }
    }
    for (const w of file.warnings) this.logger.warn(`keys file: ${w}`);
    const wanted = file.config?.keys.map((k) => k.keyId) ?? [];
    const ok = await this.secrets.refresh(wanted, this.clock.now());
    if (!ok) this.metrics.secretRefreshFailures.inc({ store: this.secrets.store });
    const secrets = this.secrets.current();
    const keysConfig = rotation.enabled
      ? keysConfigFor(file, [...secrets.keys()], this.config.gemini.defaultModel)
      : synthesizeKeysConfig(secrets.has('default') ? ['default'] : [], this.config.gemini.defaultModel);
    this.pool = new KeyPool(keysConfig, secrets);
    this.state.usePool(this.pool);
    this.viewCache = null;
    const usable = this.pool.usableIds().length;
    const missing = keysConfig.keys.filter((k) => !secrets.has(k.keyId)).map((k) => k.keyId);
    if (missing.length) this.logger.warn(`keys without a secret (never selected): ${missing.join(', ')}`);
    // Once at boot and whenever the pool changes; the periodic secret refresh is otherwise silent.
    const summary = `key pool: ${keysConfig.keys.length} keys, ${usable} with secrets (store: ${this.secrets.store})`;
    if (summary !== this.lastPoolSummary) this.logger.info(summary);
    else this.logger.debug(summary);
    this.lastPoolSummary = summary;
    return { keys: keysConfig.keys.length, usable, warnings: file.warnings };
  }

  /** Does keys.json name models that may answer for `ctx.model` (and does the call allow them)? */
  hasCompatibleModels(ctx: CallContext): boolean {
    const models = this.pool.config.modelCompatibility?.[ctx.model] ?? [];
    return (ctx.allowCompatible ?? true) && models.some((m) => m !== ctx.model);
  }

  /** Finds a key for one attempt and reserves its quota. `tried` keys are skipped. */
  async acquire(ctx: CallContext, estimatedTokens: number, tried: ReadonlySet<string>): Promise<Acquired> {
    const started = process.hrtime.bigint();
    try {
      return await this.acquireInner(ctx, estimatedTokens, tried);
    } finally {
      this.metrics.reservationSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async acquireInner(ctx: CallContext, estimatedTokens: number, tried: ReadonlySet<string>): Promise<Acquired> {
    const pool = this.pool;
    if (pool.usableIds().length === 0) throw this.noKeysError();
    const now = this.clock.now();
    const holding = this.config.rotation.slotHoldMs > 0;
    const [view, pinned, slots] = await Promise.all([
      this.currentView(now),
      this.state.pinOf(ctx.userId, now),
      holding ? this.state.slotsOf(ctx.userId) : [],
    ]);
    if (slots.length > 0) {
      const claimed = await this.claimHeldSlot(pool, ctx.userId, slots, pinned, now);
      if (claimed) return claimed;
      // Back before their slot: a held slot would only stand in their own way now.
      await this.state.giveBackSlots(ctx.userId, slots, now);
    }
    const plan = this.planFor(pool, view, ctx, now);
    const candidates = plan.candidates({
      pinnedKeyId: pinned,
      excludeKeyIds: tried,
      allowCompatible: ctx.allowCompatible ?? true,
      roundRobinCursor: this.roundRobin++,
      random: Math.random,
    });
    let earliest: number | null = null;
    let offered = 0;
    const full: Array<{ meta: KeyMeta; model: string; limits: Limits; waitMs: number }> = [];
    for (const candidate of candidates) {
      offered++;
      const meta = pool.byId.get(candidate.keyId)!;
      const pmState = view.pms.get(projectModelKey(meta));
      const limits = pmState
        ? KeyStateRepository.effective(pmState.limits, pmState.learned)
        : pool.projectModels.get(projectModelKey(meta))!;
      const result = await this.state.reserve(meta, candidate.model, limits, estimatedTokens, randomUUID(), now);
      if ('lease' in result) {
        // Count it in the cached view too, so least_loaded spreads calls within the view's lifetime.
        const usage = view.pms.get(result.lease.pm)?.usage;
        if (usage) {
          usage.rpmUsed += 1;
          usage.tpmUsed += estimatedTokens;
          usage.rpdUsed += 1;
          plan.charge(result.lease.pm);
        }
        return { kind: 'lease', lease: result.lease, secret: pool.secretOf(candidate.keyId)!, pinned: candidate.keyId === pinned };
      }
      this.viewCache = null; // our picture was stale; read afresh next time
      const wait = result.refused.retryAfterMs;
      if (wait !== null) earliest = Math.min(earliest ?? Infinity, now + wait);
      if (wait !== null && result.refused.reason === 'window') full.push({ meta, model: candidate.model, limits, waitMs: wait });
    }
    if (offered === 0) return this.whyNone(pool, view, ctx, tried, pinned, now);
    if (holding && full.length > 0) {
      const held = await this.holdSlot(ctx.userId, full, estimatedTokens, now);
      if (held) return { kind: 'busy', untilMs: held.atMs, why: 'no key had quota left; a slot is held for this caller', heldSlot: true };
    }
    return { kind: 'busy', untilMs: earliest, why: 'no key had quota left' };
  }

  /**
   * Every key is full for now: reserve the earliest slot that will really be free for this caller, counting
   * the slots already handed to others (so callers told to come back are told different, honest times),
   * on a whole second so the Retry-After header names it exactly. The slot waits for them `slotHoldMs`.
   */
  private async holdSlot(
    userId: string,
    full: Array<{ meta: KeyMeta; model: string; limits: Limits; waitMs: number }>,
    estimatedTokens: number,
    now: number,
  ): Promise<HeldSlot | null> {
    const holdMs = this.config.rotation.slotHoldMs;
    const best = full.reduce((a, b) => (b.waitMs < a.waitMs ? b : a));
    let atMs = now + Math.max(1000, Math.ceil(best.waitMs / 1000) * 1000);
    for (let attempt = 0; attempt < SLOT_ATTEMPTS && atMs - now <= SLOT_HORIZON_MS; attempt++) {
      const id = randomUUID();
      const result = await this.state.reserve(best.meta, best.model, best.limits, estimatedTokens, id, now, {
        atMs,
        untilMs: atMs + holdMs,
      });
      if ('lease' in result) {
        const slot: HeldSlot = { ...result.lease, atMs, untilMs: atMs + holdMs };
        await this.state.rememberSlot(userId, slot, now);
        return slot;
      }
      const wait = result.refused.retryAfterMs;
      if (wait === null) return null;
      atMs += Math.max(1000, Math.ceil(wait / 1000) * 1000);
    }
    return null;
  }

  /** The caller comes back for a slot held for them: it is theirs (already reserved), if still held. */
  private async claimHeldSlot(
    pool: KeyPool,
    userId: string,
    slots: HeldSlot[],
    pinned: string | null,
    now: number,
  ): Promise<Acquired | null> {
    const slot = await this.state.claimSlot(userId, slots, now);
    if (!slot) return null;
    const secret = pool.secretOf(slot.keyId);
    const lease: Lease = {
      keyId: slot.keyId,
      model: slot.model,
      pm: slot.pm,
      reservationId: slot.reservationId,
      estimatedTokens: slot.estimatedTokens,
      day: slot.day,
    };
    if (!secret) {
      await this.state.refund(lease);
      return null;
    }
    return { kind: 'lease', lease, secret, pinned: slot.keyId === pinned };
  }

  /** The ordered keys for this view and request shape, built once per view (and when a cooldown ends). */
  private planFor(pool: KeyPool, view: StateView, ctx: CallContext, now: number): SelectionPlan {
    if (this.plans.view !== view) this.plans = { view, byShape: new Map() };
    const shape = `${ctx.model}\u0000${ctx.workload ?? ''}`;
    const cached = this.plans.byShape.get(shape);
    if (cached?.isCurrent(now)) return cached;
    const plan = new SelectionPlan({
      keys: pool.keys,
      fallbackOrder: pool.config.fallbackOrder,
      modelCompatibility: pool.config.modelCompatibility,
      state: this.snapshotsOf(pool, view),
      request: { model: ctx.model, workload: ctx.workload ?? null },
      now,
      strategy: pool.config.rotationStrategy,
    });
    this.plans.byShape.set(shape, plan);
    return plan;
  }

  private snapshotsOf(pool: KeyPool, view: StateView): Record<string, KeyRuntimeSnapshot> {
    if (this.snapshotCache?.view !== view) this.snapshotCache = { view, snapshots: KeyStateRepository.snapshots(pool, view) };
    return this.snapshotCache.snapshots;
  }

  /** No key to try at all: the full (slow) selection says why. */
  private whyNone(
    pool: KeyPool,
    view: StateView,
    ctx: CallContext,
    tried: ReadonlySet<string>,
    pinned: string | null,
    now: number,
  ): Acquired {
    const selection = selectCandidates({
      keys: pool.keys,
      fallbackOrder: pool.config.fallbackOrder,
      modelCompatibility: pool.config.modelCompatibility,
      state: this.snapshotsOf(pool, view),
      request: {
        model: ctx.model,
        userId: ctx.userId,
        pinnedKeyId: pinned,
        excludeKeyIds: tried,
        workload: ctx.workload ?? null,
        allowCompatible: ctx.allowCompatible ?? true,
      },
      now,
      strategy: pool.config.rotationStrategy,
      random: Math.random,
    });
    const empty = selection.empty;
    if (!empty) return { kind: 'busy', untilMs: now + VIEW_MAX_AGE_MS, why: 'keys became free since the last view' };
    switch (empty.kind) {
      case 'no_keys_for_model':
        throw new NoUsableKeysError(`No Gemini key serves model ${ctx.model}`, { model: ctx.model });
      case 'all_disabled':
        if (tried.size === 0) throw new NoUsableKeysError('Every Gemini key is disabled', { keys: empty.disabled });
        return { kind: 'busy', untilMs: null, why: 'every remaining key is disabled', allDisabled: true };
      case 'all_cooling':
        return { kind: 'busy', untilMs: empty.earliestFreeAt, why: `all keys cooling (${empty.cooling.length})` };
      case 'all_tried':
        return { kind: 'busy', untilMs: empty.earliestFreeAt, why: 'every usable key was tried' };
    }
  }

  /** The attempt succeeded: reconcile tokens, reset the failure streak, (re)pin the user. */
  async succeed(lease: Lease, ctx: CallContext, promptTokens: number | undefined, wasPinned: boolean): Promise<void> {
    const now = this.clock.now();
    this.metrics.geminiRequests.inc({ key_id: lease.keyId, model: lease.model, outcome: 'ok' });
    const repin = async () => {
      const previous = await this.state.pinOf(ctx.userId, now);
      await this.state.pin(ctx.userId, lease.keyId, previous, this.config.rotation.stickyTtlMs, now);
    };
    // Three independent pieces of bookkeeping, awaited together (one store round trip of waiting, not five).
    await Promise.all([
      promptTokens !== undefined && promptTokens !== lease.estimatedTokens
        ? this.state.reconcileTokens(lease, promptTokens, now)
        : undefined,
      this.state.recordSuccess(lease.keyId, now),
      wasPinned ? undefined : repin(),
    ]);
  }

  /** The attempt failed: classify, apply the effect to the key / project, and say what the loop should do. */
  async fail(lease: Lease, failure: UpstreamFailure): Promise<FailureAction> {
    const now = this.clock.now();
    const action = classifyFailure(failure);
    this.metrics.geminiRequests.inc({ key_id: lease.keyId, model: lease.model, outcome: action.reason });
    if (action.refund) await this.state.refund(lease);
    let until: number | null = null;
    const effect = action.effect;
    switch (effect.kind) {
      case 'cooldown':
        until =
          action.scope === 'key'
            ? await this.state.coolKey(lease.keyId, now + effect.ms, now)
            : await this.state.coolProject(lease.pm, now + effect.ms, now);
        break;
      case 'exhausted_until_pacific_midnight':
        until = await this.state.exhaustProject(lease.pm, now);
        break;
      case 'disable':
        await this.disableKey(lease.keyId, effect.reason, { status: failure.kind === 'http' ? failure.status : failure.kind });
        break;
      case 'backoff': {
        const n = await this.state.countFailure(lease.keyId);
        const { cooldownBaseMs: baseMs, cooldownCapMs: capMs } = this.config.rotation;
        until = await this.state.coolKey(lease.keyId, now + backoffMs(n, Math.random, { baseMs, capMs }), now);
        break;
      }
      case 'none':
        break;
    }
    if (action.learnedLimit) {
      const declared = this.pool.projectModels.get(lease.pm);
      const kind = action.learnedLimit.kind;
      if (declared && action.learnedLimit.value < declared[kind]) await this.state.learn(lease.pm, kind, action.learnedLimit.value);
    }
    if (effect.kind !== 'disable') await this.state.recordError(lease.keyId, action.reason, now);
    if (action.rotate) this.metrics.rotations.inc({ reason: action.reason });
    this.viewCache = null;
    const cooldown = until ? ` until ${new Date(until).toISOString()}` : '';
    this.logger.warn(
      `key ${lease.keyId} (${lease.model}): ${action.reason} → ${effect.kind}${cooldown}${action.rotate ? ', rotating' : ''}`,
    );
    return action;
  }

  async disableKey(keyId: string, reason: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.state.disable(keyId, reason);
    await this.audit(keyId, 'disabled', reason, detail);
    this.viewCache = null;
    this.logger.warn(`key ${keyId} disabled: ${reason}`);
  }

  async enableKey(keyId: string, reason: string): Promise<void> {
    await this.state.enable(keyId);
    await this.audit(keyId, 'enabled', reason);
    this.viewCache = null;
    this.logger.info(`key ${keyId} enabled: ${reason}`);
  }

  /** Keys disabled automatically (not by an operator), with their secrets, for the probe job. */
  async disabledForProbe(): Promise<Array<{ keyId: string; secret: string; reason: string }>> {
    const view = await this.currentView(this.clock.now(), true);
    const out: Array<{ keyId: string; secret: string; reason: string }> = [];
    for (const [keyId, s] of view.keys) {
      const secret = this.pool.secretOf(keyId);
      if (s.disabledReason && s.disabledReason !== 'manual' && secret) out.push({ keyId, secret, reason: s.disabledReason });
    }
    return out;
  }

  /** A fresh (≤ 1 s old) picture of every key's state. Concurrent callers share one read. */
  async currentView(now = this.clock.now(), fresh = false): Promise<StateView> {
    const cached = this.viewCache;
    if (!fresh && cached && now - cached.at <= VIEW_MAX_AGE_MS && now >= cached.at) return cached;
    if (!this.viewReading) {
      const pool = this.pool;
      this.viewReading = this.state
        .view(pool, now)
        .then((view) => {
          if (pool === this.pool) this.viewCache = view;
          return view;
        })
        .finally(() => (this.viewReading = null));
    }
    return this.viewReading;
  }

  /** Number of keys that could take a call for `model` now (for readiness and metrics). */
  async usableCount(now = this.clock.now()): Promise<number> {
    const view = await this.currentView(now);
    const snaps = this.snapshotsOf(this.pool, view);
    return this.pool.keys.filter(
      (k) => snaps[k.keyId].hasSecret && !snaps[k.keyId].disabledReason && k.active && coolingEnd(snaps[k.keyId], now) === null,
    ).length;
  }

  /** Keys that cannot serve until someone acts (disabled, inactive, or without a secret), with why. */
  async unusableKeys(now = this.clock.now()): Promise<Array<{ keyId: string; reason: string }>> {
    const view = await this.currentView(now);
    return this.pool.keys.flatMap((k) => {
      const disabled = view.keys.get(k.keyId)?.disabledReason;
      const reason = !this.pool.hasSecret(k.keyId) ? 'missing_secret' : !k.active ? 'inactive' : disabled;
      return reason ? [{ keyId: k.keyId, reason }] : [];
    });
  }

  async disabledOrMissingCount(now = this.clock.now()): Promise<number> {
    return (await this.unusableKeys(now)).length;
  }

  get keysFileProblem(): string | null {
    return this.fileProblem;
  }

  private noKeysError(): NoUsableKeysError {
    const status = this.secrets.status();
    const why = status.lastError
      ? `secret store problem: ${status.lastError}`
      : 'set GEMINI_API_KEY, GEMINI_API_KEYS or GEMINI_KEY_<key_id>, or configure a secret store';
    return new NoUsableKeysError('No Gemini keys are configured', why);
  }

  private async audit(keyId: string, event: string, reason: string, detail: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.database.connection.db.insert(keyEvents).values({ keyId, event, reason, detail });
    } catch (e) {
      this.logger.warn(`could not record key event for ${keyId}: ${(e as Error).message}`);
    }
  }

  private async exportGauges(): Promise<void> {
    const now = this.clock.now();
    let view: StateView;
    try {
      view = await this.currentView(now);
    } catch {
      return;
    }
    const snaps = KeyStateRepository.snapshots(this.pool, view);
    this.metrics.keyState.reset();
    this.metrics.keysAvailable.reset();
    const available = new Map<string, number>();
    for (const k of this.pool.keys) {
      const s = snaps[k.keyId];
      const state = !s.hasSecret
        ? 'missing_secret'
        : s.disabledReason
          ? 'disabled'
          : s.projectExhaustedUntil
            ? 'exhausted'
            : coolingEnd(s, now)
              ? 'cooling'
              : 'ok';
      this.metrics.keyState.set({ key_id: k.keyId, state }, 1);
      available.set(k.modelName, (available.get(k.modelName) ?? 0) + (state === 'ok' && k.active ? 1 : 0));
    }
    for (const [model, n] of available) this.metrics.keysAvailable.set({ model }, n);
    const status = this.secrets.status(now);
    if (status.ageMs !== null) this.metrics.secretAge.set({ store: status.store }, status.ageMs / 1000);
  }
}
