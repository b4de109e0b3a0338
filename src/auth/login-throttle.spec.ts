import { SLOWDOWN_CAP_MS, slowdownMs } from './login-throttle';

describe(slowdownMs.name, () => {
  it('does not slow a username down before it has failed max times', () => {
    expect([0, 1, 4].map((f) => slowdownMs(f, 5))).toEqual([0, 0, 0]);
  });

  it('doubles the wait with every further failure', () => {
    expect([5, 6, 7, 8].map((f) => slowdownMs(f, 5))).toEqual([100, 200, 400, 800]);
  });

  it('caps the wait, however many failures (a slow-down, never a lock)', () => {
    expect(slowdownMs(9, 5)).toBe(SLOWDOWN_CAP_MS);
    expect(slowdownMs(10_000, 5)).toBe(SLOWDOWN_CAP_MS);
  });
});
