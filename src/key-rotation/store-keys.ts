/**
 * Names of everything the key rotation keeps in the state store. Project × model (`pm`) entries are
 * shared by every key of one Google Cloud project serving one model.
 */
export const storeKeys = {
  rpm: (pm: string) => `kr:${pmTag(pm)}:pm:${pm}:rpm`,
  tpm: (pm: string) => `kr:${pmTag(pm)}:pm:${pm}:tpm`,
  /** Requests per day, one counter per Pacific day. */
  rpd: (pm: string, pacificDay: string) => `kr:${pmTag(pm)}:pm:${pm}:rpd:${pacificDay}`,
  /** Per-minute / token 429: value is the end time (epoch ms). */
  pmCooling: (pm: string) => `kr:${pmTag(pm)}:pm:${pm}:cool`,
  /** Per-day 429: value is the end time (next Pacific midnight). */
  pmExhausted: (pm: string) => `kr:${pmTag(pm)}:pm:${pm}:exhausted`,
  /** Limits learned from 429 `quotaValue`s: hash rpm/tpm/rpd. */
  pmLearned: (pm: string) => `kr:${pmTag(pm)}:pm:${pm}:learned`,
  /** Slots handed to callers told to come back (Retry-After), released when not claimed in time. */
  pmHolds: (pm: string) => `kr:${pmTag(pm)}:pm:${pm}:holds`,
  keyCooling: (keyId: string, project: string) => `kr:${tag(project)}:key:${keyId}:cool`,
  keyFailures: (keyId: string) => `kr:key:${keyId}:fails`,
  /** Value: the disable reason. No expiry: probes or an operator re-enable. */
  keyDisabled: (keyId: string, project: string) => `kr:${tag(project)}:key:${keyId}:disabled`,
  /** Hash: success_count, error_count, last_used, last_error. */
  keyStats: (keyId: string) => `kr:key:${keyId}:stats`,
  /** Hash: userId → pin expiry (epoch ms), for the "pinned users" count. */
  keyPins: (keyId: string) => `kr:key:${keyId}:pins`,
  userPin: (userId: string) => `kr:pin:${userId}`,
  /** Hash: reservation id → the slot held for this user (JSON), claimed when they come back. */
  userSlots: (userId: string) => `kr:slots:${userId}`,
};

/**
 * Hash tag of a Google Cloud project: every key one reservation script touches (the key's flags, its
 * project's windows, counters, cooldowns and holds) carries it, so on a Redis Cluster they share a slot.
 */
function tag(project: string): string {
  return `{p:${project}}`;
}

function pmTag(pm: string): string {
  const cut = pm.lastIndexOf('::');
  return tag(cut >= 0 ? pm.slice(0, cut) : pm);
}

/** A caller may claim its slot this much before its time (timers and clocks differ a little). */
export const HOLD_EARLY_MS = 250;

/**
 * Length of the per-minute admission windows. Gemini counts a request when it arrives, we when we admit it,
 * a few milliseconds earlier; a slot we free at exactly 60 s can still be taken on Gemini's side. One second
 * of margin keeps our admission from ever causing a 429, at the price of ~1.6 % of the per-minute capacity.
 */
export const MINUTE_WINDOW_MS = 61_000;
