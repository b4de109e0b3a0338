/**
 * The canonical strategy: the structured JSON Gemini is asked for (via `responseSchema`), the server-side
 * check of what came back, and the plain-text description other AI paths (bot generation) build from it.
 * Pure: no Nest, no I/O.
 *
 * `confidence` is one of 'high' | 'medium' | 'low' (the words the Django validator reported), never a number.
 */
import { asText } from '../../common/text';

export const CONFIDENCE_LEVELS = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export const STRATEGY_TYPES = [
  'trend_following',
  'mean_reversion',
  'momentum',
  'breakout',
  'scalping',
  'swing',
  'arbitrage',
  'market_making',
  'custom',
] as const;
export const RISK_TIERS = ['low', 'medium', 'high'] as const;

export interface CanonicalRule {
  id?: string;
  description: string;
  condition?: string;
}

export interface CanonicalIndicator {
  name: string;
  params?: string | Record<string, unknown>;
}

export interface CanonicalStrategy {
  title: string;
  description: string;
  classification: { type: string; risk_tier: string; primary_instruments: string[] };
  entry_rules: CanonicalRule[];
  exit_rules: CanonicalRule[];
  risk_management: { stop_loss?: string | null; take_profit?: string | null; position_sizing?: string | null };
  indicators: CanonicalIndicator[];
  metadata: { timeframe: string; expected_return?: number | null; max_drawdown?: number | null; [key: string]: unknown };
  confidence: Confidence;
  warnings: string[];
}

/** What Gemini answers: the verdict on whether the text is a strategy at all, plus the canonical fields. */
export interface ValidationAnswer extends Partial<CanonicalStrategy> {
  is_strategy: boolean;
  /** Why the text is not a (usable) strategy; required when `is_strategy` is false. */
  reasons?: string[];
}

export interface Problem {
  /** JSONPath-like location, e.g. `$.entry_rules[0].description`. */
  path: string;
  message: string;
}

const MAX_TEXT = 2000;
const MAX_ITEMS = 50;

// ------------------------------------------------------------------ response schema (Gemini OpenAPI subset)

const str = (description: string, extra: Record<string, unknown> = {}) => ({
  type: 'string',
  description,
  ...(extra.enum ? { format: 'enum' } : {}),
  ...extra,
});
const rule = {
  type: 'object',
  properties: {
    id: str('Short id, e.g. "entry_1"'),
    description: str('The rule in one plain sentence'),
    condition: str('The rule as a formula when possible, e.g. "ema_12 > ema_26 and rsi_14 < 70"'),
  },
  required: ['description'],
  propertyOrdering: ['id', 'description', 'condition'],
};

/** The `responseSchema` sent with every validation call (types in the SDK's lowercase spelling). */
export const VALIDATION_RESPONSE_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    is_strategy: { type: 'boolean', description: 'false when the text does not describe a trading strategy' },
    reasons: {
      type: 'array',
      items: { type: 'string' },
      description: 'Why it is not a usable trading strategy (when is_strategy is false)',
    },
    title: str('A short name for the strategy'),
    description: str('Two or three sentences summarising the strategy'),
    classification: {
      type: 'object',
      properties: {
        type: str('Strategy style', { enum: [...STRATEGY_TYPES] }),
        risk_tier: str('Overall risk', { enum: [...RISK_TIERS] }),
        primary_instruments: {
          type: 'array',
          items: { type: 'string' },
          description: 'Symbols or asset classes, e.g. "BTC-USD", "SPY", "forex"',
        },
      },
      required: ['type', 'risk_tier', 'primary_instruments'],
      propertyOrdering: ['type', 'risk_tier', 'primary_instruments'],
    },
    entry_rules: { type: 'array', items: rule, minItems: 1 },
    exit_rules: { type: 'array', items: rule, minItems: 1 },
    risk_management: {
      type: 'object',
      properties: {
        stop_loss: str('e.g. "2% below entry"', { nullable: true }),
        take_profit: str('e.g. "4% above entry"', { nullable: true }),
        position_sizing: str('e.g. "risk 1% of equity per trade"', { nullable: true }),
      },
      propertyOrdering: ['stop_loss', 'take_profit', 'position_sizing'],
    },
    indicators: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: str('Indicator name, e.g. "EMA", "RSI"'), params: str('Parameters, e.g. "period=14"', { nullable: true }) },
        required: ['name'],
        propertyOrdering: ['name', 'params'],
      },
    },
    metadata: {
      type: 'object',
      properties: {
        timeframe: str('Bar size, e.g. "1d", "4h", "15m"'),
        expected_return: { type: 'number', nullable: true, description: 'Expected annual return in percent, only if stated' },
        max_drawdown: { type: 'number', nullable: true, description: 'Maximum drawdown in percent, only if stated' },
        holding_period: str('Typical holding period', { nullable: true }),
        market: str('Market or asset class', { nullable: true }),
      },
      required: ['timeframe'],
      propertyOrdering: ['timeframe', 'expected_return', 'max_drawdown', 'holding_period', 'market'],
    },
    confidence: str('How sure you are that the structure matches the text', { enum: [...CONFIDENCE_LEVELS] }),
    warnings: { type: 'array', items: { type: 'string' }, description: 'Ambiguities, missing pieces, risky choices' },
  },
  required: ['is_strategy', 'confidence', 'warnings'],
  propertyOrdering: [
    'is_strategy',
    'reasons',
    'title',
    'description',
    'classification',
    'entry_rules',
    'exit_rules',
    'risk_management',
    'indicators',
    'metadata',
    'confidence',
    'warnings',
  ],
};

// ------------------------------------------------------------------ validation

type Json = unknown;
const isObject = (v: Json): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: Problem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  string(v: Json, path: string, opts: { required?: boolean; max?: number; enum?: readonly string[]; nullable?: boolean } = {}): void {
    if (v === undefined || (v === null && opts.nullable)) {
      if (opts.required) this.add(path, 'is required');
      return;
    }
    if (typeof v !== 'string') return this.add(path, opts.enum ? `must be one of ${opts.enum.join(', ')}` : 'must be a string');
    if (opts.required && v.trim() === '') return this.add(path, 'must not be empty');
    if (v.length > (opts.max ?? MAX_TEXT)) this.add(path, `must be at most ${opts.max ?? MAX_TEXT} characters`);
    if (opts.enum && !opts.enum.includes(v)) this.add(path, `must be one of ${opts.enum.join(', ')}`);
  }

  array(v: Json, path: string, opts: { required?: boolean; min?: number } = {}): unknown[] {
    if (v === undefined) {
      if (opts.required) this.add(path, 'is required');
      return [];
    }
    if (!Array.isArray(v)) {
      this.add(path, 'must be an array');
      return [];
    }
    if (v.length < (opts.min ?? 0)) this.add(path, `must have at least ${opts.min} item(s)`);
    if (v.length > MAX_ITEMS) this.add(path, `must have at most ${MAX_ITEMS} items`);
    return v;
  }

  object(v: Json, path: string, required: boolean): Record<string, unknown> | null {
    if (v === undefined) {
      if (required) this.add(path, 'is required');
      return null;
    }
    if (!isObject(v)) {
      this.add(path, 'must be an object');
      return null;
    }
    return v;
  }

  number(v: Json, path: string): void {
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.add(path, 'must be a number or null');
  }

  rules(v: Json, path: string): void {
    this.array(v, path, { required: true, min: 1 }).forEach((r, i) => {
      const p = `${path}[${i}]`;
      const o = this.object(r, p, true);
      if (!o) return;
      this.string(o.id, `${p}.id`, { max: 100 });
      this.string(o.description, `${p}.description`, { required: true });
      this.string(o.condition, `${p}.condition`, { nullable: true });
    });
  }
}

/**
 * Every problem of a Gemini answer, each with its path. An answer saying `is_strategy: false` needs only
 * its reasons; one saying `true` must be a complete canonical strategy.
 */
export function validateAnswer(answer: Json): Problem[] {
  const c = new Checker();
  const o = c.object(answer, '$', true);
  if (!o) return c.problems;
  if (typeof o.is_strategy !== 'boolean') c.add('$.is_strategy', 'must be true or false');
  if (o.is_strategy === false) {
    const reasons = c.array(o.reasons, '$.reasons', { required: true, min: 1 });
    reasons.forEach((r, i) => c.string(r, `$.reasons[${i}]`, { required: true }));
    return c.problems;
  }
  return [...c.problems, ...validateCanonical(o)];
}

/** Every problem of a canonical strategy (as stored in `strategy_code`), each with its path. */
export function validateCanonical(value: Json): Problem[] {
  const c = new Checker();
  const o = c.object(value, '$', true);
  if (!o) return c.problems;
  c.string(o.title, '$.title', { required: true, max: 200 });
  c.string(o.description, '$.description', { required: true });
  const cls = c.object(o.classification, '$.classification', true);
  if (cls) {
    c.string(cls.type, '$.classification.type', { required: true, max: 100 });
    c.string(cls.risk_tier, '$.classification.risk_tier', { required: true, enum: RISK_TIERS });
    c.array(cls.primary_instruments, '$.classification.primary_instruments', { required: true }).forEach((s, i) =>
      c.string(s, `$.classification.primary_instruments[${i}]`, { required: true, max: 50 }),
    );
  }
  c.rules(o.entry_rules, '$.entry_rules');
  c.rules(o.exit_rules, '$.exit_rules');
  const risk = c.object(o.risk_management, '$.risk_management', true);
  if (risk)
    for (const k of ['stop_loss', 'take_profit', 'position_sizing']) c.string(risk[k], `$.risk_management.${k}`, { nullable: true });
  c.array(o.indicators, '$.indicators', { required: true }).forEach((ind, i) => {
    const p = `$.indicators[${i}]`;
    const io = c.object(ind, p, true);
    if (!io) return;
    c.string(io.name, `${p}.name`, { required: true, max: 100 });
    if (io.params !== undefined && io.params !== null && typeof io.params !== 'string' && !isObject(io.params))
      c.add(`${p}.params`, 'must be a string or an object');
  });
  const meta = c.object(o.metadata, '$.metadata', true);
  if (meta) {
    c.string(meta.timeframe, '$.metadata.timeframe', { required: true, max: 50 });
    c.number(meta.expected_return, '$.metadata.expected_return');
    c.number(meta.max_drawdown, '$.metadata.max_drawdown');
  }
  c.string(o.confidence, '$.confidence', { required: true, enum: CONFIDENCE_LEVELS });
  c.array(o.warnings, '$.warnings', { required: true }).forEach((w, i) => c.string(w, `$.warnings[${i}]`, {}));
  return c.problems;
}

/** The canonical part of a valid answer (verdict fields dropped, key order fixed). */
export function canonicalOf(a: ValidationAnswer): CanonicalStrategy {
  const rules = (rs: CanonicalRule[] | undefined) =>
    (rs ?? []).map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      description: r.description,
      ...(r.condition ? { condition: r.condition } : {}),
    }));
  return {
    title: a.title!.trim(),
    description: a.description!.trim(),
    classification: {
      type: a.classification!.type,
      risk_tier: a.classification!.risk_tier,
      primary_instruments: a.classification!.primary_instruments,
    },
    entry_rules: rules(a.entry_rules),
    exit_rules: rules(a.exit_rules),
    risk_management: a.risk_management ?? {},
    indicators: a.indicators ?? [],
    metadata: a.metadata!,
    confidence: a.confidence!,
    warnings: a.warnings ?? [],
  };
}

// ------------------------------------------------------------------ text forms

function paramsText(p: CanonicalIndicator['params']): string {
  if (p === undefined || p === null || p === '') return '';
  if (typeof p === 'string') return ` (${p})`;
  const parts = Object.entries(p).map(([k, v]) => `${k}=${asText(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * The plain-text description of a canonical strategy (Django's generate_executable_code step 1, without
 * the fixed instructions): name, description, numbered entry and exit rules, risk management, indicators.
 * Tolerates partial input (a stored strategy_code from elsewhere): missing parts are left out.
 */
export function describeCanonical(json: unknown): string {
  const o = (isObject(json) ? json : {}) as Partial<CanonicalStrategy> & Record<string, unknown>;
  const ruleText = (r: unknown) => (isObject(r) ? asText(r.description ?? r.condition ?? '') : asText(r));
  const lines: string[] = [];
  lines.push(`Strategy Name: ${asText(o.title ?? o.name ?? 'Unnamed Strategy')}`);
  if (o.description) lines.push(`Description: ${String(o.description)}`);
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push('', title, ...items);
  };
  section(
    'Entry Rules:',
    (Array.isArray(o.entry_rules) ? o.entry_rules : []).map((r, i) => `${i + 1}. ${ruleText(r)}`),
  );
  section(
    'Exit Rules:',
    (Array.isArray(o.exit_rules) ? o.exit_rules : []).map((r, i) => `${i + 1}. ${ruleText(r)}`),
  );
  const risk: Record<string, unknown> = isObject(o.risk_management) ? o.risk_management : {};
  section(
    'Risk Management:',
    (
      [
        ['Stop Loss', risk.stop_loss],
        ['Take Profit', risk.take_profit],
        ['Position Sizing', risk.position_sizing],
      ] as const
    )
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => `- ${k}: ${asText(v)}`),
  );
  section(
    'Indicators:',
    (Array.isArray(o.indicators) ? o.indicators : []).map((ind) =>
      isObject(ind) ? `- ${asText(ind.name ?? '')}${paramsText(ind.params)}` : `- ${asText(ind)}`,
    ),
  );
  const meta: Record<string, unknown> = isObject(o.metadata) ? o.metadata : {};
  if (meta.timeframe) lines.push('', `Timeframe: ${asText(meta.timeframe)}`);
  return lines.join('\n');
}

/** The short markdown summary returned as `formatted_response` (built here; no second Gemini call). */
export function formatValidationMarkdown(c: CanonicalStrategy): string {
  const out: string[] = [];
  out.push(`## ${c.title}`, '');
  out.push(
    `**Type:** ${c.classification.type} · **Risk:** ${c.classification.risk_tier} · **Timeframe:** ${c.metadata.timeframe} · **Confidence:** ${c.confidence}`,
  );
  if (c.classification.primary_instruments.length) out.push(`**Instruments:** ${c.classification.primary_instruments.join(', ')}`);
  out.push('', c.description);
  const list = (title: string, items: string[], numbered: boolean) => {
    if (items.length === 0) return;
    out.push('', `### ${title}`, ...items.map((t, i) => (numbered ? `${i + 1}. ${t}` : `- ${t}`)));
  };
  list(
    'Entry rules',
    c.entry_rules.map((r) => r.description),
    true,
  );
  list(
    'Exit rules',
    c.exit_rules.map((r) => r.description),
    true,
  );
  const rm = c.risk_management;
  list(
    'Risk management',
    [
      rm.stop_loss ? `Stop loss: ${rm.stop_loss}` : 'Stop loss: not specified',
      rm.take_profit ? `Take profit: ${rm.take_profit}` : 'Take profit: not specified',
      rm.position_sizing ? `Position sizing: ${rm.position_sizing}` : 'Position sizing: not specified',
    ],
    false,
  );
  list(
    'Indicators',
    c.indicators.map((i) => `${i.name}${paramsText(i.params)}`),
    false,
  );
  list('Warnings', c.warnings, false);
  return out.join('\n');
}

/** A finite number within numeric(10,4), as the string the column takes; otherwise null. */
export function decimalOrNull(v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) >= 1e6) return null;
  return String(Math.round(v * 10000) / 10000);
}
