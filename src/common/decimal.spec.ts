import { validateSync } from 'class-validator';
import { decimalString, decimalText, IsDecimal } from './decimal';

class Rounded {
  @IsDecimal(5, 2) value!: unknown;
}

class Refused {
  @IsDecimal(10, 4, { extraPlaces: 'refuse' }) value!: unknown;
}

function errorsOf(cls: new () => { value: unknown }, value: unknown): string[] {
  const body = Object.assign(new cls(), { value });
  return validateSync(body).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('decimalText', () => {
  it('keeps decimal(10,4) values as canonical text', () => {
    expect(decimalText(12.5, 10, 4)).toBe('12.5');
    expect(decimalText('-0008.2500', 10, 4)).toBe('-8.2500');
    expect(decimalText('.5', 10, 4)).toBe('0.5');
    expect(decimalText(999999.9999, 10, 4)).toBe('999999.9999');
  });

  it('refuses too many decimals, too many digits and non-numbers', () => {
    expect(decimalText('1.23456', 10, 4)).toBeNull();
    expect(decimalText(1234567, 10, 4)).toBeNull();
    expect(decimalText(1e-7, 10, 4)).toBeNull();
    expect(decimalText(Number.NaN, 10, 4)).toBeNull();
    expect(decimalText('12abc', 10, 4)).toBeNull();
    expect(decimalText('', 10, 4)).toBeNull();
    expect(decimalText(true, 10, 4)).toBeNull();
  });
});

describe('IsDecimal', () => {
  it('rounds extra decimals by default and compares the rounded value, as PostgreSQL stores it', () => {
    expect(errorsOf(Rounded, '999.994')).toEqual([]);
    expect(errorsOf(Rounded, 1.5e2)).toEqual([]);
    expect(errorsOf(Rounded, ' -12.5 ')).toEqual([]);
    expect(errorsOf(Rounded, '1e2')).toEqual([]);
    for (const bad of ['999.996', 1000, 'lots', Infinity, null, true])
      expect(errorsOf(Rounded, bad)).toEqual(['value must be a finite number with at most 3 digits before the decimal point']);
  });

  it('refuses extra decimals and exponents when asked to, naming both limits', () => {
    expect(errorsOf(Refused, '999999.9999')).toEqual([]);
    expect(errorsOf(Refused, 12.5)).toEqual([]);
    for (const bad of ['1.23456', 1234567, '1e2', 1e-7, null])
      expect(errorsOf(Refused, bad)).toEqual([
        'value must be a number or numeric string with at most 6 digits before the decimal point and 4 after it',
      ]);
  });
});

describe('decimalString', () => {
  it('gives the text PostgreSQL numeric takes and passes null and undefined through', () => {
    expect(decimalString(12.5)).toBe('12.5');
    expect(decimalString(' 8.25 ')).toBe('8.25');
    expect(decimalString(null)).toBeNull();
    expect(decimalString(undefined)).toBeUndefined();
  });
});
