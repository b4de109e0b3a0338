import { COMMON_PASSWORDS } from './common-passwords';
import { passwordProblems, quickRatio } from './password-policy';

const TOO_SHORT = 'This password is too short. It must contain at least 8 characters.';

describe(passwordProblems.name, () => {
  it('accepts a long, uncommon password unrelated to the account', () => {
    expect(passwordProblems('Tr4ding-Ideas!2026', { username: 'alice_1234', email: 'alice@example.com' })).toEqual([]);
  });

  describe('minimum length', () => {
    it("rejects 7 characters with Django's message", () => {
      expect(passwordProblems('x9!kQ2z')).toEqual([TOO_SHORT]);
    });

    it('accepts exactly 8 characters', () => {
      expect(passwordProblems('x9!kQ2zW')).toEqual([]);
    });

    it('counts characters, not UTF-16 units', () => {
      expect(passwordProblems('🔒🔒🔒🔒🔒🔒🔒')).toContain(TOO_SHORT);
    });
  });

  describe('entirely numeric', () => {
    it('rejects a password made only of digits', () => {
      expect(passwordProblems('90417325863')).toEqual(['This password is entirely numeric.']);
    });

    it('accepts digits with a single letter', () => {
      expect(passwordProblems('90417325863a')).toEqual([]);
    });
  });

  describe('common passwords', () => {
    it('rejects a listed password whatever its case', () => {
      expect(passwordProblems('PassWord123')).toEqual(['This password is too common.']);
    });

    it('ignores surrounding spaces, as Django does', () => {
      expect(passwordProblems(' sunshine1 ')).toEqual(['This password is too common.']);
    });

    it('ships around a hundred entries, all lower case', () => {
      expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(100);
      for (const p of COMMON_PASSWORDS) expect(p).toBe(p.toLowerCase());
    });

    it('reports every broken rule at once', () => {
      expect(passwordProblems('12345678')).toEqual(['This password is too common.', 'This password is entirely numeric.']);
    });
  });

  describe('similarity to the account', () => {
    it('rejects a password containing the username, case-insensitively', () => {
      expect(passwordProblems('MyAlice-Is-Great!', { username: 'alice' })).toEqual(['The password is too similar to the username.']);
    });

    it('rejects a password containing the local part of the email', () => {
      expect(passwordProblems('xx-trader.joe-xx', { email: 'trader.joe@example.com' })).toEqual([
        'The password is too similar to the email address.',
      ]);
    });

    it('rejects a password whose similarity ratio to the username reaches 0.7', () => {
      expect(quickRatio('jsmith-2026', 'smithj')).toBeGreaterThanOrEqual(0.7);
      expect(passwordProblems('jsmith-2026', { username: 'smithj' })).toEqual(['The password is too similar to the username.']);
    });

    it('checks first and last names by ratio (an anagram is as similar as it gets)', () => {
      expect(passwordProblems('htimsnhoj', { last_name: 'Johnsmith' })).toEqual(['The password is too similar to the last name.']);
      expect(passwordProblems('Annabelle', { first_name: 'annabelle' })).toEqual(['The password is too similar to the first name.']);
    });

    it('checks each word of an attribute on its own', () => {
      expect(passwordProblems('Smith1958', { email: 'john.smith@example.com' })).toEqual([
        'The password is too similar to the email address.',
      ]);
    });

    it('ignores a short attribute that a long password cannot be weak because of', () => {
      expect(passwordProblems('a-very-long-passphrase-about-al', { username: 'al' })).toEqual([]);
    });

    it('does not flag a password that merely shares a few letters', () => {
      expect(passwordProblems('correct horse battery', { username: 'alice' })).toEqual([]);
    });
  });
});

describe(quickRatio.name, () => {
  it('matches Python difflib.SequenceMatcher.quick_ratio', () => {
    expect(quickRatio('alice2024!', 'alice')).toBeCloseTo(0.6667, 4);
    expect(quickRatio('ecila-secret', 'alice')).toBeCloseTo(0.5882, 4);
    expect(quickRatio('', '')).toBe(1);
    expect(quickRatio('abc', '')).toBe(0);
  });
});
