import type { Digits } from './front-matter.ts';

/** A number (or any text's ASCII digits) in the book's digits: `12` → `१२` in a Devanagari book. */
export function bookDigits(value: number | string, digits: Digits): string {
  const text = String(value);
  return digits === 'devanagari'
    ? text.replace(/[0-9]/g, (digit) => String.fromCodePoint(0x966 + Number(digit)))
    : text;
}

/** The number a note call or list marker shows, in either digits: `१२` → 12. */
export function numberOf(text: string): number {
  return Number(text.trim().replace(/[०-९]/g, (digit) => String(digit.charCodeAt(0) - 0x966)));
}
