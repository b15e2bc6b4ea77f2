/**
 * Makes every word of Chrome's PDF extract as itself in poppler, MuPDF and pdf.js.
 *
 * Chrome draws each glyph with its own `Td … Tj` and wraps multi-glyph clusters (कि, र्क, कुँ) in
 * `/Span <</ActualText …>>`. pdf.js ignores ActualText and reads the glyphs' ToUnicode in drawing
 * order (ि before क); all three extractors insert a space wherever a glyph's advance width (W)
 * ends short of the next glyph, which marks placed by GPOS do inside words.
 *
 * This stage gives each glyph occurrence a CID of its own kind: the same glyph (CIDToGIDMap),
 * its share of the word's text in logical order (ToUnicode) and a width that leaves no gap the
 * extractors would read as a space (W); pdf-glyph-text.ts chooses both. Marks a wide glyph cannot
 * carry are shown beside it invisibly, and each word gets one ActualText span for poppler and
 * MuPDF in place of Chrome's per-cluster spans. Every other operator stays where Chrome wrote it,
 * so each page is drawn exactly as before. See README, "Searchable text".
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
import { addGlyphVariants } from './glyph-variants.ts';
import { readPageContent, streamBytes, writePageContent } from '../page-content.ts';
import { glyphTexts, type Cluster } from './glyph-text.ts';
import { formatNumber, hexString, isDict, isName, parseContentStream, type Operation } from './content-stream.ts';

/** Text-state operators this stage does not model: a text object using one is left as it is. */
const UNMODELLED = new Set(['TJ', "'", '"', 'Tc', 'Tw', 'Tz', 'TL', 'T*', 'Ts', 'TD', 'd0', 'd1']);
const MAX_CID = 0xffff;
/** Operators a word's span must close before (marked content nests). */
const CLOSES_WORD = new Set(['BDC', 'BMC', 'EMC', 'ET']);

/** A two-byte CID as a hex string, `<0a1f>`. */
function cidHex(cid: number): string {
  return `<${HEX[(cid >> 8) & 0xff]}${HEX[cid & 0xff]}>`;
}
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export async function rewriteTextLayer(pdf: Uint8Array): Promise<Uint8Array> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  addTextLayer(document);
  return document.save({ useObjectStreams: false });
}

/** The text-layer stage on a loaded document (see rewriteTextLayer). */
export function addTextLayer(document: PDFDocument): void {
  const fonts = new Map<PDFRef, CidFont | undefined>();
  for (const page of document.getPages()) {
    const contents = page.node.Contents();
    const fontDict = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    if (!contents || !fontDict) continue;
    const text = readPageContent(document, page.node) ?? '';
    const fontOf = (name: string): CidFont | undefined => {
      const ref = fontDict.get(PDFName.of(name));
      if (!(ref instanceof PDFRef)) return undefined;
      if (!fonts.has(ref)) fonts.set(ref, readCidFont(document, ref));
      return fonts.get(ref);
    };
    writePageContent(document, page.node, rewriteContent(parseContentStream(text), fontOf));
  }
  for (const font of fonts.values()) if (font && font.added.length > 0) writeCidFont(document, font);
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
  /** The ActualText span it was drawn in. */
  cluster?: Cluster;
}

type Item = { op: Operation } | { glyph: Glyph };

/** Rewrites the text objects of one content stream; everything else passes through unchanged. */
function rewriteContent(operations: Operation[], fontOf: (name: string) => CidFont | undefined): Uint8Array {
  const out = new LineWriter();
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
  return out.bytes();
}

/**
 * Lines of latin1 text written straight into bytes: joining a page's many thousand short
 * strings took longer than writing them.
 */
class LineWriter {
  #buffer = Buffer.allocUnsafe(1 << 16);
  #length = 0;

  push(line: string): void {
    const needed = this.#length + line.length + 1;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    if (this.#length > 0) this.#buffer[this.#length++] = 0x0a;
    this.#length += this.#buffer.write(line, this.#length, 'latin1');
  }

  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
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
    const first = op.operands[0];
    const second = op.operands[1];
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
        target.push({ op });
        break;
      case 'Tj': {
        // Chrome shows one glyph per Tj, each placed by Td from the line matrix, so a glyph's
        // width never moves another glyph. Anything else is left as it is.
        if (!font || size <= 0 || !(first instanceof Uint8Array) || first.length !== 2) return undefined;
        const cid = ((first[0] ?? 0) << 8) | (first[1] ?? 0);
        target.push({ glyph: { font, size, cid, frame, x: penX, y: lineY } });
        penX += (font.widthOf(cid) * size) / 1000;
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

/**
 * Writes the text object back with every operator where it was: each glyph shown with its own
 * CID, marks it does not carry shown invisibly at its origin or end, one ActualText span per word.
 */
function writeTextObject(
  items: (Item | { span: Span })[],
  out: LineWriter,
  emit: (op: Operation, dropSpan?: boolean) => void,
): void {
  // Plain loops: flatMap over one-item arrays costs more here than everything around it.
  const flat: Item[] = [];
  const glyphs: Glyph[] = [];
  for (const item of items) {
    if ('span' in item) for (const each of clusterItems(item.span)) flat.push(each);
    else flat.push(item);
  }
  for (const item of flat) if ('glyph' in item) glyphs.push(item.glyph);
  const runs = new Map<string, number>();
  const texts = glyphTexts(
    glyphs.map((glyph) => {
      const run = `${glyph.frame} ${glyph.size} ${glyph.font.key}`;
      if (!runs.has(run)) runs.set(run, runs.size);
      return {
        x: glyph.x,
        y: glyph.y,
        size: glyph.size,
        width: glyph.font.widthOf(glyph.cid),
        ownText: glyph.font.toUnicode.get(glyph.cid) ?? '',
        run: runs.get(run) ?? 0,
        ...(glyph.cluster ? { cluster: glyph.cluster } : {}),
      };
    }),
  );
  let glyphIndex = 0;
  let renderMode = '0';
  let inWord = false;
  // Shown with no width, an invisible glyph leaves the text matrix where it was; and since
  // Chrome places every glyph by Td from the line matrix, no other glyph moves.
  const invisible = (cid: number): string => `3 Tr ${cidHex(cid)} Tj ${renderMode} Tr`;
  for (const item of flat) {
    if ('op' in item) {
      // Marked content must nest: a word span closes before any other marked content.
      if (inWord && CLOSES_WORD.has(item.op.operator)) {
        out.push('EMC');
        inWord = false;
      }
      if (item.op.operator === 'Tr') renderMode = formatNumber(Number(item.op.operands[0]));
      emit(item.op);
      continue;
    }
    const { glyph } = item;
    const text = texts[glyphIndex++];
    if (!text) continue;
    if (text.word !== undefined && !inWord) {
      out.push(`/Span <</ActualText ${hexString(utf16Bytes(text.word))}>> BDC`);
      inWord = true;
    }
    if (text.before) out.push(invisible(glyph.font.cidFor(glyph.cid, text.before, 0)));
    const cid = glyph.font.cidFor(glyph.cid, text.text, text.width);
    out.push(`${cidHex(cid)} Tj`);
    if (text.after) out.push(invisible(glyph.font.cidFor(glyph.cid, text.after, 0)));
    if (text.wordEnd && inWord) {
      out.push('EMC');
      inWord = false;
    }
  }
  if (inWord) out.push('EMC');
}

/** A PDF text string in UTF-16BE with its byte-order mark. */
function utf16Bytes(text: string): number[] {
  const bytes = [0xfe, 0xff];
  for (let index = 0; index < text.length; index++)
    bytes.push(text.charCodeAt(index) >> 8, text.charCodeAt(index) & 0xff);
  return bytes;
}

/** A cluster's items, its glyphs marked as drawn for its text. */
function clusterItems(span: Span): Item[] {
  const cluster = { text: span.text, glyphs: 0 };
  for (const item of span.items) {
    if (!('glyph' in item)) continue;
    item.glyph.cluster = cluster;
    cluster.glyphs++;
  }
  return span.items;
}

/** A Type0 font with Identity-H encoding and a TrueType CID font: the kind Chrome embeds. */
interface CidFont {
  key: number;
  widthOf(cid: number): number;
  /** A CID drawing the same glyph as `cid` that extracts as `text` and advances `width`. */
  cidFor(cid: number, text: string, width: number): number;
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
  const gidOf = (cid: number): number => (gidMap ? ((gidMap[cid * 2] ?? 0) << 8) | (gidMap[cid * 2 + 1] ?? 0) : cid);
  const widthOf = (cid: number): number => widths.get(cid) ?? defaultWidth;
  const highest = Math.max(gidMap ? gidMap.length / 2 - 1 : 0, ...widths.keys(), ...toUnicode.keys());
  const variants = new Map<string, number>();
  const added: CidFont['added'] = [];
  return {
    key: ref.objectNumber,
    type0,
    cidFont,
    toUnicode,
    gidOf,
    widthOf,
    added,
    cidFor(original, text, width) {
      if (text === (toUnicode.get(original) ?? '') && width === widthOf(original)) return original;
      const gid = gidOf(original);
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

/**
 * Adds the new CIDs to the font: their glyphs, widths and text. Each new CID draws a glyph added
 * to the embedded font program for it, a copy of its glyph whose advance is its width (see
 * glyph-variants.ts), so the font program and `W` agree as PDF/A asks.
 */
function writeCidFont(document: PDFDocument, font: CidFont): void {
  const { context } = document;
  const firstAdded = font.added[0]?.cid ?? 0;
  const gids = addedGlyphs(document, font);
  const last = font.added.at(-1)?.cid ?? 0;
  const map = new Uint8Array((last + 1) * 2);
  for (let cid = 0; cid <= last; cid++) {
    const gid = cid < firstAdded ? font.gidOf(cid) : (gids[cid - firstAdded] ?? 0);
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

/**
 * The glyph each added CID draws: a variant appended to the embedded font program when there is
 * one to rewrite, else (a font without a TrueType program) the original glyph.
 */
function addedGlyphs(document: PDFDocument, font: CidFont): number[] {
  const descriptor = font.cidFont.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
  const file = descriptor?.lookup(PDFName.of('FontFile2'));
  if (!descriptor || !(file instanceof PDFRawStream)) return font.added.map((variant) => variant.gid);
  const { font: rewritten, first } = addGlyphVariants(streamBytes(file), font.added);
  const stream = document.context.flateStream(rewritten, { Length1: rewritten.length });
  descriptor.set(PDFName.of('FontFile2'), document.context.register(stream));
  // A CIDSet written before would no longer list every glyph.
  descriptor.delete(PDFName.of('CIDSet'));
  return font.added.map((_, index) => first + index);
}

function parseWidths(array: PDFArray | undefined): Map<number, number> {
  const widths = new Map<number, number>();
  const items = array?.asArray() ?? [];
  for (let index = 0; index < items.length;) {
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

export function writeToUnicode(map: Map<number, string>): string {
  const entries = [...map].sort(([a], [b]) => a - b);
  const blocks: string[] = [];
  for (let start = 0; start < entries.length; start += 100) {
    const chunk = entries.slice(start, start + 100);
    blocks.push(
      `${chunk.length} beginbfchar\n${chunk
        .map(([cid, text]) => `${cidHex(cid)} <${utf16Hex(text)}>`)
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
  return Array.from({ length: text.length }, (_, index) => text.charCodeAt(index).toString(16).padStart(4, '0')).join(
    '',
  );
}

/** A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding (latin1 is close enough here). */
function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return UTF16BE.decode(bytes.subarray(2));
  return latin1(bytes);
}

const UTF16BE = new TextDecoder('utf-16be');

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
