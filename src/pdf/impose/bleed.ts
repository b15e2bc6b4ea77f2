import { PDFDict, PDFName, PDFStream, type PDFDocument } from 'pdf-lib';
import { BLEED_MM, type TrimGeometry } from '../../model/trim.ts';
import { readPageContent, writePageContent } from '../page-content.ts';
import { isName, parseContentStream, type Operation } from '../text-layer/content-stream.ts';

const MM = 72 / 25.4;
type Matrix = [number, number, number, number, number, number];

/**
 * Frees full-bleed images (`![…](…){.bleed}`) from the text block. Chrome clips everything it
 * prints to the page area inside the margins (`re W* n` first in every page), so it cannot draw
 * to the page's edge. The book's stylesheet makes it draw such an image as wide as the trim and
 * its bleed (object-fit: cover, in a box as tall as that); here each image drawn that wide is
 * taken out of its clips and drawn again after the page's content, centred on the page, with
 * its marked content (the figure's tag keeps pointing at it). In the book the page's edge cuts
 * it; in the press file it runs 3 mm into the bleed. Returns how many were placed.
 */
export function placeBleedImages(document: PDFDocument, trim: TrimGeometry): number {
  const bleedWidth = (trim.width + 2 * BLEED_MM) * MM;
  let placed = 0;
  for (const page of document.getPages()) {
    const xobjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    if (!xobjects) continue;
    const isImage = (name: string) => {
      const object = xobjects.lookup(PDFName.of(name));
      return object instanceof PDFStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image');
    };
    const text = readPageContent(document, page.node);
    if (text === undefined || !text.includes(' Do')) continue;
    const operations = parseContentStream(text);
    const moves = findBleedImages(operations, isImage, bleedWidth);
    if (moves.length === 0) continue;
    const box = page.getTrimBox();
    const centre = box.x + box.width / 2;
    const removed = new Set<number>();
    const appended: string[] = [];
    for (const move of moves) {
      for (const index of move.remove) removed.add(index);
      const [a, b, c, d, , f] = move.matrix;
      const matrix: Matrix = [a, b, c, d, centre - a / 2, f];
      appended.push(
        ...(move.marked ? [move.marked] : []),
        'q',
        `${matrix.map(format).join(' ')} cm`,
        `/${move.name} Do`,
        'Q',
        ...(move.marked ? ['EMC'] : []),
      );
    }
    const kept = operations.filter((_, index) => !removed.has(index)).map((operation) => operation.source);
    // The page's own content may leave its coordinate system changed: enclose it.
    writePageContent(document, page.node, ['q', ...kept, 'Q', ...appended].join('\n'));
    placed += moves.length;
  }
  return placed;
}

interface Move {
  /** The operations to take out: the `Do`, and the BDC and EMC of marked content that holds nothing else. */
  remove: number[];
  name: string;
  /** Where the image lands on the page's default coordinates: its `Do`'s CTM. */
  matrix: Matrix;
  /** The opening of its marked content (`/Figure <</MCID 3>> BDC`), to draw it in again. */
  marked?: string;
}

function findBleedImages(operations: Operation[], isImage: (name: string) => boolean, width: number): Move[] {
  const moves: Move[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const marked: number[] = [];
  const closing = new Map<number, number>();
  // Marked content: each BDC/BMC and its EMC.
  const open: number[] = [];
  operations.forEach((operation, index) => {
    if (operation.operator === 'BDC' || operation.operator === 'BMC') open.push(index);
    else if (operation.operator === 'EMC') {
      const start = open.pop();
      if (start !== undefined) closing.set(start, index);
    }
  });
  operations.forEach((operation, index) => {
    const { operator, operands } = operation;
    if (operator === 'q') stack.push(ctm);
    else if (operator === 'Q') ctm = stack.pop() ?? ctm;
    else if (operator === 'cm' && operands.length === 6 && operands.every((value) => typeof value === 'number')) {
      ctm = multiply(operands as Matrix, ctm);
    } else if (operator === 'BDC' || operator === 'BMC') marked.push(index);
    else if (operator === 'EMC') marked.pop();
    else if (operator === 'Do' && isName(operands[0]) && isImage(operands[0].name)) {
      const drawn = Math.hypot(ctm[0], ctm[1]);
      if (Math.abs(drawn - width) > 1 || ctm[1] !== 0 || ctm[2] !== 0) return;
      const start = marked.at(-1);
      const end = start === undefined ? undefined : closing.get(start);
      // The whole marked content goes when it holds nothing but this image.
      const alone =
        start !== undefined &&
        end !== undefined &&
        operations
          .slice(start + 1, end)
          .every((inner, offset) => start + 1 + offset === index || GRAPHICS_STATE.has(inner.operator));
      // Its marked content's BDC and EMC move with it; what lies between (state only) stays.
      moves.push({
        remove: alone ? [start, index, end] : [index],
        name: operands[0].name,
        matrix: ctm,
        ...(alone ? { marked: operations[start]!.source } : {}),
      });
    }
  });
  return moves;
}

/** Operators that paint nothing: graphics state, colour, a clip (a path ended by `n`). */
const GRAPHICS_STATE = new Set(
  ['q', 'Q', 'cm', 're', 'W', 'W*', 'n', 'gs', 'w', 'J', 'j', 'M', 'd', 'ri', 'i'].concat([
    'g',
    'G',
    'rg',
    'RG',
    'k',
    'K',
    'cs',
    'CS',
    'sc',
    'SC',
    'scn',
    'SCN',
  ]),
);

/** `m × n`, PDF's order: a `cm` operand times the CTM before it. */
function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

function format(value: number): string {
  return String(Math.round(value * 10000) / 10000);
}
