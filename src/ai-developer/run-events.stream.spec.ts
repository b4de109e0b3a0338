import { lastSeq } from './run-events.stream';

describe(lastSeq.name, () => {
  it('reads a Last-Event-ID seq', () => {
    expect(lastSeq('7')).toBe(7);
    expect(lastSeq(' 12 ')).toBe(12);
  });

  it('starts from the beginning for anything else', () => {
    for (const v of [undefined, '', 'abc', '-1', '1.5', '1e3', '9999999999', ['3'], 5]) expect(lastSeq(v)).toBe(0);
  });
});
