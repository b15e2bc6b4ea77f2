import type { Browser } from 'puppeteer';
import type { Book } from '../model/book.ts';
import { imposeBooklet } from './impose/booklet.ts';
import { crossReferences, FRONT_PAGES_WITHOUT_CONTENTS, hasContents } from '../print/layout.ts';
import { DEFAULT_TIMEOUT_MS } from '../print/settings.ts';
import { bookDocument, handoutDocument } from '../print/document.ts';
import type { PdfMade, PdfMetadata } from './finish.ts';
import { pdfWorkers } from './workers.ts';
import { readPdfLayout } from './destinations.ts';
import { addBleedAndMarks } from './impose/press.ts';
import { TRIMS } from '../model/trim.ts';
import { isPageMarker, withPageMarkers, type MarkerPages } from '../epub/pagination.ts';
import { withPage } from '../print/page-pool.ts';
import { sandboxPage, type Refusal } from '../print/sandbox.ts';
import { trace } from '../report/trace.ts';
import { printLimitMs, printPdf } from '../print/print-pdf.ts';

export type PdfFormat = 'pdf' | 'handout' | 'booklet' | 'press';

/** A PDF as made, and the requests its prints refused (the caller reports them on the manuscript). */
export interface PdfOutput {
  bytes: Uint8Array;
  /** Its page count, from the finishing that saved it. */
  pages?: number;
  refused: Refusal[];
}

export interface PdfRenderer {
  (format: PdfFormat): Promise<PdfOutput>;
  /** Where each page marker of the book lands in the A5 book PDF (needs `pageMarkers`). */
  markerPages(): Promise<MarkerPages>;
}

export interface PdfRendererOptions {
  /** Makes every word extract whole in poppler, MuPDF and pdf.js; the text bench passes Chrome's own. */
  textLayer?: (pdf: Uint8Array) => Promise<Uint8Array>;
  /** The EPUB's page-list will be asked for: the book's first print carries page markers. */
  pageMarkers?: boolean;
  /**
   * The formats that will be asked for, when known: without the booklet and the print-shop
   * file, nothing else is made from the book's text layer, which then shares one parse with
   * its metadata.
   */
  formats?: readonly PdfFormat[];
  /** The documents' date (the run's SOURCE_DATE_EPOCH); now when absent. */
  date?: Date;
  /** How long loading or printing one page may take (the run's browser settings). */
  timeoutMs?: number;
}

/**
 * What the PDFs of one book take, decided before anything prints: a value the renderer follows
 * and a test can read (tests/unit/layout.test.ts).
 */
export interface PrintPlan {
  /**
   * The first print, when one is needed: it shows where chapters open (for the contents page
   * numbers and the blank versos) and, with page markers, where each sentence lands (the EPUB's
   * page-list). Only its destinations are read: no tags, no outline, nothing painted.
   */
  first?: { contents: boolean; pageMarkers: boolean };
  /** The book's print waits for the first (it needs its openings); otherwise both run at once. */
  bookAfterFirst: boolean;
  /** The handout waits for the first print, so two cores are not shared three ways at its start. */
  handoutAfterFirst: boolean;
  /**
   * The book's text layer: on a parse of its own when the booklet or the press file is made
   * from the text-layered book (or a caller brings its own text layer), else on one parse with
   * its metadata.
   */
  bookTextLayer: 'own-parse' | 'with-finish';
}

export function printPlan(
  book: Book,
  { pageMarkers = false, formats, textLayer }: Pick<PdfRendererOptions, 'pageMarkers' | 'formats' | 'textLayer'>,
): PrintPlan {
  const contents = hasContents(book);
  // Cross-references print their targets' pages, which only a first print shows.
  const references = crossReferences(book).size > 0;
  const madeFromBook = formats?.some((format) => format === 'booklet' || format === 'press') ?? true;
  return {
    ...(contents || pageMarkers || references ? { first: { contents, pageMarkers } } : {}),
    bookAfterFirst: contents || references,
    handoutAfterFirst: contents,
    bookTextLayer: madeFromBook || textLayer ? 'own-parse' : 'with-finish',
  };
}

/**
 * Renders the PDF formats of one book with one browser, following its print plan. The book is printed once however many
 * formats need it: the booklet and the print-shop file are made from its bytes with pdf-lib.
 */
export function pdfRenderer(browser: Browser, book: Book, options: PdfRendererOptions = {}): PdfRenderer {
  const { textLayer = async (pdf) => (await pdfWorkers.run({ kind: 'text-layer' }, pdf)).pdf, pageMarkers = false } =
    options;
  const finishPdf = (pdf: Uint8Array, metadata: PdfMetadata) => pdfWorkers.run({ kind: 'finish', metadata }, pdf);
  const metadata = { matter: book.matter, date: options.date ?? new Date() };
  const printer: Printer = { browser, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const plan = printPlan(book, options);
  let first: Promise<FirstPrint> | undefined;
  let printed: Promise<Printed> | undefined;
  let layered: Promise<Printed> | undefined;
  const firstPrint = () => (first ??= printFirst(printer, book, plan));
  const layout = () =>
    plan.bookAfterFirst ? firstPrint() : Promise.resolve({ layout: undefined, openings: openingsOf(book) });
  const printedBook = () => (printed ??= layout().then((landed) => printBook(printer, book, landed)));
  const textLayered = () =>
    (layered ??= printedBook().then(async (book) => ({ ...book, pdf: await textLayer(book.pdf) })));
  // The text layer and the metadata on one parse of a PDF, unless the caller brings a text layer.
  const layerAndFinish = async (pdf: Uint8Array, id: PdfMetadata) =>
    options.textLayer
      ? finishPdf(await options.textLayer(pdf), id)
      : pdfWorkers.run({ kind: 'text-layer-finish', metadata: id }, pdf);
  const render = async (format: PdfFormat): Promise<PdfOutput> => {
    if (format === 'handout') {
      // A book with a contents page is printed twice, one print after the other, and its text
      // layer follows: that chain sets the build's time. The handout waits for the first
      // print, so the two cores are not shared three ways while the chain is at its start.
      if (plan.handoutAfterFirst) await firstPrint().catch(() => undefined);
      const html = await handoutDocument(book);
      const { pdf, refused } = await printHtml(printer, book, html);
      return { ...made(await layerAndFinish(pdf, { ...metadata, fingerprint: `handout\n${html}` })), refused };
    }
    // The book is PDF/A-1b, for archives; the press file PDF/X-4, for print shops (conformance.ts).
    const conformance =
      format === 'pdf'
        ? { conformance: 'pdfa-1b' as const }
        : format === 'press'
          ? { conformance: 'pdfx-4' as const }
          : {};
    if (format === 'pdf' && plan.bookTextLayer === 'with-finish') {
      const { pdf, fingerprint, refused } = await printedBook();
      const id = { ...metadata, ...conformance, fingerprint: `pdf\n${fingerprint}` };
      return { ...made(await layerAndFinish(pdf, id)), refused };
    }
    const { pdf, fingerprint, refused } = await textLayered();
    const id = { ...metadata, ...conformance, fingerprint: `${format}\n${fingerprint}` };
    const imposed =
      format === 'pdf'
        ? pdf
        : format === 'booklet'
          ? await imposeBooklet(pdf)
          : await addBleedAndMarks(pdf, TRIMS[book.matter.trim]);
    return { ...made(await finishPdf(imposed, id)), refused };
  };
  return Object.assign(render, {
    async markerPages() {
      if (!pageMarkers) throw new Error('pdfRenderer was made without pageMarkers');
      const { layout, openings } = await firstPrint();
      if (!layout) throw new Error('the first print of a book with page markers is missing');
      const pages = layout.destinations;
      // The second print adds a blank page before each chapter that would open on a left page.
      const shifts = [...openings.values()].filter((opening) => opening.blankBefore).map((opening) => opening.page);
      const markers = new Map<string, number>();
      for (const [id, page] of pages) {
        if (isPageMarker(id)) markers.set(id, page + shifts.filter((opening) => opening <= page).length);
      }
      return markers;
    },
  });
}

/** A finished PDF as an output's bytes and page count. */
function made({ pdf, pages }: PdfMade): Omit<PdfOutput, 'refused'> {
  return pages === undefined ? { bytes: pdf } : { bytes: pdf, pages };
}

/** A print of the book, what it was made from, and the requests it refused. */
interface Printed {
  pdf: Uint8Array;
  fingerprint: string;
  refused: Refusal[];
}

/** The browser a renderer prints on, and how long one page may take there. */
interface Printer {
  browser: Browser;
  timeoutMs: number;
}

/** The book's first print, when one is needed, and where each chapter opens in it. */
export interface FirstPrint {
  /** Its page count and where each destination landed; undefined when there was no first print. */
  layout: { pages: number; destinations: Map<string, number> } | undefined;
  /** Per chapter: its page in the first print, and whether a blank page goes before it. */
  openings: Map<string, { page: number; blankBefore: boolean }>;
}

/**
 * The first print shows where each chapter opens, for the contents page numbers and the blank
 * pages that make chapters open on the right; with page markers it also shows where each
 * sentence lands, for the EPUB's page-list. A book without contents and markers needs none.
 */
async function printFirst(printer: Printer, book: Book, plan: PrintPlan): Promise<FirstPrint> {
  const printed = plan.first?.pageMarkers ? withPageMarkers(book) : book;
  const printedFirst = plan.first
    ? // Only its destinations are read: no tags or outline (a quarter less of Chrome's time);
      // its refusals are the book print's own.
      await printHtml(printer, printed, await bookDocument(printed, { blankBefore: new Set(), layoutOnly: true }), {
        tagged: false,
      })
    : undefined;
  const layout = printedFirst && (await readPdfLayout(printedFirst.pdf));
  return { layout, openings: openingsOf(book, layout && hasContents(book) ? layout.destinations : undefined) };
}

/**
 * Where each chapter opens in the first print (`landed`, from its destinations), and whether a
 * blank page goes before it so that it opens on a right-hand page.
 */
export function openingsOf(book: Book, landed?: ReadonlyMap<string, number>): FirstPrint['openings'] {
  const openings: FirstPrint['openings'] = new Map();
  let added = 0;
  for (const chapter of book.chapters) {
    // Without a contents page there is one chapter, right after the title page and its back.
    const found = landed ? landed.get(chapter.id) : FRONT_PAGES_WITHOUT_CONTENTS + 1;
    if (found === undefined) throw new Error(`the first print has no destination for chapter ${chapter.id}`);
    const blankBefore = (found + added) % 2 === 0;
    if (blankBefore) added += 1;
    openings.set(chapter.id, { page: found, blankBefore });
  }
  return openings;
}

/**
 * The book's print: it fills in the contents page numbers, the blank pages that make chapters
 * open on the right and the chapter openings without running heads. Nothing in it changes how
 * a chapter flows, so the pages must land where the first print said; that is checked.
 */
async function printBook(printer: Printer, book: Book, first: FirstPrint): Promise<Printed> {
  const openings = new Map<string, number>();
  const blankBefore = new Set<string>();
  let added = 0;
  for (const [id, opening] of first.openings) {
    if (opening.blankBefore) {
      blankBefore.add(id);
      added += 1;
    }
    openings.set(id, opening.page + added);
  }
  // Each cross-reference's target, moved on by the blank pages added before it.
  const shifts = [...first.openings.values()].filter((opening) => opening.blankBefore).map((opening) => opening.page);
  let references = new Map<string, number>();
  for (const id of crossReferences(book)) {
    const page = first.layout?.destinations.get(id);
    if (page !== undefined) references.set(id, page + shifts.filter((opening) => opening <= page).length);
  }
  let html = await bookDocument(book, { openings, blankBefore, references });
  let { pdf, refused } = await printHtml(printer, book, html);
  if (first.layout && hasContents(book)) await checkSecondPrint(first.layout.pages, pdf, openings, added);
  if (references.size > 0) {
    // A page number wider or narrower than the first print's stand-in can move a line, and
    // with it a target: then the book is printed once more with the pages this print shows.
    const landed = (await readPdfLayout(pdf)).destinations;
    const moved = [...references].filter(([id, page]) => landed.get(id) !== page);
    if (moved.length > 0) {
      references = new Map([...references].map(([id, page]) => [id, landed.get(id) ?? page]));
      html = await bookDocument(book, { openings, blankBefore, references });
      ({ pdf, refused } = await printHtml(printer, book, html));
      if (first.layout && hasContents(book)) await checkSecondPrint(first.layout.pages, pdf, openings, added);
    }
  }
  return { pdf, fingerprint: html, refused };
}

async function checkSecondPrint(before: number, second: Uint8Array, openings: Map<string, number>, added: number) {
  const { pages: after, destinations: landed } = await readPdfLayout(second);
  const moved = [...openings].filter(([id, page]) => landed.get(id) !== page);
  if (after !== before + added || moved.length > 0) {
    throw new Error(
      `the book's pages moved between its two prints (${before} + ${added} blank pages → ${after}; ` +
        `chapters moved: ${moved.map(([id]) => id).join(', ') || 'none'})`,
    );
  }
}

/**
 * Prints an HTML page of the book. The page runs no script and every request is answered
 * from templates/, fonts/ and the book's checked images; anything else is refused and
 * returned with the PDF (see sandbox.ts).
 */
async function printHtml(
  { browser, timeoutMs }: Printer,
  book: Book,
  html: string,
  { tagged = true }: { tagged?: boolean } = {},
): Promise<{ pdf: Uint8Array; refused: Refusal[] }> {
  return withPage(
    browser,
    'print',
    async (page) => {
      const sandbox = await sandboxPage(page, book, html, 'print');
      trace(`print ${book.name} (${html.length} characters): loading`);
      // Loading a long book takes as long as printing it: both get the document's limit.
      const limitMs = printLimitMs(timeoutMs, html.length);
      await page.goto(sandbox.url, { waitUntil: 'load', timeout: limitMs });
      trace(`print ${book.name} (${html.length} characters): printing`);
      const pdf = await printPdf(page, { tagged, limitMs });
      trace(`print ${book.name} (${html.length} characters): printed`);
      return { pdf, refused: await sandbox.finish() };
    },
    // A tab that printed a long book keeps its memory after it is emptied (a 618-page book's:
    // 350 MB in its renderer), which a build server or `--watch` would carry to the next run.
    { reuse: html.length < REUSE_BELOW_CHARACTERS },
  );
}

/** Pages printed from a longer document (about 50 A5 pages) are closed rather than reused. */
const REUSE_BELOW_CHARACTERS = 100_000;
