/**
 * File stems for generated bots (the Django backend's generate_executable_code step 3: "lowercase alnum, first
 * 8 words joined by `_`, `_n` suffix if exists").
 *
 * Decisions:
 * - Any run of characters other than [a-z0-9] separates words ("RSI-Crossover v2" → rsi_crossover_v2), except
 *   apostrophes, which are dropped inside a word ("Larry's Breakout" → larrys_breakout).
 * - Accents are folded first (NFKD, combining marks removed: "Café" → cafe); other non-ASCII letters vanish.
 * - The result never exceeds 64 characters and never ends with `_`; an empty result becomes 'strategy'.
 */

export const MAX_STEM_LENGTH = 64;
export const MAX_STEM_WORDS = 8;
export const FALLBACK_STEM = 'strategy';

export function botFileStem(name: string): string {
  const words =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/['\u2018\u2019`]/g, '')
      .match(/[a-z0-9]+/g) ?? [];
  const stem = clip(words.slice(0, MAX_STEM_WORDS).join('_'), MAX_STEM_LENGTH);
  return stem === '' ? FALLBACK_STEM : stem;
}

/** `stem`, or `stem_2`, `stem_3`, … — the first one `taken` refuses; still at most 64 characters. */
export function uniqueStem(stem: string, taken: (s: string) => boolean, maxAttempts = 10_000): string {
  if (!taken(stem)) return stem;
  for (let n = 2; n <= maxAttempts; n++) {
    const suffix = `_${n}`;
    const candidate = `${clip(stem, MAX_STEM_LENGTH - suffix.length) || FALLBACK_STEM}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
  throw new Error(`no free file name for "${stem}" after ${maxAttempts} attempts`);
}

function clip(s: string, max: number): string {
  return s.slice(0, max).replace(/_+$/, '');
}
