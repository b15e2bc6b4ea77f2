/**
 * Maps each UTF-16 index of a text node's value to its offset in the manuscript slice the node
 * came from. The value can differ from the slice: escapes (`\*`), character references,
 * indentation that Markdown strips, and NFC (क़ U+0958 becomes क + ़; न + ़ becomes ऩ).
 */
export function sourceOffsets(value: string, slice: string): (index: number) => number {
  if (value === slice) return (index) => index;
  const offsets: number[] = [];
  let s = 0;
  let v = 0;
  while (v < value.length) {
    const found = matchAt(value, v, slice, s);
    if (found) {
      for (let i = 0; i < found.valueLength; i++) offsets.push(s);
      v += found.valueLength;
      s += found.sliceLength;
    } else if (s < slice.length) {
      // Markup the value does not have (a backslash, `&amp;`, indentation): skip it.
      s++;
    } else {
      offsets.push(Math.max(slice.length - 1, 0));
      v++;
    }
  }
  return (index) => offsets[index] ?? Math.max(slice.length - 1, 0);
}

/** How the value at `v` matches the slice at `s`: the same character, or its NFC form. */
function matchAt(
  value: string,
  v: number,
  slice: string,
  s: number,
): { valueLength: number; sliceLength: number } | undefined {
  if (s >= slice.length) return undefined;
  if (value[v] === slice[s]) return { valueLength: 1, sliceLength: 1 };
  const char = String.fromCodePoint(slice.codePointAt(s) ?? 0);
  const normalized = char.normalize('NFC');
  if (normalized !== char && value.startsWith(normalized, v)) {
    return { valueLength: normalized.length, sliceLength: char.length };
  }
  const pair = slice.slice(s, s + 2).normalize('NFC');
  if (pair.length === 1 && value[v] === pair) return { valueLength: 1, sliceLength: 2 };
  return undefined;
}
