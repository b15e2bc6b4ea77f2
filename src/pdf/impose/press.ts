import {
  beginMarkedContent,
  endMarkedContent,
  lineTo,
  moveTo,
  PDFContentStream,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  setLineWidth,
  setStrokingCmykColor,
  stroke,
} from 'pdf-lib';

/** Bleed on every side, as print shops ask: 3 mm. */
export const BLEED = (3 / 25.4) * 72;
/** Crop marks stop this far from the trimmed page, so that none shows after cutting. */
const MARK_GAP = (1 / 25.4) * 72;
const MARK_WIDTH = 0.25;

/**
 * The print-shop file: every page of the book grown by 3 mm of bleed on each side
 * (MediaBox = BleedBox), its TrimBox the book's page, and crop marks in the bleed at each
 * corner, on the lines the page is cut along. The pages are changed in place, so text, tags
 * and outline stay exactly as Chrome wrote them; no Ghostscript, which garbles Devanagari.
 */
export async function addBleedAndMarks(bookPdf: Uint8Array): Promise<Uint8Array> {
  const document = await PDFDocument.load(bookPdf, { updateMetadata: false });
  for (const page of document.getPages()) {
    const trim = page.getMediaBox();
    const left = trim.x;
    const bottom = trim.y;
    const right = trim.x + trim.width;
    const top = trim.y + trim.height;
    page.setMediaBox(left - BLEED, bottom - BLEED, trim.width + 2 * BLEED, trim.height + 2 * BLEED);
    page.setBleedBox(left - BLEED, bottom - BLEED, trim.width + 2 * BLEED, trim.height + 2 * BLEED);
    page.setTrimBox(left, bottom, trim.width, trim.height);
    page.node.delete(PDFName.of('CropBox'));
    const marks: [number, number, number, number][] = [];
    for (const x of [left, right]) {
      for (const y of [bottom, top]) {
        const outX = x === left ? -1 : 1;
        const outY = y === bottom ? -1 : 1;
        // A horizontal mark on the line y, a vertical one on the line x, both outside the trim.
        marks.push([x + outX * MARK_GAP, y, x + outX * BLEED, y], [x, y + outY * MARK_GAP, x, y + outY * BLEED]);
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
