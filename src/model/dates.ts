import { bookDigits } from './digits.ts';
import type { Digits } from './front-matter.ts';

const HINDI_MONTHS = ['जनवरी', 'फ़रवरी', 'मार्च', 'अप्रैल', 'मई', 'जून', 'जुलाई', 'अगस्त', 'सितंबर', 'अक्टूबर', 'नवंबर', 'दिसंबर'];
const ENGLISH_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * The front matter's date as a reader reads it: `2026-11-28` → "28 नवंबर 2026" (in a book of
 * another language, "28 November 2026"), `2026-11` → "नवंबर 2026", `2026` → "2026"; in the
 * book's digits. Never ISO: that is for the metadata.
 */
export function bookDate(date: string, lang: string, digits: Digits): string {
  const [year, month, day] = date.split('-');
  const months = /^en\b/i.test(lang) ? ENGLISH_MONTHS : HINDI_MONTHS;
  const name = month === undefined ? undefined : months[Number(month) - 1];
  const text = [day === undefined ? undefined : String(Number(day)), name, year].filter(Boolean).join(' ');
  return bookDigits(text, digits);
}
