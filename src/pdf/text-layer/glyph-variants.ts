import { readTables } from '../../fonts/sfnt.ts';

/**
 * Adds glyphs to an embedded TrueType font program: each a composite of one existing glyph, drawn
 * exactly like it, with an advance width of its own. The text layer gives every glyph
 * occurrence a CID whose width (`W`) reaches the next glyph; PDF/A (ISO 19005-1 6.3.6) wants
 * each CID's `W` to be its glyph's advance in the font program, so each such CID gets a glyph of
 * its own here. Viewers place glyphs by `W` and Chrome's `Td`, so nothing moves on the page.
 */
export interface GlyphVariant {
  /** The glyph it draws. */
  gid: number;
  /** Its advance, in the PDF's thousandths of an em. */
  width: number;
}

/** The font program with the variants appended, and the glyph id of the first one. */
export function addGlyphVariants(
  font: Uint8Array,
  variants: readonly GlyphVariant[],
): { font: Uint8Array; first: number } {
  const tables = readTables(font);
  const table = (tag: string) => {
    const found = tables.get(tag);
    if (!found) throw new Error(`the embedded font has no ${tag} table`);
    return found;
  };
  const head = new DataView(copy(table('head')).buffer);
  const maxp = new DataView(copy(table('maxp')).buffer);
  const hhea = new DataView(copy(table('hhea')).buffer);
  const loca = table('loca');
  const glyf = table('glyf');
  const hmtx = table('hmtx');
  const unitsPerEm = head.getUint16(18);
  const longLoca = head.getInt16(50) === 1;
  const count = maxp.getUint16(4);
  const metrics = hhea.getUint16(34);
  const locaView = new DataView(loca.buffer, loca.byteOffset, loca.byteLength);
  const offsetOf = (gid: number) => (longLoca ? locaView.getUint32(gid * 4) : locaView.getUint16(gid * 2) * 2);
  const hmtxView = new DataView(hmtx.buffer, hmtx.byteOffset, hmtx.byteLength);
  const advanceOf = (gid: number) => hmtxView.getUint16(Math.min(gid, metrics - 1) * 4);
  const lsbOf = (gid: number) =>
    gid < metrics ? hmtxView.getInt16(gid * 4 + 2) : hmtxView.getInt16(metrics * 4 + (gid - metrics) * 2);

  // glyf: the old glyphs as they are, then one composite per variant (header, one component).
  const added: Uint8Array[] = [];
  const offsets: number[] = [];
  let end = offsetOf(count);
  for (const variant of variants) {
    offsets.push(end);
    const start = offsetOf(variant.gid);
    if (offsetOf(variant.gid + 1) <= start) continue; // no outline: an empty glyph again
    const record = new Uint8Array(16);
    const view = new DataView(record.buffer);
    view.setInt16(0, -1);
    // The bounding box of the glyph it draws.
    record.set(glyf.subarray(start + 2, start + 10), 2);
    // ARGS_ARE_XY_VALUES with byte offsets 0, 0; no USE_MY_METRICS: the advance is its own.
    view.setUint16(10, 0x0002);
    view.setUint16(12, variant.gid);
    added.push(record);
    end += record.length;
  }
  offsets.push(end);
  const total = count + variants.length;
  const newGlyf = concat([glyf.subarray(0, offsetOf(count)), ...added]);

  const needsLong = longLoca || end / 2 > 0xffff;
  const newLoca = new DataView(new ArrayBuffer((total + 1) * (needsLong ? 4 : 2)));
  const writeOffset = (gid: number, offset: number) =>
    needsLong ? newLoca.setUint32(gid * 4, offset) : newLoca.setUint16(gid * 2, offset / 2);
  for (let gid = 0; gid <= count; gid++) writeOffset(gid, gid === count ? offsets[0]! : offsetOf(gid));
  offsets.forEach((offset, index) => writeOffset(count + index, offset));
  head.setInt16(50, needsLong ? 1 : 0);

  // hmtx: a full metric for every glyph, so each variant has its own advance.
  const newHmtx = new DataView(new ArrayBuffer(total * 4));
  for (let gid = 0; gid < count; gid++) {
    newHmtx.setUint16(gid * 4, advanceOf(gid));
    newHmtx.setInt16(gid * 4 + 2, lsbOf(gid));
  }
  variants.forEach((variant, index) => {
    const gid = count + index;
    newHmtx.setUint16(gid * 4, Math.max(0, Math.round((variant.width * unitsPerEm) / 1000)));
    newHmtx.setInt16(gid * 4 + 2, lsbOf(variant.gid));
  });
  hhea.setUint16(34, total);
  maxp.setUint16(4, total);
  if (maxp.byteLength >= 32) {
    // maxComponentElements and maxComponentDepth: a variant adds one level over its glyph.
    maxp.setUint16(28, Math.max(1, maxp.getUint16(28)));
    maxp.setUint16(30, maxp.getUint16(30) + 1);
  }

  const changed = new Map<string, Uint8Array>([
    ['head', new Uint8Array(head.buffer)],
    ['maxp', new Uint8Array(maxp.buffer)],
    ['hhea', new Uint8Array(hhea.buffer)],
    ['loca', new Uint8Array(newLoca.buffer)],
    ['glyf', newGlyf],
    ['hmtx', new Uint8Array(newHmtx.buffer)],
  ]);
  // Tables sized by the glyph count that nothing here needs: gone rather than wrong.
  for (const tag of ['hdmx', 'LTSH', 'VDMX', 'vmtx', 'vhea']) tables.delete(tag);
  const post = tables.get('post');
  if (post && new DataView(post.buffer, post.byteOffset).getUint32(0) === 0x00020000) {
    // Format 2 names each glyph; format 3 names none.
    const names = copy(post.subarray(0, 32));
    new DataView(names.buffer).setUint32(0, 0x00030000);
    changed.set('post', names);
  }
  for (const [tag, bytes] of changed) tables.set(tag, bytes);
  return { font: writeFont(tables), first: count };
}

/** An sfnt with these tables, in tag order, each 4-byte aligned, with checksums and head's adjustment. */
function writeFont(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const headerLength = 12 + tags.length * 16;
  let size = headerLength;
  for (const tag of tags) size += align(tables.get(tag)!.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00010000);
  view.setUint16(4, tags.length);
  const power = 2 ** Math.floor(Math.log2(tags.length));
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, tags.length * 16 - power * 16);
  let offset = headerLength;
  let headAt = 0;
  tags.forEach((tag, index) => {
    const bytes = tables.get(tag)!;
    const entry = 12 + index * 16;
    for (let char = 0; char < 4; char++) out[entry + char] = tag.charCodeAt(char);
    if (tag === 'head') {
      headAt = offset;
      const head = copy(bytes);
      new DataView(head.buffer).setUint32(8, 0);
      out.set(head, offset);
    } else out.set(bytes, offset);
    view.setUint32(entry + 4, checksum(out.subarray(offset, offset + align(bytes.length))));
    view.setUint32(entry + 8, offset);
    view.setUint32(entry + 12, bytes.length);
    offset += align(bytes.length);
  });
  view.setUint32(headAt + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}

function checksum(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sum = 0;
  for (let at = 0; at + 4 <= bytes.length; at += 4) sum = (sum + view.getUint32(at)) >>> 0;
  return sum;
}

function align(length: number): number {
  return (length + 3) & ~3;
}

function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
