/**
 * The production lifecycle of a strategy, as a pure state machine (no I/O):
 *
 *   generated ─test─▶ testing ─passed─▶ ready ─deploy─▶ deployed
 *                        │  ▲              │               │
 *                      failed│             └──fix──▶ fixing ◀┘
 *                        ▼  │ test           (any state but archived) ─archive─▶ archived
 *                      failed ─fix─▶ fixing ─test─▶ testing
 *
 * A rollback makes an earlier, tested version current, so it lands in `deployed` from anywhere but
 * `archived`. A strategy never seen by this module is `generated`.
 */
export const LIFECYCLE_STATES = ['generated', 'testing', 'fixing', 'ready', 'deployed', 'archived', 'failed'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export const LIFECYCLE_EVENTS = [
  'test_started',
  'test_passed',
  'test_failed',
  'fix_started',
  'deployed',
  'rolled_back',
  'archived',
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export const INITIAL_STATE: LifecycleState = 'generated';

/** For each event, the states it may happen in and the state it leads to. */
const RULES: Readonly<Record<LifecycleEvent, { from: readonly LifecycleState[]; to: LifecycleState }>> = {
  // `testing` again: a test whose process died never reported back, so a new one may start.
  test_started: { from: ['generated', 'testing', 'fixing', 'ready', 'deployed', 'failed'], to: 'testing' },
  test_passed: { from: ['testing'], to: 'ready' },
  test_failed: { from: ['testing'], to: 'failed' },
  fix_started: { from: ['generated', 'failed', 'ready', 'deployed'], to: 'fixing' },
  deployed: { from: ['ready'], to: 'deployed' },
  rolled_back: { from: ['generated', 'testing', 'fixing', 'ready', 'deployed', 'failed'], to: 'deployed' },
  archived: { from: ['generated', 'testing', 'fixing', 'ready', 'deployed', 'failed'], to: 'archived' },
};

export type TransitionResult = { ok: true; to: LifecycleState } | { ok: false; reason: string; allowedFrom: readonly LifecycleState[] };

/** The state `event` leads to from `from`, or why it may not happen there. */
export function transition(from: LifecycleState, event: LifecycleEvent): TransitionResult {
  const rule = RULES[event];
  if (rule.from.includes(from)) return { ok: true, to: rule.to };
  return { ok: false, reason: `${event.replace('_', ' ')} is not allowed while the strategy is ${from}`, allowedFrom: rule.from };
}

/** The events allowed in `state`, in the order of LIFECYCLE_EVENTS. */
export function allowedEvents(state: LifecycleState): LifecycleEvent[] {
  return LIFECYCLE_EVENTS.filter((e) => RULES[e].from.includes(state));
}

export function isLifecycleState(value: string): value is LifecycleState {
  return (LIFECYCLE_STATES as readonly string[]).includes(value);
}
