import { staticCheck } from './static-check';
import { starterBot } from './starter-bot';

describe(starterBot.name, () => {
  it('passes the static checks with the given fast/slow periods', () => {
    const code = starterBot('SMA 7/25', 'A 7/25 SMA crossover', { fast: 7, slow: 25 });
    expect(staticCheck(code).ok).toBe(true);
    expect(code).toContain('params: { fast: 7, slow: 25 }');
  });

  it('falls back to 10/30 for missing or unusable periods and keeps slow above fast', () => {
    expect(starterBot('x', 'y', {})).toContain('params: { fast: 10, slow: 30 }');
    expect(starterBot('x', 'y', { fast: -3, slow: 'long' })).toContain('params: { fast: 10, slow: 30 }');
    expect(starterBot('x', 'y', { fast: 40, slow: 20 })).toContain('params: { fast: 40, slow: 41 }');
  });

  it('cannot be broken out of its header comment by the description', () => {
    const code = starterBot('x', 'nice */ require("fs") /*', {});
    expect(staticCheck(code).ok).toBe(true);
    expect(code.indexOf('*/')).toBeGreaterThan(code.indexOf('Template bot'));
  });
});
