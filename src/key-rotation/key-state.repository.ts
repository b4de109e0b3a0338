import { Injectable } from '@nestjs/common';
import { ReserveResult, StateStore } from '../state-store/state-store';
import type { KeyRuntimeSnapshot } from './core/key-selector';
import type { KeyMeta } from './core/keys-file';
import { nextPacificMidnight, pacificDay } from './core/pacific-day';
import { Limits, projectModelKey, Usage } from './core/project-limits';
import { KeyPool } from './key-pool';
import { HOLD_EARLY_MS, MINUTE_WINDOW_MS, storeKeys as K } from './store-keys';

/** One reservation of quota on one key for one attempt. */
export interface Lease {
  keyId: string;
  model: string;
  pm: string;
  reservationId: string;
  estimatedTokens: number;
  day: string;
}

/** A slot held for a caller told to come back at `atMs`: theirs until `untilMs`. */
export interface HeldSlot extends Lease {
  atMs: number;
  untilMs: number;
}

export interface PmState {
  limits: Limits;
  learned: Partial<Limits>;
  usage: Usage;
  coolingUntil: number | null;
  exhaustedUntil: number | null;
}

export interface KeyState {
  disabledReason: string | null;
  coolingUntil: number | null;
}

export interface StateView {
  at: number;
  keys: Map<string, KeyState>;
  pms: Map<string, PmState>;
}

function parseSlots(value: string | null): HeldSlot[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as HeldSlot[]) : [];
  } catch {
    return [];
  }
}

function untilOrNull(value: string | null, now: number): number | null {
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n > now ? n : null;
}

/**
 * Everything the key rotation reads and writes in the state store, as named operations. The reservation
 * is one atomic store call that checks the key's disabled and cooldown flags and its project's cooldown,
 * exhaustion, RPM window, TPM window and day counter together.
 */
@Injectable()
export class KeyStateRepository {
  /** Key id → project: a key's flags carry its project's hash tag (see store-keys). */
  private projects = new Map<string, string>();

  constructor(private readonly store: StateStore) {}

  /** Tells the repository which project each key belongs to (on every pool reload). */
  usePool(pool: KeyPool): void {
    this.projects = new Map(pool.keys.map((k) => [k.keyId, k.project]));
  }

  private projectOf(keyId: string): string {
    return this.projects.get(keyId) ?? keyId;
  }

  /** Effective limits: the declared ones, lowered by what Gemini told us (learned). */
  static effective(limits: Limits, learned: Partial<Limits>): Limits {
    return {
      rpm: Math.min(limits.rpm, learned.rpm ?? Infinity),
      tpm: Math.min(limits.tpm, learned.tpm ?? Infinity),
      rpd: Math.min(limits.rpd, learned.rpd ?? Infinity),
    };
  }

  /**
   * Reserves quota on the key's project for now, or, with `slot`, for the later moment `slot.atMs`, held
   * until `slot.untilMs` for the caller to claim. Either way, slots held earlier and not claimed in time
   * are released first.
   */
  async reserve(
    meta: KeyMeta,
    model: string,
    limits: Limits,
    estimatedTokens: number,
    reservationId: string,
    now: number,
    slot?: { atMs: number; untilMs: number },
  ): Promise<{ lease: Lease } | { refused: ReserveResult & { ok: false } }> {
    const pm = projectModelKey(meta, model);
    const day = pacificDay(slot?.atMs ?? now);
    const result = await this.store.reserve({
      id: reservationId,
      nowMs: now,
      atMs: slot?.atMs,
      holds: { key: K.pmHolds(pm), untilMs: slot?.untilMs },
      blockers: [K.keyDisabled(meta.keyId, meta.project), K.keyCooling(meta.keyId, meta.project), K.pmCooling(pm), K.pmExhausted(pm)],
      windows: [
        { key: K.rpm(pm), limit: limits.rpm, windowMs: MINUTE_WINDOW_MS },
        { key: K.tpm(pm), limit: limits.tpm, windowMs: MINUTE_WINDOW_MS, cost: estimatedTokens },
      ],
      counters: [{ key: K.rpd(pm, day), limit: limits.rpd, amount: 1, expireAtMs: nextPacificMidnight(now) + 3_600_000 }],
    });
    if (!result.ok) return { refused: result };
    return { lease: { keyId: meta.keyId, model, pm, reservationId, estimatedTokens, day } };
  }

  /**
   * Remembers a held slot under its user, so their next call (or this one after waiting) can claim it.
   * Read-modify-write: two slots handed to one user at the same instant may keep only one pointer; the
   * other slot is then released unclaimed when its hold runs out (capacity comes back, nothing is lost).
   */
  async rememberSlot(userId: string, slot: HeldSlot, now: number): Promise<void> {
    const slots = [...parseSlots(await this.store.get(K.userSlots(userId))).filter((s) => s.untilMs > now), slot];
    const ttl = Math.max(...slots.map((s) => s.untilMs)) - now;
    await this.store.set(K.userSlots(userId), JSON.stringify(slots), Math.max(1, ttl));
  }

  /** The user's held slots, as stored (read alongside the pin on every call; usually none). */
  async slotsOf(userId: string): Promise<HeldSlot[]> {
    return parseSlots(await this.store.get(K.userSlots(userId)));
  }

  /**
   * Claims the earliest of these slots that is due (its time has come, or nearly): the lease is the
   * caller's. Claimed and lapsed slots are dropped from the user's list; `null` when none is due.
   */
  async claimSlot(userId: string, slots: HeldSlot[], now: number): Promise<HeldSlot | null> {
    const due = slots.filter((s) => s.untilMs > now && s.atMs <= now + HOLD_EARLY_MS).sort((a, b) => a.atMs - b.atMs);
    if (due.length === 0) return null;
    let claimed: HeldSlot | null = null;
    for (const slot of due) {
      if (await this.store.claimHold(K.pmHolds(slot.pm), slot.reservationId)) {
        claimed = slot;
        break;
      }
    }
    const dropped = new Set(due.slice(0, claimed ? due.indexOf(claimed) + 1 : due.length).map((s) => s.reservationId));
    const left = slots.filter((s) => s.untilMs > now && !dropped.has(s.reservationId));
    if (left.length === 0) await this.store.delete(K.userSlots(userId));
    else await this.store.set(K.userSlots(userId), JSON.stringify(left), Math.max(1, Math.max(...left.map((s) => s.untilMs)) - now));
    return claimed;
  }

  /**
   * The user came back before their slots were due: give those places back (they are served now if there
   * is room, or handed a new slot like anyone else).
   */
  async giveBackSlots(userId: string, slots: HeldSlot[], now: number): Promise<void> {
    for (const slot of slots) {
      if (slot.untilMs > now && (await this.store.claimHold(K.pmHolds(slot.pm), slot.reservationId))) await this.refund(slot);
    }
    await this.store.delete(K.userSlots(userId));
  }

  /** The request never reached Gemini: give its quota back. */
  refund(lease: Lease): Promise<void> {
    return this.store.release({
      id: lease.reservationId,
      windows: [
        { key: K.rpm(lease.pm), cost: 1 },
        { key: K.tpm(lease.pm), cost: lease.estimatedTokens },
      ],
      counters: [{ key: K.rpd(lease.pm, lease.day), amount: 1 }],
    });
  }

  /** Replace the token estimate with the real prompt token count. */
  reconcileTokens(lease: Lease, promptTokens: number, now: number): Promise<void> {
    return this.store.adjustWindow(K.tpm(lease.pm), lease.reservationId, lease.estimatedTokens, promptTokens, now);
  }

  /** Extend-only: returns the end in force. */
  coolKey(keyId: string, until: number, now: number): Promise<number> {
    return this.store.extendUntil(K.keyCooling(keyId, this.projectOf(keyId)), until, now);
  }

  coolProject(pm: string, until: number, now: number): Promise<number> {
    return this.store.extendUntil(K.pmCooling(pm), until, now);
  }

  exhaustProject(pm: string, now: number): Promise<number> {
    const until = nextPacificMidnight(now);
    return this.store.extendUntil(K.pmExhausted(pm), until, now);
  }

  /** Consecutive failures since the last success (kept for a day at most). */
  countFailure(keyId: string): Promise<number> {
    return this.store.increment(K.keyFailures(keyId), 1, 86_400_000);
  }

  async disable(keyId: string, reason: string): Promise<void> {
    await this.store.set(K.keyDisabled(keyId, this.projectOf(keyId)), reason);
  }

  /** Re-enable and forget the key's own cooldown and failure streak. */
  async enable(keyId: string): Promise<void> {
    await this.store.delete(K.keyDisabled(keyId, this.projectOf(keyId)), K.keyCooling(keyId, this.projectOf(keyId)), K.keyFailures(keyId));
  }

  learn(pm: string, kind: keyof Limits, value: number): Promise<void> {
    return this.store.hashSet(K.pmLearned(pm), { [kind]: String(value) });
  }

  // The writes below are independent of each other, so they go out together: on Redis that is one round trip
  // of waiting instead of three, on the path of every answered call.
  async recordSuccess(keyId: string, now: number): Promise<void> {
    await Promise.all([
      this.store.delete(K.keyFailures(keyId)),
      this.store.hashIncrement(K.keyStats(keyId), 'success_count', 1),
      this.store.hashSet(K.keyStats(keyId), { last_used: String(now) }),
    ]);
  }

  async recordError(keyId: string, reason: string, now: number): Promise<void> {
    await Promise.all([
      this.store.hashIncrement(K.keyStats(keyId), 'error_count', 1),
      this.store.hashSet(K.keyStats(keyId), { last_used: String(now), last_error: reason }),
    ]);
  }

  stats(keyId: string): Promise<Record<string, string>> {
    return this.store.hashGetAll(K.keyStats(keyId));
  }

  /**
   * The key the user is pinned to at `now` (the Clock's), or null. A pin carries its own end (`<keyId> <until>`),
   * so it ends on the same clock as every other rotation decision; the store's TTL only clears it away later.
   * A pin written before ends were stored (a bare key id) holds until its TTL.
   */
  async pinOf(userId: string, now: number): Promise<string | null> {
    const raw = await this.store.get(K.userPin(userId));
    if (raw === null) return null;
    const space = raw.indexOf(' ');
    if (space < 0) return raw;
    return Number(raw.slice(space + 1)) > now ? raw.slice(0, space) : null;
  }

  async pin(userId: string, keyId: string, previous: string | null, ttlMs: number, now: number): Promise<void> {
    await Promise.all([
      this.store.set(K.userPin(userId), `${keyId} ${now + ttlMs}`, ttlMs),
      this.store.hashSet(K.keyPins(keyId), { [userId]: String(now + ttlMs) }),
      previous && previous !== keyId ? this.store.hashDelete(K.keyPins(previous), userId) : undefined,
    ]);
  }

  /** Users pinned to the key right now (expired entries are pruned on the way). */
  async pinnedUsers(keyId: string, now: number): Promise<number> {
    const pins = await this.store.hashGetAll(K.keyPins(keyId));
    const expired = Object.entries(pins)
      .filter(([, until]) => Number(until) <= now)
      .map(([u]) => u);
    if (expired.length) await this.store.hashDelete(K.keyPins(keyId), ...expired);
    return Object.keys(pins).length - expired.length;
  }

  /** Reads every key's flags and every project's usage: a few round trips whatever the pool size. */
  async view(pool: KeyPool, now: number): Promise<StateView> {
    const keys = pool.keys;
    const pms = [...pool.projectModels.keys()];
    const day = pacificDay(now);
    const [keyFlags, pmFlags, rpm, tpm, learned] = await Promise.all([
      this.store.getMany(keys.flatMap((k) => [K.keyDisabled(k.keyId, k.project), K.keyCooling(k.keyId, k.project)])),
      this.store.getMany(pms.flatMap((pm) => [K.pmCooling(pm), K.pmExhausted(pm), K.rpd(pm, day)])),
      this.store.windowUsageMany(pms.map(K.rpm), MINUTE_WINDOW_MS, now),
      this.store.windowUsageMany(pms.map(K.tpm), MINUTE_WINDOW_MS, now),
      Promise.all(pms.map((pm) => this.store.hashGetAll(K.pmLearned(pm)))),
    ]);
    const view: StateView = { at: now, keys: new Map(), pms: new Map() };
    keys.forEach((k, i) => {
      view.keys.set(k.keyId, { disabledReason: keyFlags[2 * i], coolingUntil: untilOrNull(keyFlags[2 * i + 1], now) });
    });
    pms.forEach((pm, i) => {
      const l = learned[i];
      view.pms.set(pm, {
        limits: pool.projectModels.get(pm)!,
        learned: {
          ...(l.rpm ? { rpm: Number(l.rpm) } : {}),
          ...(l.tpm ? { tpm: Number(l.tpm) } : {}),
          ...(l.rpd ? { rpd: Number(l.rpd) } : {}),
        },
        usage: { rpmUsed: rpm[i], tpmUsed: tpm[i], rpdUsed: Number(pmFlags[3 * i + 2] ?? 0) },
        coolingUntil: untilOrNull(pmFlags[3 * i], now),
        exhaustedUntil: untilOrNull(pmFlags[3 * i + 1], now),
      });
    });
    return view;
  }

  /** The selector's per-key snapshot, from a view. */
  static snapshots(pool: KeyPool, view: StateView): Record<string, KeyRuntimeSnapshot> {
    const out: Record<string, KeyRuntimeSnapshot> = {};
    for (const k of pool.keys) {
      const ks = view.keys.get(k.keyId);
      const pm = view.pms.get(projectModelKey(k));
      out[k.keyId] = {
        hasSecret: pool.hasSecret(k.keyId),
        disabledReason: ks?.disabledReason ?? null,
        coolingUntil: ks?.coolingUntil ?? null,
        projectCoolingUntil: pm?.coolingUntil ?? null,
        projectExhaustedUntil: pm?.exhaustedUntil ?? null,
        usage: pm?.usage,
        limits: pm ? KeyStateRepository.effective(pm.limits, pm.learned) : undefined,
      };
    }
    return out;
  }
}
