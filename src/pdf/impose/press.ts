import {
  beginMarkedContent,
  endMarkedContent,
  lineTo,
  moveTo,
  PDFContentStream,
  PDFDocument,
  PDFName,
  PDFPageLeaf,
  popGraphicsState,
  pushGraphicsState,
  setLineWidth,
  setStrokingCmykColor,
  stroke,
} from 'pdf-lib';
import { BLEED_MM, type TrimGeometry } from '../../model/trim.ts';
import { parseContentStream } from '../text-layer/content-stream.ts';
import { readPageContent, writePageContent } from '../page-content.ts';

const MM = 72 / 25.4;
/** Bleed on every side, as print shops ask: 3 mm. */
export const BLEED = BLEED_MM * MM;
/** Crop marks start at the bleed's edge, 3 mm off the trim, so they never enter the bleed… */
const MARK_OFFSET = 3 * MM;
/** …and are 6 mm long (preflight wants at least 5). */
const MARK_LENGTH = 6 * MM;
/** The slug around the bleed that holds the marks. */
const SLUG = MARK_OFFSET + MARK_LENGTH + 3 * MM - BLEED;
const MARK_WIDTH = 0.25;

/**
 * The print-shop file (PDF/X-4 once finished, see conformance.ts): every page of the book with
 * its TrimBox exactly the trim (Chrome rounds A5 to 420 × 594.96 pt; the trim is 419.53 ×
 * 595.28), a BleedBox 3 mm beyond it, and a MediaBox with a slug that holds crop marks 6 mm long,
 * 3 mm off the trim, outside the bleed. Black and grey become K-only (DeviceCMYK 0 0 0 k), so
 * small Devanagari strokes print from one plate instead of four-colour black. The page count is
 * made even. The pages are changed in place, so text, tags and outline stay as Chrome wrote
 * them; no Ghostscript, which garbles Devanagari.
 */
export async function addBleedAndMarks(bookPdf: Uint8Array, trim: TrimGeometry): Promise<Uint8Array> {
  const document = await PDFDocument.load(bookPdf, { updateMetadata: false });
  const width = trim.width * MM;
  const height = trim.height * MM;
  if (document.getPageCount() % 2 === 1) {
    const last = document.getPage(document.getPageCount() - 1).getMediaBox();
    document.addPage([last.width, last.height]);
  }
  for (const page of document.getPages()) {
    const media = page.getMediaBox();
    // The exact trim, centred on the page Chrome printed.
    const left = media.x + (media.width - width) / 2;
    const bottom = media.y + (media.height - height) / 2;
    const right = left + width;
    const top = bottom + height;
    const out = BLEED + SLUG;
    page.setMediaBox(left - out, bottom - out, width + 2 * out, height + 2 * out);
    page.setBleedBox(left - BLEED, bottom - BLEED, width + 2 * BLEED, height + 2 * BLEED);
    page.setTrimBox(left, bottom, width, height);
    page.node.delete(PDFName.of('CropBox'));
    page.node.delete(PDFName.of('ArtBox'));
    blackToKOnly(document, page.node);
    const marks: [number, number, number, number][] = [];
    for (const x of [left, right]) {
      for (const y of [bottom, top]) {
        const outX = x === left ? -1 : 1;
        const outY = y === bottom ? -1 : 1;
        // A horizontal mark on the line y, a vertical one on the line x, both outside the bleed.
        const [near, far] = [MARK_OFFSET, MARK_OFFSET + MARK_LENGTH];
        marks.push([x + outX * near, y, x + outX * far, y], [x, y + outY * near, x, y + outY * far]);
      }
    }
    // Chrome's page content changes the coordinate system and never restores it: enclose it.
    page.node.wrapContentStreams(
      document.context.register(PDFContentStream.of(document.context.obj({}), [pushGraphicsState()])),
      document.context.register(PDFContentStream.of(document.context.obj({}), [popGraphicsState()])),
    );
    page.pushOperators(
      // Marks are not part of the book's text: an artifact for tagged-PDF readers.
      beginMarkedContent('Artifact'),
      pushGraphicsState(),
      setLineWidth(MARK_WIDTH),
      // Registration colour: the marks print on every plate.
      setStrokingCmykColor(1, 1, 1, 1),
      ...marks.flatMap(([x1, y1, x2, y2]) => [moveTo(x1, y1), lineTo(x2, y2)]),
      stroke(),
      popGraphicsState(),
      endMarkedContent(),
    );
  }
  return document.save();
}

/** RGB or grey operators that set a neutral colour: `0 0 0 rg`, `.2667 .2667 .2667 RG`, `0 g`. */
const NEUTRAL = /^(?:rg|RG|g|G)$/;

/**
 * Rewrites a page's content so that every neutral colour (black, the greys of rules) is a tint of
 * black alone, `0 0 0 K k`; other colours stay as they are (the finished file gives DeviceRGB
 * the sRGB profile). Only the colour operators change.
 */
function blackToKOnly(document: PDFDocument, page: PDFPageLeaf): void {
  const text = readPageContent(document, page);
  if (text === undefined) return;
  const parts: string[] = [];
  for (const operation of parseContentStream(text)) {
    const values = operation.operands;
    if (NEUTRAL.test(operation.operator) && values.every((value) => typeof value === 'number')) {
      const levels = values;
      if (levels.every((level) => Math.abs(level - levels[0]!) < 0.002)) {
        const black = Math.round((1 - levels[0]!) * 10000) / 10000;
        parts.push(`0 0 0 ${black} ${operation.operator === 'rg' || operation.operator === 'g' ? 'k' : 'K'}`);
        continue;
      }
    }
    parts.push(operation.source);
  }
  writePageContent(document, page, parts.join('\n'));
}
