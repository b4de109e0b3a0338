/**
 * The StrategyDefinition document (the JSON a strategy is described by before code is generated), schema
 * version 2.0.0, with the field names, defaults and limits of the Django `canonical_schema_v2` model.
 * Unknown fields are dropped, as pydantic did.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = '2.0.0';

const jsonObject = z.record(z.string(), z.unknown());
const isoDate = z.iso.datetime({ offset: true }).or(z.iso.datetime());

export const strategyDefinitionSchema = z.object({
  name: z
    .string()
    .min(1, 'name must not be empty')
    .max(100, 'name must be at most 100 characters')
    .regex(/^[A-Za-z0-9_]+$/, 'name must be letters, digits and underscores only'),
  description: z.string().trim().min(1, 'description must not be empty'),
  version: z.string().min(1).max(20).default('1.0.0'),
  framework: z.enum(['backtesting.py', 'simbroker']).default('backtesting.py'),
  symbol: z.string().min(1).max(20).default('AAPL'),
  period: z.string().min(1).max(10).default('1y'),
  interval: z.string().min(1).max(10).default('1d'),
  parameters: jsonObject.default({}),
  entry_rules: z.array(z.string()).max(100).default([]),
  exit_rules: z.array(z.string()).max(100).default([]),
  position_sizing: jsonObject.default({}),
  risk_limits: jsonObject.default({}),
  indicators: z.record(z.string(), jsonObject.nullable()).default({}),
  tags: z.array(z.string().max(50)).max(50).default([]),
  created_at: isoDate.optional(),
  updated_at: isoDate.optional(),
});

export type StrategyDefinition = z.infer<typeof strategyDefinitionSchema>;

/** The validated document as the API returns it: every default filled in, timestamps and schema version set. */
export function withMetadata(
  def: StrategyDefinition,
  now: Date,
): StrategyDefinition & { created_at: string; updated_at: string; schema_version: string } {
  return {
    ...def,
    created_at: def.created_at ?? now.toISOString(),
    updated_at: def.updated_at ?? now.toISOString(),
    schema_version: SCHEMA_VERSION,
  };
}
