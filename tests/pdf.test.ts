import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { bookletOrder } from '../src/pdf/impose/booklet.ts';
import { readDestinationPages } from '../src/pdf/destinations.ts';
import { ARTICLE, ROOT, mudran, pdfBoxes, pdfInfo, pdfPageText, preflightPdfA1b, tempDir } from './tools.ts';

// The three-chapter book (a footnote in chapter two, a table in chapter three), built twice
// in every PDF format with the same SOURCE_DATE_EPOCH.
const FIXTURE = path.join(ROOT, 'tests/fixtures/book/three-chapters.md');
const BOOK_TITLE = 'नदी किनारे का गाँव';
const CHAPTERS = ['नदी और घाट', 'बाज़ार और स्कूल', 'मेला और उत्सव'];
const EPOCH = 1_780_000_000;
const MM = 72 / 25.4;

let first: string;
let second: string;
const file = (name: string) => path.join(first, `three-chapters${name}.pdf`);
let pages: string[];

/**
 * Text without the line breaks and spaces pdftotext adds (it splits some clusters), in NFC: the
 * text layer writes ज़ as one letter (U+095B), canonically the same as the manuscript's ज + ़.
 */
const squeeze = (text: string) => text.replace(/\s+/g, '').normalize('NFC');

beforeAll(async () => {
  [first, second] = await Promise.all([tempDir(), tempDir()]);
  const args = ['build', FIXTURE, '--format', 'pdf,handout,booklet,press'];
  const env = { SOURCE_DATE_EPOCH: String(EPOCH) };
  for (const out of [first, second]) {
    const run = await mudran([...args, '--out', out], { env });
    expect(run.code, run.stderr).toBe(0);
  }
  const count = Number((await pdfInfo(file(''))).Pages);
  pages = await Promise.all(Array.from({ length: count }, (_, index) => pdfPageText(file(''), index + 1)));
});

/** The page (1-based) each chapter's heading first appears on after the contents page. */
function headingPages(): number[] {
  const contents = pages.findIndex((text) => text.includes('विषय-सूची'));
  return CHAPTERS.map(
    (title) => pages.findIndex((text, index) => index > contents && squeeze(text).includes(squeeze(title))) + 1,
  );
}

describe('the A5 book', () => {
  it('has a title page, an imprint and a contents page before the chapters', () => {
    expect(pages[0]).toContain(BOOK_TITLE);
    expect(pages[0]).toContain('तीन अध्यायों में एक गाँव की कहानी');
    expect(pages[0]).toContain('मुद्रण परीक्षण');
    expect(pages[1]).toContain('© 2026 मुद्रण प्रकाशन');
    expect(pages[2]).toContain('विषय-सूची');
  });

  it('is valid PDF/A-1b by Apache PDFBox Preflight, keywords and all', async () => {
    expect(await preflightPdfA1b(file(''))).toBe('The file three-chapters.pdf is a valid PDF/A-1b file');
  });

  it('lists each chapter in the contents with the page pdftotext finds its heading on', () => {
    // pdftotext gives each entry's title, then its page number.
    const contents = squeeze(pages[2] ?? '');
    const listed = CHAPTERS.map((title) => Number(contents.split(squeeze(title))[1]?.match(/^\d+/)?.[0]));
    const found = headingPages();
    expect(found.every((page) => page > 3)).toBe(true);
    expect(listed).toEqual(found);
  });

  it('links each contents entry to its chapter in the finished PDF', async () => {
    const landed = await readDestinationPages(await readFile(file('')));
    expect(CHAPTERS.map((title) => landed.get(title.replace(/ /g, '-')))).toEqual(headingPages());
  });

  it('opens every chapter on a right-hand (odd) page, without a running head', () => {
    for (const [index, page] of headingPages().entries()) {
      expect(page % 2).toBe(1);
      const text = pages[page - 1] ?? '';
      expect(squeeze(text).split(squeeze(CHAPTERS[index] ?? '')).length - 1, `page ${page}`).toBe(1);
      expect(squeeze(text)).not.toContain(squeeze(BOOK_TITLE));
    }
  });

  it('carries running heads inside chapter three: book title left, chapter title right, and folios', () => {
    const opening = headingPages()[2] ?? 0;
    const left = (pages[opening] ?? '').trim().split('\n');
    const right = (pages[opening + 1] ?? '').trim().split('\n');
    expect(left[0]).toBe(BOOK_TITLE);
    expect(right[0]).toBe(CHAPTERS[2]);
    expect(left.at(-1)).toBe(String(opening + 1));
    expect(right.at(-1)).toBe(String(opening + 2));
  });

  it('sets the footnote at the end of chapter two and keeps the table', () => {
    const [, two = 0, three = 0] = headingPages();
    const note = pages.findIndex((text) => squeeze(text).includes('यहबाज़ारहरमंगलवार')) + 1;
    expect(note).toBeGreaterThanOrEqual(two);
    expect(note).toBeLessThan(three);
    const table = pages.find((text) => text.includes('मिट्टी के बर्तन')) ?? '';
    expect(squeeze(table)).toContain('मिठाइयाँ1560');
  });
});

describe('metadata and reproducibility', () => {
  it.each(['', '-handout', '-press', '-booklet'])(
    'three-chapters%s.pdf has Author, Subject, Keywords, XMP and the date',
    async (suffix) => {
      const info = await pdfInfo(file(suffix));
      expect(info).toMatchObject({
        Title: BOOK_TITLE,
        Author: 'मुद्रण परीक्षण',
        Subject: 'नदी किनारे बसे एक गाँव के बाज़ार, स्कूल और मेले का वर्णन।',
        Creator: 'mudran',
        'Metadata Stream': 'yes',
      });
      expect(info['Keywords']).toContain('बाज़ार');
      expect(new Date(info['CreationDate'] ?? '').getTime()).toBe(EPOCH * 1000);

      const pdf = await PDFDocument.load(await readFile(file(suffix)), { updateMetadata: false });
      const stream = pdf.context.lookup(pdf.catalog.get(PDFName.of('Metadata')));
      expect(stream).toBeInstanceOf(PDFRawStream);
      const xmp = new TextDecoder().decode((stream as PDFRawStream).getContents());
      expect(xmp).toContain('<dc:creator><rdf:Seq><rdf:li>मुद्रण परीक्षण</rdf:li></rdf:Seq></dc:creator>');
      const date = new Date(EPOCH * 1000).toISOString().replace('.000', '');
      expect(xmp).toContain(`<xmp:CreateDate>${date}</xmp:CreateDate>`);
    },
  );

  it.each(['', '-handout', '-press'])(
    'three-chapters%s.pdf keeps the tags and outline Chrome wrote',
    async (suffix) => {
      expect((await pdfInfo(file(suffix)))['Tagged']).toBe('yes');
      const pdf = await PDFDocument.load(await readFile(file(suffix)), { updateMetadata: false });
      expect(pdf.catalog.lookup(PDFName.of('StructTreeRoot'))).toBeInstanceOf(PDFDict);
      expect(pdf.catalog.lookup(PDFName.of('Outlines'))).toBeInstanceOf(PDFDict);
    },
  );

  it.each(['', '-handout', '-booklet', '-press'])(
    'builds three-chapters%s.pdf byte for byte the same twice',
    async (suffix) => {
      const a = await readFile(path.join(first, `three-chapters${suffix}.pdf`));
      const b = await readFile(path.join(second, `three-chapters${suffix}.pdf`));
      expect(a.length).toBeGreaterThan(10_000);
      expect(a.equals(b)).toBe(true);
    },
  );

  it('prints a book with a table to the same bytes alone and beside other books', async () => {
    // Chrome names table headers' structure elements after DOM node numbers, which depend on
    // what else the browser printed: mudran renumbers them.
    const table = path.join(ROOT, 'tests/fixtures/epub/multi-chapter/input.md');
    const [alone, together] = await Promise.all([tempDir(), tempDir()]);
    const env = { SOURCE_DATE_EPOCH: String(EPOCH) };
    const runs = [
      await mudran(['build', table, '--format', 'pdf', '--out', alone], { env }),
      await mudran(['build', FIXTURE, ARTICLE, table, '--format', 'pdf,handout', '--out', together], { env }),
    ];
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const a = await readFile(path.join(alone, 'input.pdf'));
    const b = await readFile(path.join(together, 'input.pdf'));
    const tree = (await PDFDocument.load(a, { updateMetadata: false })).catalog.lookup(
      PDFName.of('StructTreeRoot'),
      PDFDict,
    );
    expect(tree.lookup(PDFName.of('IDTree'))).toBeInstanceOf(PDFDict);
    expect(a.equals(b)).toBe(true);
  });
});

describe('the print-shop file', () => {
  it('has a 3 mm bleed around the exact A5 trim, and a slug beyond it for the marks', async () => {
    const boxes = await pdfBoxes(file('-press'));
    const [mx0 = 0, my0 = 0, mx1 = 0, my1 = 0] = boxes['MediaBox'] ?? [];
    const [bx0 = 0, by0 = 0, bx1 = 0, by1 = 0] = boxes['BleedBox'] ?? [];
    const [tx0 = 0, ty0 = 0, tx1 = 0, ty1 = 0] = boxes['TrimBox'] ?? [];
    // pdfinfo prints boxes to 0.01 pt.
    expect((tx1 - tx0) / MM).toBeCloseTo(148, 1);
    expect((ty1 - ty0) / MM).toBeCloseTo(210, 1);
    for (const inset of [tx0 - bx0, ty0 - by0, bx1 - tx1, by1 - ty1]) expect(inset).toBeCloseTo(3 * MM, 1);
    for (const slug of [bx0 - mx0, by0 - my0, mx1 - bx1, my1 - by1]) expect(slug / MM).toBeGreaterThan(6);
  });

  it('keeps every page of the book, its text unchanged, padded to an even count', async () => {
    expect((await pdfInfo(file('-press')))['Pages']).toBe(String(pages.length + (pages.length % 2)));
    expect(await pdfPageText(file('-press'), 5)).toBe(pages[4]);
  });
});

describe('the booklet', () => {
  it('puts the pages in saddle-stitch order', () => {
    expect(bookletOrder(8)).toEqual([8, 1, 2, 7, 6, 3, 4, 5]);
    expect(bookletOrder(5)).toEqual([0, 1, 2, 0, 0, 3, 4, 5]);
  });

  it('imposes the book two-up on ⌈pages/4⌉×2 A4 landscape pages, in that order', async () => {
    const info = await pdfInfo(file('-booklet'));
    expect(Number(info['Pages'])).toBe(Math.ceil(pages.length / 4) * 2);
    expect(info['Page size']).toMatch(/^841\.89 x 595\.28 pts \(A4\)/);
    const order = bookletOrder(pages.length);
    const halves = await Promise.all(
      order.map((_, slot) =>
        pdfPageText(file('-booklet'), Math.floor(slot / 2) + 1, { x: (slot % 2) * 421, y: 0, width: 420, height: 595 }),
      ),
    );
    expect(halves.map(squeeze)).toEqual(order.map((page) => (page === 0 ? '' : squeeze(pages[page - 1] ?? ''))));
  });

  it('shares the book’s fonts and pages instead of carrying copies: about the book’s size', async () => {
    const [book, booklet] = await Promise.all([readFile(file('')), readFile(file('-booklet'))]);
    expect(booklet.length).toBeLessThan(book.length * 1.2);
  });
});

describe('front matter choices', () => {
  it('prints a 6×9 in book with Devanagari digits in the contents and folios', async () => {
    const out = await tempDir();
    const source = (await readFile(FIXTURE, 'utf8')).replace(
      'lang: hi\n',
      'lang: hi\ntrim: 6x9in\ndigits: devanagari\n',
    );
    const input = path.join(out, 'six-by-nine.md');
    await writeFile(input, source);
    const run = await mudran(['build', input, '--out', out, '--format', 'pdf']);
    expect(run.code, run.stderr).toBe(0);
    const pdf = path.join(out, 'six-by-nine.pdf');
    expect((await pdfInfo(pdf))['Page size']).toMatch(/^432 x 648 pts/);
    const contents = await pdfPageText(pdf, 3);
    expect(contents).toMatch(/नदी और घाट\s+५/);
    expect((await pdfPageText(pdf, 6)).trim().split('\n').at(-1)).toBe('६');
  });
});
