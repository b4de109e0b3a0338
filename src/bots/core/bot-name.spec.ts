import { botFileStem, uniqueStem } from './bot-name';

describe(botFileStem.name, () => {
  it('lowercases and joins words with _', () => {
    expect(botFileStem('EMA Crossover Strategy')).toBe('ema_crossover_strategy');
  });

  it('treats punctuation and separators as word breaks', () => {
    expect(botFileStem('RSI-Crossover (v2) / 14.5%')).toBe('rsi_crossover_v2_14_5');
    expect(botFileStem('  __MACD__  ')).toBe('macd');
  });

  it('drops apostrophes inside words', () => {
    expect(botFileStem("Larry's Don’t Breakout")).toBe('larrys_dont_breakout');
  });

  it('folds accents and drops other non-ASCII characters', () => {
    expect(botFileStem('Café Momentum 🚀 über')).toBe('cafe_momentum_uber');
  });

  it('keeps only the first 8 words', () => {
    expect(botFileStem('a b c d e f g h i j')).toBe('a_b_c_d_e_f_g_h');
  });

  it('falls back to "strategy" when nothing is left', () => {
    expect(botFileStem('')).toBe('strategy');
    expect(botFileStem('!!! 🚀 ---')).toBe('strategy');
  });

  it('caps the stem at 64 characters without a trailing _', () => {
    const stem = botFileStem(`${'x'.repeat(63)} yy`);
    expect(stem).toBe('x'.repeat(63));
    expect(botFileStem('y'.repeat(100))).toHaveLength(64);
  });
});

describe(uniqueStem.name, () => {
  it('returns the stem when it is free', () => {
    expect(uniqueStem('ema', () => false)).toBe('ema');
  });

  it('adds _2, _3, … until a free name is found', () => {
    const taken = new Set(['ema', 'ema_2', 'ema_3']);
    expect(uniqueStem('ema', (s) => taken.has(s))).toBe('ema_4');
  });

  it('stays within 64 characters when adding the suffix', () => {
    const stem = 'z'.repeat(64);
    const result = uniqueStem(stem, (s) => s === stem);
    expect(result).toBe(`${'z'.repeat(62)}_2`);
    expect(result.length).toBeLessThanOrEqual(64);
  });

  it('gives up after maxAttempts', () => {
    expect(() => uniqueStem('ema', () => true, 5)).toThrow(/no free file name/);
  });
});
