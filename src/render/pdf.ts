import { PDFDocument } from 'pdf-lib';
import type { Browser } from 'puppeteer';
import type { Book } from '../book.ts';
import { imposeBooklet } from './booklet.ts';
import { FRONT_PAGES_WITHOUT_CONTENTS, hasContents } from './book-layout.ts';
import { BROWSER_TIMEOUT_MS } from './browser.ts';
import { bookDocument, handoutDocument } from './document.ts';
import { buildDate, finishPdf } from './pdf-post.ts';
import { rewriteTextLayer } from './pdf-text-layer.ts';
import { readDestinationPages } from './pdf-destinations.ts';
import { addBleedAndMarks } from './press.ts';
import { sandboxPage } from './sandbox.ts';

export type PdfFormat = 'pdf' | 'handout' | 'booklet' | 'press';
export type PdfRenderer = (format: PdfFormat) => Promise<Uint8Array>;

/**
 * Renders the PDF formats of one book with one browser. The book is printed once however many
 * formats need it: the booklet and the print-shop file are made from its bytes with pdf-lib.
 */
export function pdfRenderer(
  browser: Browser,
  book: Book,
  // Makes every word extract whole in poppler, MuPDF and pdf.js; the text bench passes Chrome's own.
  textLayer: (pdf: Uint8Array) => Promise<Uint8Array> = rewriteTextLayer,
): PdfRenderer {
  const metadata = { matter: book.matter, date: buildDate() };
  let printed: Promise<{ pdf: Uint8Array; fingerprint: string }> | undefined;
  const printedBook = () =>
    (printed ??= printBook(browser, book).then(async (book) => ({ ...book, pdf: await textLayer(book.pdf) })));
  return async (format) => {
    if (format === 'handout') {
      const html = await handoutDocument(book);
      return finishPdf(await textLayer(await printHtml(browser, book, html)), {
        ...metadata,
        fingerprint: `handout\n${html}`,
      });
    }
    const { pdf, fingerprint } = await printedBook();
    const id = { ...metadata, fingerprint: `${format}\n${fingerprint}` };
    if (format === 'pdf') return finishPdf(pdf, id);
    if (format === 'booklet') return finishPdf(await imposeBooklet(pdf), id);
    return finishPdf(await addBleedAndMarks(pdf), id);
  };
}

/**
 * Prints the book twice: the first print shows where each chapter opens; the second fills in
 * the contents page numbers, the blank pages that make chapters open on the right and the
 * chapter openings without running heads. Nothing in the second print changes how a chapter
 * flows, so the pages must land where the first print said; that is checked.
 */
async function printBook(browser: Browser, book: Book): Promise<{ pdf: Uint8Array; fingerprint: string }> {
  const first = hasContents(book)
    ? await printHtml(browser, book, await bookDocument(book, { blankBefore: new Set() }))
    : undefined;
  const landed = first
    ? await readDestinationPages(first)
    : // Without a contents page there is one chapter, right after the title page and its back.
      new Map(book.chapters.map((chapter) => [chapter.id, FRONT_PAGES_WITHOUT_CONTENTS + 1]));
  const openings = new Map<string, number>();
  const blankBefore = new Set<string>();
  let added = 0;
  for (const chapter of book.chapters) {
    const found = landed.get(chapter.id);
    if (found === undefined) throw new Error(`the first print has no destination for chapter ${chapter.id}`);
    let page = found + added;
    if (page % 2 === 0) {
      blankBefore.add(chapter.id);
      added += 1;
      page += 1;
    }
    openings.set(chapter.id, page);
  }
  const html = await bookDocument(book, { openings, blankBefore });
  const pdf = await printHtml(browser, book, html);
  if (first) await checkSecondPrint(first, pdf, openings, added);
  return { pdf, fingerprint: html };
}

async function checkSecondPrint(first: Uint8Array, second: Uint8Array, openings: Map<string, number>, added: number) {
  const [before, after, landed] = await Promise.all([
    pageCount(first),
    pageCount(second),
    readDestinationPages(second),
  ]);
  const moved = [...openings].filter(([id, page]) => landed.get(id) !== page);
  if (after !== before + added || moved.length > 0) {
    throw new Error(
      `the book's pages moved between its two prints (${before} + ${added} blank pages → ${after}; ` +
        `chapters moved: ${moved.map(([id]) => id).join(', ') || 'none'})`,
    );
  }
}

async function pageCount(pdf: Uint8Array): Promise<number> {
  return (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
}

/**
 * Prints an HTML page of the book. The page runs no script and every request is answered
 * from templates/, fonts/ and the book's checked images; anything else is refused and
 * reported on the manuscript (see sandbox.ts).
 */
async function printHtml(browser: Browser, book: Book, html: string): Promise<Uint8Array> {
  const page = await browser.newPage();
  try {
    const sandbox = await sandboxPage(page, book, html, 'print');
    await page.goto(sandbox.url, { waitUntil: 'load', timeout: BROWSER_TIMEOUT_MS });
    const pdf = await page.pdf({
      preferCSSPageSize: true,
      printBackground: true,
      tagged: true,
      outline: true,
      timeout: BROWSER_TIMEOUT_MS,
    });
    await sandbox.assertComplete();
    return pdf;
  } finally {
    await page.close().catch(() => undefined);
  }
}
