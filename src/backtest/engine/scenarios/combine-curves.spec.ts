import { combineCurves } from '../report';
import { DAY, T0 } from './fixtures';

describe('golden: one portfolio curve from per-symbol curves', () => {
  it('sums each symbol at its latest point, its starting cash before its first one', () => {
    // A (5,000 each): days 0, 1, 2 → 5,000, 5,100, 5,050; B: days 1, 3 → 4,900, 5,200
    // day 0: 5,000 + 5,000 (B not started) = 10,000; day 1: 5,100 + 4,900 = 10,000
    // day 2: 5,050 + 4,900 (B carried) = 9,950; day 3: 5,050 (A carried) + 5,200 = 10,250
    const a = [5000, 5100, 5050].map((equity, n) => ({ time: T0 + n * DAY, equity }));
    const b = [
      { time: T0 + DAY, equity: 4900 },
      { time: T0 + 3 * DAY, equity: 5200 },
    ];
    expect(combineCurves([a, b], 5000)).toEqual([10000, 10000, 9950, 10250].map((equity, n) => ({ time: T0 + n * DAY, equity })));
  });
});
