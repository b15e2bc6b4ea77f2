import { decodeNamedCharacterReference } from 'decode-named-character-reference';
import { decodeNumericCharacterReference } from 'micromark-util-decode-numeric-character-reference';

/** A character reference as CommonMark and HTML read it: `&nbsp;`, `&#2361;`, `&#x939;`. */
const REFERENCE = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{0,31}));/y;
/** A character and the marks after it: what NFC composes and reorders as one piece. */
const SEGMENT = /\P{M}?\p{M}*/uy;

/** How `value` at some index matches the slice: how much of each, and where each value unit came from. */
interface Match {
  valueLength: number;
  sliceLength: number;
  /** The slice offset of each UTF-16 unit of the value matched, relative to the match's start. */
  from?: readonly number[];
}

/**
 * Maps each UTF-16 index of a text node's value to its offset in the manuscript slice the node
 * came from. The value can differ from the slice: escapes (`\*`), character references
 * (`&nbsp;`), indentation that Markdown strips, and NFC, which composes (क़ U+0958 becomes
 * क + ़; न + ़ becomes ऩ) and reorders marks (`्` + `़` becomes `़` + `्`; Vedic accents).
 * Each character of the value maps to the place of that same character in the slice.
 */
export function sourceOffsets(value: string, slice: string): (index: number) => number {
  if (value === slice) return (index) => index;
  const offsets: number[] = [];
  let s = 0;
  let v = 0;
  while (v < value.length) {
    const found = matchAt(value, v, slice, s);
    if (found) {
      for (let i = 0; i < found.valueLength; i++) offsets.push(s + (found.from?.[i] ?? 0));
      v += found.valueLength;
      s += found.sliceLength;
    } else if (s < slice.length) {
      // Markup the value does not have (a backslash, indentation, a block quote's `>`): skip it.
      s++;
    } else {
      offsets.push(Math.max(slice.length - 1, 0));
      v++;
    }
  }
  return (index) => offsets[index] ?? Math.max(slice.length - 1, 0);
}

function matchAt(value: string, v: number, slice: string, s: number): Match | undefined {
  if (s >= slice.length) return undefined;
  if (slice[s] === '&') {
    const reference = matchReference(value, v, slice, s);
    if (reference) return reference;
  }
  if (value[v] === slice[s]) return { valueLength: 1, sliceLength: 1 };
  return matchNormalized(value, v, slice, s);
}

/** A character reference in the slice that the value holds decoded. */
function matchReference(value: string, v: number, slice: string, s: number): Match | undefined {
  REFERENCE.lastIndex = s;
  const found = REFERENCE.exec(slice);
  if (!found) return undefined;
  const [whole, hex, decimal, name] = found;
  const decoded =
    hex !== undefined
      ? decodeNumericCharacterReference(hex, 16)
      : decimal !== undefined
        ? decodeNumericCharacterReference(decimal, 10)
        : decodeNamedCharacterReference(name ?? '');
  if (decoded === false || decoded === '') return undefined;
  const normalized = decoded.normalize('NFC');
  if (!value.startsWith(normalized, v)) return undefined;
  return { valueLength: normalized.length, sliceLength: whole.length };
}

/**
 * A character with its marks, which NFC composed or put in canonical order. Each unit of the
 * value points at the same code point in the slice's segment (a composed letter at its base).
 */
function matchNormalized(value: string, v: number, slice: string, s: number): Match | undefined {
  SEGMENT.lastIndex = s;
  const segment = SEGMENT.exec(slice)?.[0] ?? '';
  if (segment === '') return undefined;
  const normalized = segment.normalize('NFC');
  if (normalized === segment || !value.startsWith(normalized, v)) return undefined;
  const from: number[] = [];
  const used = new Set<number>();
  for (const char of normalized) {
    let at = -1;
    for (let i = segment.indexOf(char); i >= 0; i = segment.indexOf(char, i + 1)) {
      if (!used.has(i)) {
        at = i;
        break;
      }
    }
    if (at >= 0) used.add(at);
    for (let unit = 0; unit < char.length; unit++) from.push(Math.max(at, 0) + (at >= 0 ? unit : 0));
  }
  return { valueLength: normalized.length, sliceLength: segment.length, from };
}
