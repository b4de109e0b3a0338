import { COMMON_PASSWORDS } from './common-passwords';

/**
 * Django's default password validators (`AUTH_PASSWORD_VALIDATORS`), same order and same messages, as one
 * pure function: user attribute similarity, minimum length, common password, entirely numeric.
 */

export const MIN_PASSWORD_LENGTH = 8;
/** Django's `UserAttributeSimilarityValidator.DEFAULT_MAX_SIMILARITY`. */
export const MAX_SIMILARITY = 0.7;
/** Shorter attribute values are not checked for containment (every password contains "a"). */
const MIN_CONTAINED_LENGTH = 3;

/** The account attributes a password must not resemble. */
export interface PasswordOwner {
  username?: string | null;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
}

const ATTRIBUTES: Array<[keyof PasswordOwner, string]> = [
  ['username', 'username'],
  ['first_name', 'first name'],
  ['last_name', 'last name'],
  ['email', 'email address'],
];

/**
 * Python's `difflib.SequenceMatcher(a, b).quick_ratio()`: 2·M/T where M counts the characters the two
 * strings share (as multisets) and T is their total length. An upper bound of the real ratio.
 */
export function quickRatio(a: string, b: string): number {
  const total = [...a].length + [...b].length;
  if (total === 0) return 1;
  const available = new Map<string, number>();
  for (const ch of b) available.set(ch, (available.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const left = available.get(ch) ?? 0;
    if (left > 0) {
      matches += 1;
      available.set(ch, left - 1);
    }
  }
  return (2 * matches) / total;
}

/** Django skips a value much shorter than the password: it cannot make the password weak. */
function exceedsMaximumLengthRatio(password: string, value: string): boolean {
  const pwdLength = [...password].length;
  const valueLength = [...value].length;
  return pwdLength >= 10 * valueLength && valueLength < (MAX_SIMILARITY / 2) * pwdLength;
}

function similarAttribute(password: string, owner: PasswordOwner): string | null {
  const pwd = password.toLowerCase();
  for (const [field, label] of ATTRIBUTES) {
    const value = owner[field];
    if (!value || typeof value !== 'string') continue;
    const lower = value.toLowerCase();
    const contained = field === 'email' ? lower.split('@')[0] : lower;
    if ((field === 'username' || field === 'email') && contained.length >= MIN_CONTAINED_LENGTH && pwd.includes(contained)) {
      return label;
    }
    // Django: re.split(r"\W+", value) + [value]
    const parts = [...lower.split(/[^\p{L}\p{N}_]+/u), lower];
    for (const part of parts) {
      if (exceedsMaximumLengthRatio(pwd, part)) continue;
      if (quickRatio(pwd, part) >= MAX_SIMILARITY) return label;
    }
  }
  return null;
}

/** Every rule the password breaks, as Django words it; empty when the password is acceptable. */
export function passwordProblems(password: string, owner: PasswordOwner = {}): string[] {
  const problems: string[] = [];
  const similar = similarAttribute(password, owner);
  if (similar) problems.push(`The password is too similar to the ${similar}.`);
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase().trim())) problems.push('This password is too common.');
  if (/^\p{Nd}+$/u.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}
