import { nextPacificMidnight, pacificDay } from './pacific-day';

const utc = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe(nextPacificMidnight.name, () => {
  describe('on an ordinary day', () => {
    it('returns the coming midnight PDT (07:00 UTC) in summer', () => {
      // 2026-06-15 12:00 PDT
      expect(nextPacificMidnight(utc('2026-06-15T19:00:00Z'))).toBe(utc('2026-06-16T07:00:00Z'));
    });

    it('returns the coming midnight PST (08:00 UTC) in winter', () => {
      // 2026-01-15 12:00 PST
      expect(nextPacificMidnight(utc('2026-01-15T20:00:00Z'))).toBe(utc('2026-01-16T08:00:00Z'));
    });

    it('follows the Pacific calendar day, not the UTC one', () => {
      // 2026-06-16 03:00 UTC is still 2026-06-15 20:00 in Los Angeles
      expect(nextPacificMidnight(utc('2026-06-16T03:00:00Z'))).toBe(utc('2026-06-16T07:00:00Z'));
    });

    it('returns a value strictly in the future', () => {
      const now = utc('2026-06-15T19:00:00Z');
      expect(nextPacificMidnight(now)).toBeGreaterThan(now);
    });
  });

  describe('around midnight', () => {
    it('returns the midnight one millisecond away when called just before it', () => {
      const justBefore = utc('2026-06-16T06:59:59.999Z'); // 23:59:59.999 PDT
      expect(nextPacificMidnight(justBefore)).toBe(justBefore + 1);
    });

    it('returns the following midnight when called exactly at midnight', () => {
      expect(nextPacificMidnight(utc('2026-06-16T07:00:00Z'))).toBe(utc('2026-06-17T07:00:00Z'));
    });

    it('returns the following midnight one millisecond after midnight', () => {
      expect(nextPacificMidnight(utc('2026-06-16T07:00:00.001Z'))).toBe(utc('2026-06-17T07:00:00Z'));
    });
  });

  describe('on the spring-forward day (2026-03-08, 23 hours long)', () => {
    it('returns midnight PST of the 8th when called the evening before', () => {
      // 2026-03-07 20:00 PST
      expect(nextPacificMidnight(utc('2026-03-08T04:00:00Z'))).toBe(utc('2026-03-08T08:00:00Z'));
    });

    it('returns midnight PDT of the 9th when called before the 02:00 jump', () => {
      // 2026-03-08 01:30 PST
      expect(nextPacificMidnight(utc('2026-03-08T09:30:00Z'))).toBe(utc('2026-03-09T07:00:00Z'));
    });

    it('returns midnight PDT of the 9th when called after the jump', () => {
      // 2026-03-08 12:00 PDT
      expect(nextPacificMidnight(utc('2026-03-08T19:00:00Z'))).toBe(utc('2026-03-09T07:00:00Z'));
    });

    it('makes the day that starts at midnight 23 hours long', () => {
      const startOfDay = utc('2026-03-08T08:00:00Z');
      expect(nextPacificMidnight(startOfDay) - startOfDay).toBe(23 * HOUR);
    });
  });

  describe('on the fall-back day (2026-11-01, 25 hours long)', () => {
    it('returns midnight PST of the 2nd for the first 01:30 (still PDT)', () => {
      expect(nextPacificMidnight(utc('2026-11-01T08:30:00Z'))).toBe(utc('2026-11-02T08:00:00Z'));
    });

    it('returns midnight PST of the 2nd for the repeated 01:30 (already PST)', () => {
      expect(nextPacificMidnight(utc('2026-11-01T09:30:00Z'))).toBe(utc('2026-11-02T08:00:00Z'));
    });

    it('makes the day that starts at midnight 25 hours long', () => {
      const startOfDay = utc('2026-11-01T07:00:00Z');
      expect(nextPacificMidnight(startOfDay) - startOfDay).toBe(25 * HOUR);
    });

    it('returns midnight PDT of the 1st when called the evening before', () => {
      // 2026-10-31 22:00 PDT
      expect(nextPacificMidnight(utc('2026-11-01T05:00:00Z'))).toBe(utc('2026-11-01T07:00:00Z'));
    });
  });

  it('rejects a non-finite instant', () => {
    expect(() => nextPacificMidnight(Number.NaN)).toThrow(RangeError);
  });
});

describe(pacificDay.name, () => {
  it('names the Pacific calendar day', () => {
    expect(pacificDay(utc('2026-06-15T19:00:00Z'))).toBe('2026-06-15');
  });

  it('still names the previous day when UTC has already rolled over', () => {
    expect(pacificDay(utc('2026-06-16T06:59:59.999Z'))).toBe('2026-06-15');
  });

  it('names the new day from midnight Pacific on', () => {
    expect(pacificDay(utc('2026-06-16T07:00:00Z'))).toBe('2026-06-16');
  });
});
