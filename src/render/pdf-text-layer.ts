/**
 * Makes every word of Chrome's PDF extract as itself in poppler, MuPDF and pdf.js.
 *
 * Chrome draws each glyph with its own `Td … Tj` and wraps multi-glyph clusters (कि, र्क, कुँ) in
 * `/Span <</ActualText …>>`. pdf.js ignores ActualText and reads the glyphs' ToUnicode in drawing
 * order (ि before क); all three extractors insert a space wherever a glyph's advance width (W)
 * ends short of the next glyph, which marks placed by GPOS do inside words.
 *
 * This stage gives each glyph occurrence a CID of its own kind: same glyph (CIDToGIDMap), its
 * share of the cluster's text in logical order (ToUnicode), and as width the distance to the next
 * glyph it is drawn next to (W). Glyphs of a cluster are drawn left to right so their shares
 * concatenate in order. What is drawn stays the same glyph at the same place; the ActualText
 * spans go, since every glyph now says what it means. See README, "Searchable text".
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  decodePDFRawStream,
} from 'pdf-lib';
import {
  formatNumber,
  hexString,
  isDict,
  isName,
  parseContentStream,
  type Operation,
} from './pdf-content-stream.ts';

/** Text-state operators this stage does not model: a text object using one is left as it is. */
const UNMODELLED = new Set(['TJ', "'", '"', 'Tc', 'Tw', 'Tz', 'TL', 'T*', 'Ts', 'TD', 'd0', 'd1']);
/** A gap wider than this (in em) past the glyphs drawn so far is a real space, never closed. */
const MAX_CLOSED_GAP = 0.1;
const MAX_CID = 0xffff;

export async function rewriteTextLayer(pdf: Uint8Array): Promise<Uint8Array> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const fonts = new Map<PDFRef, CidFont | undefined>();
  for (const page of document.getPages()) {
    const contents = page.node.Contents();
    const fontDict = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    if (!contents || !fontDict) continue;
    const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
    const text = streams
      .map((stream) => latin1(decodePDFRawStream(document.context.lookup(stream, PDFRawStream)).decode()))
      .join('\n');
    const fontOf = (name: string): CidFont | undefined => {
      const ref = fontDict.get(PDFName.of(name));
      if (!(ref instanceof PDFRef)) return undefined;
      if (!fonts.has(ref)) fonts.set(ref, readCidFont(document, ref));
      return fonts.get(ref);
    };
    const rewritten = rewriteContent(parseContentStream(text), fontOf);
    page.node.set(PDFName.of('Contents'), document.context.register(document.context.flateStream(Buffer.from(rewritten, 'latin1'))));
  }
  for (const font of fonts.values()) if (font && font.added.length > 0) writeCidFont(document, font);
  return document.save({ useObjectStreams: false });
}

interface Glyph {
  font: CidFont;
  size: number;
  cid: number;
  /** Which `Tm` of the text object the origin is relative to. */
  frame: number;
  /** Origin in the text space of that `Tm`. */
  x: number;
  y: number;
  /** Its share of the text; undefined: what its own ToUnicode says. */
  text?: string;
}

type Item = { op: Operation } | { glyph: Glyph };

/** Rewrites the text objects of one content stream; everything else passes through unchanged. */
function rewriteContent(operations: Operation[], fontOf: (name: string) => CidFont | undefined): string {
  const out: string[] = [];
  // Marked content is balanced across text objects: each EMC follows its opener's fate.
  const marked: boolean[] = [];
  const emit = (op: Operation, dropSpan = false): void => {
    if (op.operator === 'BDC' || op.operator === 'BMC') {
      marked.push(dropSpan);
      if (dropSpan) return;
    } else if (op.operator === 'EMC' && marked.pop() === true) return;
    out.push(op.source);
  };
  let block: Operation[] | undefined;
  for (const op of operations) {
    if (op.operator === 'BT') block = [op];
    else if (block) {
      block.push(op);
      if (op.operator === 'ET') {
        const items = readTextObject(block, fontOf);
        if (items) writeTextObject(items, out, emit);
        else for (const each of block) emit(each);
        block = undefined;
      }
    } else emit(op);
  }
  for (const each of block ?? []) emit(each);
  return out.join('\n');
}

interface Span {
  text: string;
  items: Item[];
}

/** The text object as glyphs at absolute positions, spans resolved; undefined when it cannot be modelled. */
function readTextObject(
  block: Operation[],
  fontOf: (name: string) => CidFont | undefined,
): (Item | { span: Span })[] | undefined {
  const items: (Item | { span: Span })[] = [];
  let span: Span | undefined;
  let font: CidFont | undefined;
  let size = 0;
  let lineX = 0;
  let lineY = 0;
  let penX = 0;
  let frame = 0;
  for (const op of block) {
    const target = span ? span.items : items;
    const [first, second] = op.operands;
    if (UNMODELLED.has(op.operator)) return undefined;
    switch (op.operator) {
      case 'Tf':
        font = isName(first) ? fontOf(first.name) : undefined;
        size = typeof second === 'number' ? second : 0;
        target.push({ op });
        break;
      case 'Tm':
        lineX = lineY = penX = 0;
        frame++;
        target.push({ op });
        break;
      case 'Td':
        if (typeof first !== 'number' || typeof second !== 'number') return undefined;
        lineX += first;
        lineY += second;
        penX = lineX;
        break;
      case 'Tj': {
        if (!font || size <= 0 || !(first instanceof Uint8Array) || first.length % 2) return undefined;
        for (let index = 0; index < first.length; index += 2) {
          const cid = ((first[index] ?? 0) << 8) | (first[index + 1] ?? 0);
          target.push({ glyph: { font, size, cid, frame, x: penX, y: lineY } });
          penX += (font.widthOf(cid) * size) / 1000;
        }
        break;
      }
      case 'BDC':
      case 'BMC': {
        if (span) return undefined;
        const actualText = op.operator === 'BDC' && isDict(second) ? second.dict.get('ActualText') : undefined;
        if (actualText instanceof Uint8Array) {
          span = { text: decodeTextString(actualText), items: [] };
          items.push({ span });
        } else target.push({ op });
        break;
      }
      case 'EMC':
        if (span) span = undefined;
        else target.push({ op });
        break;
      default:
        target.push({ op });
    }
  }
  return span ? undefined : items;
}

/** Writes the text object back: glyphs of a cluster left to right, each with its own CID. */
function writeTextObject(
  items: (Item | { span: Span })[],
  out: string[],
  emit: (op: Operation, dropSpan?: boolean) => void,
): void {
  const ordered: Item[] = items.flatMap((item) => ('span' in item ? clusterInOrder(item.span) : [item]));
  const glyphs = ordered.flatMap((item) => ('glyph' in item ? [item.glyph] : []));
  const widths = advanceWidths(glyphs);
  let lineX = 0;
  let lineY = 0;
  let atLine = true;
  let glyphIndex = 0;
  for (const item of ordered) {
    if ('op' in item) {
      if (item.op.operator === 'Tm') {
        lineX = lineY = 0;
        atLine = true;
      }
      emit(item.op);
      continue;
    }
    const glyph = item.glyph;
    const cid = glyph.font.cidFor(glyph, widths[glyphIndex++] ?? glyph.font.widthOf(glyph.cid));
    const dx = glyph.x - lineX;
    const dy = glyph.y - lineY;
    if (!atLine || Math.abs(dx) > 1e-9 || Math.abs(dy) > 1e-9) {
      out.push(`${formatNumber(dx)} ${formatNumber(dy)} Td`);
      lineX += Number(formatNumber(dx));
      lineY += Number(formatNumber(dy));
    }
    out.push(`${hexString([cid >> 8, cid & 0xff])} Tj`);
    atLine = false;
  }
}

/** A cluster's glyphs sorted left to right (drawing order does not change the picture), text shared out. */
function clusterInOrder(span: Span): Item[] {
  const glyphs = span.items.flatMap((item) => ('glyph' in item ? [item.glyph] : []));
  const firstGlyph = span.items.findIndex((item) => 'glyph' in item);
  const opsAfterGlyphs = span.items.slice(firstGlyph).some((item) => 'op' in item);
  const ordered = opsAfterGlyphs
    ? span.items
    : [...span.items.slice(0, firstGlyph), ...glyphs.sort((a, b) => a.x - b.x).map((glyph) => ({ glyph }))];
  const drawn = ordered.flatMap((item) => ('glyph' in item ? [item.glyph] : []));
  const shares = shareText(span.text, drawn.length);
  if (shares) drawn.forEach((glyph, index) => (glyph.text = shares[index]));
  return ordered;
}

/**
 * Splits a cluster's text into one non-empty share per glyph, in logical order. pdf.js drops a
 * glyph whose text ends in a format character (ZWJ, ZWNJ) or starts with white space, so those
 * stick to a neighbour. Undefined when there are fewer pieces than glyphs (an orphan mark drawn
 * with a dotted circle): the glyphs then keep their own text.
 */
export function shareText(text: string, glyphs: number): string[] | undefined {
  const pieces: string[] = [];
  for (const char of text) {
    const last = pieces.at(-1);
    if (last !== undefined && (/\p{Cf}$/u.test(last) || /^\s/u.test(last))) pieces[pieces.length - 1] = last + char;
    else pieces.push(char);
  }
  if (pieces.length < glyphs || glyphs === 0) return undefined;
  return [...pieces.slice(0, glyphs - 1), pieces.slice(glyphs - 1).join('')];
}

/** pdf.js treats a glyph whose text holds a nonspacing mark as zero-width and measures gaps past it. */
const NONSPACING = /\p{Mn}/u;

/**
 * The advance widths (thousandths of an em) that leave no gap inside a word for any extractor:
 * each glyph reaches the next one, and a glyph that pdf.js measures reaches the next glyph
 * pdf.js measures. Real gaps (past a space glyph, between columns, at line ends) keep the
 * glyph's own width, so words stay apart.
 */
function advanceWidths(glyphs: Glyph[]): number[] {
  const textOf = (glyph: Glyph): string => glyph.text ?? glyph.font.toUnicode.get(glyph.cid) ?? '';
  const sameRun = (a: Glyph, b: Glyph | undefined): b is Glyph =>
    b !== undefined && a.font === b.font && a.size === b.size && a.frame === b.frame && Math.abs(a.y - b.y) <= a.size / 2;
  let reach = -Infinity;
  return glyphs.map((glyph, index) => {
    const own = glyph.font.widthOf(glyph.cid);
    if (index === 0 || !sameRun(glyphs[index - 1] as Glyph, glyph)) reach = -Infinity;
    reach = Math.max(reach, glyph.x + (own * glyph.size) / 1000);
    const next = glyphs[index + 1];
    if (!sameRun(glyph, next) || next.x - reach > glyph.size * MAX_CLOSED_GAP) return own;
    let target: Glyph | undefined = next;
    if (!NONSPACING.test(textOf(glyph))) {
      for (let ahead = index + 1; target && NONSPACING.test(textOf(target)); ahead++) target = glyphs[ahead + 1];
    }
    if (!sameRun(glyph, target)) return own;
    return Math.max(0, Math.round(((target.x - glyph.x) * 1000) / glyph.size));
  });
}

/** A Type0 font with Identity-H encoding and a TrueType CID font: the kind Chrome embeds. */
interface CidFont {
  widthOf(cid: number): number;
  cidFor(glyph: Glyph, width: number): number;
  toUnicode: Map<number, string>;
  cidFont: PDFDict;
  type0: PDFDict;
  gidOf(cid: number): number;
  added: { cid: number; gid: number; text: string; width: number }[];
}

function readCidFont(document: PDFDocument, ref: PDFRef): CidFont | undefined {
  const type0 = document.context.lookupMaybe(ref, PDFDict);
  if (!type0 || type0.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) return undefined;
  if (type0.get(PDFName.of('Encoding')) !== PDFName.of('Identity-H')) return undefined;
  const cidFont = type0.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)?.lookupMaybe(0, PDFDict);
  const toUnicodeStream = type0.lookupMaybe(PDFName.of('ToUnicode'), PDFStream);
  if (!cidFont || cidFont.get(PDFName.of('Subtype')) !== PDFName.of('CIDFontType2')) return undefined;
  if (!(toUnicodeStream instanceof PDFRawStream)) return undefined;

  const toUnicode = parseToUnicode(latin1(decodePDFRawStream(toUnicodeStream).decode()));
  const defaultWidth = cidFont.lookupMaybe(PDFName.of('DW'), PDFNumber)?.asNumber() ?? 1000;
  const widths = parseWidths(cidFont.lookupMaybe(PDFName.of('W'), PDFArray));
  const map = cidFont.lookup(PDFName.of('CIDToGIDMap'));
  const gidMap = map instanceof PDFRawStream ? decodePDFRawStream(map).decode() : undefined;
  const gidOf = (cid: number): number =>
    gidMap ? ((gidMap[cid * 2] ?? 0) << 8) | (gidMap[cid * 2 + 1] ?? 0) : cid;
  const widthOf = (cid: number): number => widths.get(cid) ?? defaultWidth;
  const highest = Math.max(gidMap ? gidMap.length / 2 - 1 : 0, ...widths.keys(), ...toUnicode.keys());
  const variants = new Map<string, number>();
  const added: CidFont['added'] = [];
  return {
    type0,
    cidFont,
    toUnicode,
    gidOf,
    widthOf,
    added,
    cidFor(glyph, width) {
      const text = glyph.text ?? toUnicode.get(glyph.cid) ?? '';
      // White space keeps its own width: a justified line's stretched spaces stay spaces.
      if (text.trim() === '' && glyph.text === undefined) return glyph.cid;
      if (text === toUnicode.get(glyph.cid) && width === widthOf(glyph.cid)) return glyph.cid;
      const gid = gidOf(glyph.cid);
      const key = `${gid} ${width} ${text}`;
      let cid = variants.get(key);
      if (cid === undefined) {
        cid = highest + 1 + added.length;
        if (cid > MAX_CID) throw new Error('more glyph variants than a CID font can hold');
        variants.set(key, cid);
        added.push({ cid, gid, text, width });
      }
      return cid;
    },
  };
}

/** Adds the new CIDs to the font: their glyphs, widths and text. */
function writeCidFont(document: PDFDocument, font: CidFont): void {
  const { context } = document;
  const last = font.added.at(-1)?.cid ?? 0;
  const map = new Uint8Array((last + 1) * 2);
  for (let cid = 0; cid <= last; cid++) {
    const gid = cid < (font.added[0]?.cid ?? 0) ? font.gidOf(cid) : (font.added[cid - (font.added[0]?.cid ?? 0)]?.gid ?? 0);
    map[cid * 2] = gid >> 8;
    map[cid * 2 + 1] = gid & 0xff;
  }
  font.cidFont.set(PDFName.of('CIDToGIDMap'), context.register(context.flateStream(map)));

  const widths = font.cidFont.lookupMaybe(PDFName.of('W'), PDFArray) ?? context.obj([]);
  widths.push(context.obj(font.added[0]?.cid ?? 0));
  widths.push(context.obj(font.added.map((variant) => variant.width)));
  font.cidFont.set(PDFName.of('W'), widths);

  for (const variant of font.added) font.toUnicode.set(variant.cid, variant.text);
  font.type0.set(PDFName.of('ToUnicode'), context.register(context.flateStream(writeToUnicode(font.toUnicode))));
}

function parseWidths(array: PDFArray | undefined): Map<number, number> {
  const widths = new Map<number, number>();
  const items = array?.asArray() ?? [];
  for (let index = 0; index < items.length; ) {
    const first = items[index];
    const second = items[index + 1];
    if (!(first instanceof PDFNumber)) break;
    if (second instanceof PDFArray) {
      second.asArray().forEach((width, offset) => {
        if (width instanceof PDFNumber) widths.set(first.asNumber() + offset, width.asNumber());
      });
      index += 2;
    } else {
      const width = items[index + 2];
      if (!(second instanceof PDFNumber) || !(width instanceof PDFNumber)) break;
      for (let cid = first.asNumber(); cid <= second.asNumber(); cid++) widths.set(cid, width.asNumber());
      index += 3;
    }
  }
  return widths;
}

/** The bfchar and bfrange entries of a ToUnicode CMap (two-byte codes, as Identity-H has). */
export function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hex = (value: string): number => parseInt(value, 16);
  const utf16 = (value: string): string =>
    String.fromCharCode(...(value.match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
  for (const [, body] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of (body ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) {
      map.set(hex(code ?? ''), utf16(text ?? ''));
    }
  }
  for (const [, body] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, low, high, target] of (body ?? '').matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g,
    )) {
      const targets = (target ?? '').startsWith('[') ? [...(target ?? '').matchAll(/<([0-9a-fA-F]*)>/g)] : undefined;
      for (let code = hex(low ?? ''); code <= hex(high ?? ''); code++) {
        const offset = code - hex(low ?? '');
        if (targets) map.set(code, utf16(targets[offset]?.[1] ?? ''));
        else {
          const base = utf16((target ?? '').slice(1, -1));
          map.set(code, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + offset));
        }
      }
    }
  }
  return map;
}

function writeToUnicode(map: Map<number, string>): string {
  const entries = [...map].sort(([a], [b]) => a - b);
  const blocks: string[] = [];
  for (let start = 0; start < entries.length; start += 100) {
    const chunk = entries.slice(start, start + 100);
    blocks.push(
      `${chunk.length} beginbfchar\n${chunk
        .map(([cid, text]) => `${hexString([cid >> 8, cid & 0xff])} <${utf16Hex(text)}>`)
        .join('\n')}\nendbfchar`,
    );
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function utf16Hex(text: string): string {
  return Array.from({ length: text.length }, (_, index) => text.charCodeAt(index).toString(16).padStart(4, '0')).join('');
}

/** A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding (latin1 is close enough here). */
function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return latin1(bytes);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

