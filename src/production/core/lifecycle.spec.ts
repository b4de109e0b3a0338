import {
  allowedEvents,
  INITIAL_STATE,
  isLifecycleState,
  LIFECYCLE_EVENTS,
  LIFECYCLE_STATES,
  LifecycleEvent,
  LifecycleState,
  transition,
} from './lifecycle';

const to = (from: LifecycleState, event: LifecycleEvent) => {
  const r = transition(from, event);
  return r.ok ? r.to : null;
};

describe('lifecycle state machine', () => {
  it('starts every strategy in generated', () => {
    expect(INITIAL_STATE).toBe('generated');
  });

  it('walks the happy path generated → testing → ready → deployed → archived', () => {
    expect(to('generated', 'test_started')).toBe('testing');
    expect(to('testing', 'test_passed')).toBe('ready');
    expect(to('ready', 'deployed')).toBe('deployed');
    expect(to('deployed', 'archived')).toBe('archived');
  });

  it('sends a failing test to failed, and a fix back through testing', () => {
    expect(to('testing', 'test_failed')).toBe('failed');
    expect(to('failed', 'fix_started')).toBe('fixing');
    expect(to('fixing', 'test_started')).toBe('testing');
  });

  it('refuses deploying anything but a ready strategy, naming the state', () => {
    for (const s of LIFECYCLE_STATES.filter((x) => x !== 'ready')) {
      const r = transition(s, 'deployed');
      expect(r).toEqual({ ok: false, reason: `deployed is not allowed while the strategy is ${s}`, allowedFrom: ['ready'] });
    }
  });

  it('only reports a test result while testing', () => {
    for (const s of LIFECYCLE_STATES.filter((x) => x !== 'testing')) {
      expect(to(s, 'test_passed')).toBeNull();
      expect(to(s, 'test_failed')).toBeNull();
    }
  });

  it('lets a new test start while one is marked testing (its process may have died)', () => {
    expect(to('testing', 'test_started')).toBe('testing');
  });

  it('rolls back into deployed from every live state', () => {
    for (const s of LIFECYCLE_STATES.filter((x) => x !== 'archived')) expect(to(s, 'rolled_back')).toBe('deployed');
  });

  it('keeps archived terminal: no event leaves it', () => {
    expect(allowedEvents('archived')).toEqual([]);
    for (const e of LIFECYCLE_EVENTS) expect(to('archived', e)).toBeNull();
  });

  it('lists the events each state allows', () => {
    expect(allowedEvents('ready')).toEqual(['test_started', 'fix_started', 'deployed', 'rolled_back', 'archived']);
    expect(allowedEvents('testing')).toEqual(['test_started', 'test_passed', 'test_failed', 'rolled_back', 'archived']);
  });

  it('recognises its states and nothing else', () => {
    expect(isLifecycleState('deployed')).toBe(true);
    expect(isLifecycleState('passed')).toBe(false);
    expect(isLifecycleState('')).toBe(false);
  });
});
