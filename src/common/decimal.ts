/**
 * DRF's `DecimalField(max_digits, decimal_places)` for request bodies: a finite number or a numeric string whose
 * integer part fits `maxDigits - places` digits. Two readings of "more decimals than `places`" exist in the API:
 * most record endpoints let PostgreSQL round them on store (as Django rounds on save), while a strategy's own
 * decimals refuse them and are stored as their canonical text (`decimalText`).
 */
import { ValidateBy, ValidationOptions } from 'class-validator';

export interface DecimalOptions extends ValidationOptions {
  /** `round` (default): extra decimals and exponent forms are accepted, PostgreSQL rounds. `refuse`: they are a 400. */
  extraPlaces?: 'round' | 'refuse';
}

/** The integer part of a number or numeric string (exponents allowed) fits, once rounded to `places` decimals. */
function roundedFits(value: unknown, maxDigits: number, places: number): boolean {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) return false;
  // Compare after rounding to `places`, as PostgreSQL stores it (999.999 in numeric(5,2) is 1000.00).
  return Math.abs(n) < 1e21 && Math.abs(Number(n.toFixed(places))) < 10 ** (maxDigits - places);
}

/** The canonical text of a decimal with at most `places` decimals and no exponent (what is stored), or null. */
export function decimalText(value: unknown, maxDigits: number, places: number): string | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text) ?? /^([+-]?)()\.(\d+)$/.exec(text);
  if (!m) return null;
  const intPart = m[2].replace(/^0+(?=\d)/, '') || '0';
  const frac = m[3] ?? '';
  if (frac.length > places) return null;
  if (intPart !== '0' && intPart.length > maxDigits - places) return null;
  return `${m[1] === '-' ? '-' : ''}${intPart}${frac ? `.${frac}` : ''}`;
}

/** Validation decorator for a DRF `DecimalField(max_digits=maxDigits, decimal_places=places)`. */
export function IsDecimal(maxDigits: number, places: number, options: DecimalOptions = {}): PropertyDecorator {
  const { extraPlaces = 'round', ...validationOptions } = options;
  const refuse = extraPlaces === 'refuse';
  const before = maxDigits - places;
  return ValidateBy(
    {
      name: 'isDecimal',
      validator: {
        validate: (value: unknown) => (refuse ? decimalText(value, maxDigits, places) !== null : roundedFits(value, maxDigits, places)),
        defaultMessage: (args) =>
          refuse
            ? `${args?.property} must be a number or numeric string with at most ${before} digits before the decimal point and ${places} after it`
            : `${args?.property} must be a finite number with at most ${before} digits before the decimal point`,
      },
    },
    validationOptions,
  );
}

/** A decimal body value as the string PostgreSQL `numeric` takes; null/undefined pass through. */
export function decimalString(v: number | string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  return typeof v === 'number' ? String(v) : v.trim();
}
