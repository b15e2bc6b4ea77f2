/** The tables of a TrueType (sfnt) font program, by tag, as views into its bytes. */
export function readTables(font: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, Uint8Array>();
  const count = view.getUint16(4);
  for (let index = 0; index < count; index++) {
    const at = 12 + index * 16;
    const tag = String.fromCharCode(...font.subarray(at, at + 4));
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    tables.set(tag, font.subarray(offset, offset + length));
  }
  return tables;
}

/** The glyph count of a TrueType font program (`maxp`), or undefined when it has no `maxp`. */
export function glyphCount(font: Uint8Array): number | undefined {
  const maxp = readTables(font).get('maxp');
  return maxp && maxp.length >= 6
    ? new DataView(maxp.buffer, maxp.byteOffset, maxp.byteLength).getUint16(4)
    : undefined;
}
