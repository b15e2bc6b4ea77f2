import { z } from 'zod';

/** BCP 47 language tag, loosely: `hi`, `en`, `hi-IN`, `sa-Deva`. */
const languageTag = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a language tag such as hi or hi-IN');

const nonEmpty = z.string().trim().min(1, 'a non-empty text');

/**
 * The manuscript's front matter. This one schema is both the check and the type;
 * `FIELD_NAMES` lists the known fields for the unknown-field warning.
 */
export const frontMatterSchema = z.object({
  title: nonEmpty,
  subtitle: nonEmpty.optional(),
  author: z.union([nonEmpty, z.array(nonEmpty).min(1)]).optional(),
  publisher: nonEmpty.optional(),
  date: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date such as 2026-11-28')
    .refine(isCalendarDate, 'a date that exists, such as 2026-11-28 (month 01–12, a day the month has)')
    .optional(),
  lang: languageTag.default('hi'),
  description: nonEmpty.optional(),
  keywords: z.array(nonEmpty).optional(),
  source: nonEmpty.optional(),
  rights: nonEmpty.optional(),
  /** "प्रथम संस्करण", "Second edition": printed in the imprint. */
  edition: nonEmpty.optional(),
  trim: z.enum(['A5', 'A4', '6x9in', '5.5x8.5in'], 'one of A5, A4, 6x9in, 5.5x8.5in').default('A5'),
  digits: z.enum(['international', 'devanagari'], 'international or devanagari').default('international'),
  // YAML reads an ISBN written without hyphens as a number.
  isbn: z
    .union([z.string(), z.number().int()], 'an ISBN such as 978-0-306-40615-7')
    .transform((value) => String(value).replace(/[\s-]/g, '').toUpperCase())
    .pipe(
      z
        .string()
        .regex(/^(\d{9}[\dX]|\d{13})$/, 'an ISBN of 10 or 13 digits, such as 978-0-306-40615-7')
        .refine(hasIsbnCheckDigit, 'an ISBN whose last digit is its check digit'),
    )
    .transform(isbn13)
    .optional(),
  cover: z
    .string()
    .regex(/\.(png|jpe?g)$/i, 'a PNG or JPEG file such as cover.jpg')
    .optional(),
});

export type FrontMatter = z.output<typeof frontMatterSchema>;

export type Trim = FrontMatter['trim'];
export type Digits = FrontMatter['digits'];

/** Project-wide defaults for any front-matter field (mudran.config.json), checked by the same schema. */
export const frontMatterDefaultsSchema = frontMatterSchema.partial().strict();
export type FrontMatterDefaults = z.input<typeof frontMatterDefaultsSchema>;

export const FIELD_NAMES: readonly string[] = Object.keys(frontMatterSchema.shape);

/** Authors as a list, whichever form the front matter used. */
export function authorsOf(matter: FrontMatter): string[] {
  if (matter.author === undefined) return [];
  return typeof matter.author === 'string' ? [matter.author] : matter.author;
}

/** Whether `2026`, `2026-11` or `2026-11-28` names a real month and day. */
function isCalendarDate(text: string): boolean {
  // A text of another shape is the pattern's to report.
  if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(text)) return true;
  const [year = 0, month = 1, day = 1] = text.split('-').map(Number);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether an ISBN-10 (weights 10…1, mod 11, X for 10) or ISBN-13 (weights 1, 3, mod 10) adds up. */
function hasIsbnCheckDigit(isbn: string): boolean {
  if (!/^(\d{9}[\dX]|\d{13})$/.test(isbn)) return true;
  const digits = [...isbn].map((digit) => (digit === 'X' ? 10 : Number(digit)));
  if (digits.length === 10) {
    return digits.reduce((sum, digit, index) => sum + digit * (10 - index), 0) % 11 === 0;
  }
  return digits.reduce((sum, digit, index) => sum + digit * (index % 2 ? 3 : 1), 0) % 10 === 0;
}

/** The 13-digit form stores key on: an ISBN-10 gets the 978 prefix and a new check digit. */
function isbn13(isbn: string): string {
  if (isbn.length === 13) return isbn;
  const body = `978${isbn.slice(0, 9)}`;
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * (index % 2 ? 3 : 1), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}
