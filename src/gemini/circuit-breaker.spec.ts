import { FakeClock } from '../common/clock';
import { CircuitBreaker } from './circuit-breaker';

describe(CircuitBreaker.name, () => {
  const setup = () => {
    const clock = new FakeClock(1_000_000);
    return { clock, sut: new CircuitBreaker(() => clock.now(), { threshold: 3, openMs: 10_000 }) };
  };

  it('stays closed below the threshold of consecutive failures', () => {
    const { sut } = setup();
    sut.failure('m');
    sut.failure('m');
    expect(sut.blockedFor('m')).toBe(0);
  });

  it('opens at the threshold for openMs, per model', () => {
    const { sut, clock } = setup();
    for (let i = 0; i < 3; i++) sut.failure('m');
    expect(sut.blockedFor('m')).toBe(10_000);
    expect(sut.blockedFor('other')).toBe(0);
    clock.advance(4_000);
    expect(sut.blockedFor('m')).toBe(6_000);
  });

  it('a success in between resets the streak', () => {
    const { sut } = setup();
    sut.failure('m');
    sut.failure('m');
    sut.success('m');
    sut.failure('m');
    expect(sut.blockedFor('m')).toBe(0);
  });

  it('half-opens after openMs: one more failure re-opens at once, a success closes', () => {
    const { sut, clock } = setup();
    for (let i = 0; i < 3; i++) sut.failure('m');
    clock.advance(10_000);
    expect(sut.blockedFor('m')).toBe(0);
    sut.failure('m');
    expect(sut.blockedFor('m')).toBe(10_000);
    clock.advance(10_000);
    expect(sut.blockedFor('m')).toBe(0);
    sut.success('m');
    sut.failure('m');
    expect(sut.blockedFor('m')).toBe(0);
  });
});
