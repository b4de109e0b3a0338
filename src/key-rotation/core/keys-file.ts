/**
 * keys.json: parsing and validation. Pure — takes already-parsed JSON, never touches the disk or env.
 *
 * File format (snake_case, the AlgoAgent format plus optional `project`):
 *   { "keys": [ { key_id, model_name, provider?, project?, rpm?, tpm?, rpd?, burst_capacity?, priority?,
 *                 workload_type?, active?, tags? } ],
 *     "fallback_order"?: [key_id...], "model_compatibility"?: { model: [model...] },
 *     "rotation_strategy"?: "least_loaded" | "round_robin" | "random" }
 *
 * Required per key: `key_id` (letters, digits, `_`, `-`, `.`; max 64) and `model_name`
 * (a leading `models/` is stripped). Defaults for everything else:
 *   provider        "gemini"   (the only provider this module serves; anything else is an error)
 *   project         = key_id   (a key without a project is its own Google Cloud project)
 *   rpm             10         (Gemini 2.5 Flash free tier, the conservative published numbers)
 *   tpm             250000     (input tokens per minute)
 *   rpd             250        (requests per Pacific day)
 *   burst_capacity  = rpm      (no burst limit beyond the sliding-minute RPM window)
 *   priority        1          (lower is tried first; integer >= 0)
 *   workload_type   null       (matches no workload preference; still used as fallback)
 *   active          true
 *   tags            {}         (string values; numbers and booleans are stringified)
 *   fallback_order  []
 *   model_compatibility {}
 *   rotation_strategy "least_loaded"
 *
 * Every problem is collected and thrown at once as a `KeysFileError` naming entry and field.
 * Unknown fields produce one warning each and are ignored. Field values are never echoed
 * (a misplaced secret must not reach the logs).
 */

export const ROTATION_STRATEGIES = ['least_loaded', 'round_robin', 'random'] as const;
export type RotationStrategy = (typeof ROTATION_STRATEGIES)[number];

export interface KeyMeta {
  keyId: string;
  modelName: string;
  provider: 'gemini';
  /** Google Cloud project; equals keyId when the file does not say. */
  project: string;
  rpm: number;
  tpm: number;
  rpd: number;
  burstCapacity: number;
  priority: number;
  workloadType: string | null;
  active: boolean;
  tags: Readonly<Record<string, string>>;
}

export interface KeysConfig {
  keys: KeyMeta[];
  fallbackOrder: string[];
  modelCompatibility: Readonly<Record<string, readonly string[]>>;
  rotationStrategy: RotationStrategy;
}

export const KEY_DEFAULTS = {
  provider: 'gemini',
  rpm: 10,
  tpm: 250_000,
  rpd: 250,
  priority: 1,
  workloadType: null,
  active: true,
  rotationStrategy: 'least_loaded',
} as const;

export class KeysFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid keys file (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'KeysFileError';
  }
}

const TOP_LEVEL_FIELDS = new Set(['keys', 'fallback_order', 'model_compatibility', 'rotation_strategy']);
const KEY_FIELDS = new Set([
  'key_id',
  'model_name',
  'provider',
  'project',
  'rpm',
  'tpm',
  'rpd',
  'burst_capacity',
  'priority',
  'workload_type',
  'active',
  'tags',
]);
const SECRET_LIKE_FIELD = /^(api_?key|key|secret|token|value)$/i;
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function normalizeModel(model: string): string {
  const trimmed = model.trim();
  return trimmed.startsWith('models/') ? trimmed.slice('models/'.length) : trimmed;
}

class Collector {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  problem(where: string, what: string): void {
    this.problems.push(`${where}: ${what}`);
  }
  unknownField(where: string, field: string): void {
    const hint = SECRET_LIKE_FIELD.test(field)
      ? ' (looks like a secret: secrets never live in keys.json, use env GEMINI_KEY_<key_id>)'
      : '';
    this.warnings.push(`${where}: unknown field "${field}" ignored${hint}`);
  }
}

function intField(entry: Json, field: string, where: string, out: Collector, fallback: number, min: 0 | 1): number {
  const value = entry[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    out.problem(`${where}.${field}`, min === 1 ? 'must be a positive integer' : 'must be a non-negative integer');
    return fallback;
  }
  return value;
}

function parseTags(value: unknown, where: string, out: Collector): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    out.problem(`${where}.tags`, 'must be an object of string values');
    return {};
  }
  const tags: Record<string, string> = {};
  for (const [name, tag] of Object.entries(value)) {
    if (typeof tag === 'string' || typeof tag === 'number' || typeof tag === 'boolean') {
      tags[name] = String(tag);
    } else {
      out.problem(`${where}.tags.${name}`, 'must be a string, number or boolean');
    }
  }
  return tags;
}

function parseKey(entry: unknown, index: number, out: Collector): KeyMeta | null {
  if (!isObject(entry)) {
    out.problem(`keys[${index}]`, 'must be an object');
    return null;
  }
  const rawId = entry.key_id;
  const idOk = typeof rawId === 'string' && KEY_ID_PATTERN.test(rawId);
  const where = idOk ? `keys[${index}] (key_id "${rawId}")` : `keys[${index}]`;
  if (rawId === undefined) out.problem(`${where}.key_id`, 'is required');
  else if (!idOk) out.problem(`${where}.key_id`, 'must be 1-64 characters of letters, digits, "_", "-" or "."');

  for (const field of Object.keys(entry)) {
    if (!KEY_FIELDS.has(field)) out.unknownField(where, field);
  }

  let modelName = '';
  if (entry.model_name === undefined) out.problem(`${where}.model_name`, 'is required');
  else if (!isNonEmptyString(entry.model_name)) out.problem(`${where}.model_name`, 'must be a non-empty string');
  else modelName = normalizeModel(entry.model_name);

  if (entry.provider !== undefined && entry.provider !== 'gemini') {
    out.problem(`${where}.provider`, 'must be "gemini"');
  }
  let project = idOk ? rawId : '';
  if (entry.project !== undefined) {
    if (isNonEmptyString(entry.project)) project = entry.project.trim();
    else out.problem(`${where}.project`, 'must be a non-empty string');
  }
  let workloadType: string | null = KEY_DEFAULTS.workloadType;
  if (entry.workload_type !== undefined && entry.workload_type !== null) {
    if (isNonEmptyString(entry.workload_type)) workloadType = entry.workload_type.trim();
    else out.problem(`${where}.workload_type`, 'must be a non-empty string or null');
  }
  let active: boolean = KEY_DEFAULTS.active;
  if (entry.active !== undefined) {
    if (typeof entry.active === 'boolean') active = entry.active;
    else out.problem(`${where}.active`, 'must be true or false');
  }

  const rpm = intField(entry, 'rpm', where, out, KEY_DEFAULTS.rpm, 1);
  const meta: KeyMeta = {
    keyId: idOk ? rawId : '',
    modelName,
    provider: 'gemini',
    project,
    rpm,
    tpm: intField(entry, 'tpm', where, out, KEY_DEFAULTS.tpm, 1),
    rpd: intField(entry, 'rpd', where, out, KEY_DEFAULTS.rpd, 1),
    burstCapacity: intField(entry, 'burst_capacity', where, out, rpm, 1),
    priority: intField(entry, 'priority', where, out, KEY_DEFAULTS.priority, 0),
    workloadType,
    active,
    tags: parseTags(entry.tags, where, out),
  };
  return idOk ? meta : null;
}

function parseFallbackOrder(value: unknown, known: Set<string>, out: Collector): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    out.problem('fallback_order', 'must be an array of key_ids');
    return [];
  }
  const order: string[] = [];
  value.forEach((id: unknown, i) => {
    if (typeof id !== 'string' || id.length === 0) {
      out.problem(`fallback_order[${i}]`, 'must be a key_id string');
    } else if (!known.has(id)) {
      out.problem(`fallback_order[${i}]`, `names unknown key_id "${id}"`);
    } else if (order.includes(id)) {
      out.warnings.push(`fallback_order[${i}]: key_id "${id}" listed again, later position ignored`);
    } else {
      order.push(id);
    }
  });
  return order;
}

function parseCompatibility(value: unknown, out: Collector): Record<string, string[]> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    out.problem('model_compatibility', 'must be an object mapping a model to an array of models');
    return {};
  }
  const compat: Record<string, string[]> = {};
  for (const [rawModel, list] of Object.entries(value)) {
    const where = `model_compatibility["${rawModel}"]`;
    if (!Array.isArray(list)) {
      out.problem(where, 'must be an array of model names');
      continue;
    }
    const model = normalizeModel(rawModel);
    const models: string[] = [];
    list.forEach((m: unknown, i) => {
      if (!isNonEmptyString(m)) out.problem(`${where}[${i}]`, 'must be a non-empty string');
      else if (normalizeModel(m) === model) out.problem(`${where}[${i}]`, 'must not name the model itself');
      else if (!models.includes(normalizeModel(m))) models.push(normalizeModel(m));
    });
    compat[model] = models;
  }
  return compat;
}

/** Validate a parsed keys.json. Throws `KeysFileError` listing every problem; returns warnings otherwise. */
export function parseKeysFile(json: unknown): { config: KeysConfig; warnings: string[] } {
  const out = new Collector();
  if (!isObject(json)) throw new KeysFileError(['(root): must be a JSON object with a "keys" array']);

  for (const field of Object.keys(json)) {
    if (!TOP_LEVEL_FIELDS.has(field)) out.unknownField('(root)', field);
  }

  const keys: KeyMeta[] = [];
  const firstIndex = new Map<string, number>();
  if (!Array.isArray(json.keys)) {
    out.problem('keys', json.keys === undefined ? 'is required' : 'must be an array');
  } else if (json.keys.length === 0) {
    out.problem('keys', 'must contain at least one key');
  } else {
    json.keys.forEach((entry: unknown, index) => {
      const meta = parseKey(entry, index, out);
      if (!meta) return;
      const seen = firstIndex.get(meta.keyId);
      if (seen !== undefined) {
        out.problem(`keys[${index}] (key_id "${meta.keyId}").key_id`, `duplicate of keys[${seen}]`);
        return;
      }
      firstIndex.set(meta.keyId, index);
      keys.push(meta);
    });
  }

  const fallbackOrder = parseFallbackOrder(json.fallback_order, new Set(firstIndex.keys()), out);
  const modelCompatibility = parseCompatibility(json.model_compatibility, out);

  let rotationStrategy: RotationStrategy = KEY_DEFAULTS.rotationStrategy;
  if (json.rotation_strategy !== undefined) {
    const s = json.rotation_strategy;
    if (typeof s === 'string' && (ROTATION_STRATEGIES as readonly string[]).includes(s)) {
      rotationStrategy = s as RotationStrategy;
    } else {
      out.problem('rotation_strategy', `must be one of ${ROTATION_STRATEGIES.join(', ')}`);
    }
  }

  if (out.problems.length > 0) throw new KeysFileError(out.problems);
  return { config: { keys, fallbackOrder, modelCompatibility, rotationStrategy }, warnings: out.warnings };
}

/**
 * Metadata for the "env keys only, no keys.json" case: every key serves `model`, is its own project,
 * and gets the documented defaults. Duplicate ids are kept once, in first-seen order.
 */
export function synthesizeKeysConfig(keyIds: readonly string[], model: string): KeysConfig {
  if (!isNonEmptyString(model)) throw new RangeError('synthesizeKeysConfig: model must be a non-empty string');
  const modelName = normalizeModel(model);
  const unique = [...new Set(keyIds)];
  const bad = unique.filter((id) => !KEY_ID_PATTERN.test(id));
  if (bad.length > 0) {
    throw new RangeError(`synthesizeKeysConfig: invalid key ids: ${bad.map((id) => JSON.stringify(id)).join(', ')}`);
  }
  return {
    keys: unique.map((keyId) => ({
      keyId,
      modelName,
      provider: 'gemini',
      project: keyId,
      rpm: KEY_DEFAULTS.rpm,
      tpm: KEY_DEFAULTS.tpm,
      rpd: KEY_DEFAULTS.rpd,
      burstCapacity: KEY_DEFAULTS.rpm,
      priority: KEY_DEFAULTS.priority,
      workloadType: KEY_DEFAULTS.workloadType,
      active: KEY_DEFAULTS.active,
      tags: {},
    })),
    fallbackOrder: [],
    modelCompatibility: {},
    rotationStrategy: KEY_DEFAULTS.rotationStrategy,
  };
}
