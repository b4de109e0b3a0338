/** How the strategy text was given. Pure. */
export const INPUT_TYPES = ['auto', 'numbered', 'freetext', 'url'] as const;
export type InputType = (typeof INPUT_TYPES)[number];
export type ResolvedInputType = Exclude<InputType, 'auto'>;

/** A single URL-looking token (any scheme, so `file://` and `ftp://` are detected and then refused). */
const SINGLE_URL = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const NUMBERED_LINE = /^\s*(\d{1,3}[.):]|[-*•])\s+\S/;

/**
 * `auto`: a single URL → url; two or more numbered (or bulleted) lines making up most of the text →
 * numbered; otherwise freetext. An explicit type is kept as given.
 */
export function detectInputType(text: string, requested: InputType = 'auto'): ResolvedInputType {
  if (requested !== 'auto') return requested;
  const trimmed = text.trim();
  if (SINGLE_URL.test(trimmed)) return 'url';
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  const numbered = lines.filter((l) => NUMBERED_LINE.test(l)).length;
  if (numbered >= 2 && numbered * 2 >= lines.length) return 'numbered';
  return 'freetext';
}

/** The hint for Gemini about how the text is laid out. */
export function inputHint(type: ResolvedInputType): string {
  switch (type) {
    case 'numbered':
      return 'The user wrote the strategy as numbered steps; each step is usually one rule.';
    case 'url':
      return 'The text was extracted from a web page; ignore navigation, ads and unrelated content.';
    case 'freetext':
      return 'The user described the strategy in free text.';
  }
}
