import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFStream } from 'pdf-lib';
import path from 'node:path';
import * as mupdf from 'mupdf';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { BODY_WORDS, writeDesignerBook } from './designer-book.ts';
import { placedText, type PlacedText } from './pdf-text.ts';
import { mudran, preflightPdfA1b, tempDir } from './tools.ts';

// The book a designer judged mudran by (tests/designer-book.ts), built once in every format.
let folder: string;
let stderr: string;
let book: Uint8Array;
let handout: Uint8Array;
let bookPages: Awaited<ReturnType<typeof placedText>>;
let handoutPages: Awaited<ReturnType<typeof placedText>>;
const MM = 72 / 25.4;
const exec = promisify(execFile);

beforeAll(async () => {
  folder = await tempDir();
  const manuscript = await writeDesignerBook(folder);
  const run = await mudran([
    'build',
    manuscript,
    '--format',
    'pdf,handout,epub,press',
    '--out',
    path.join(folder, 'out'),
  ]);
  expect(run.code, run.stderr).toBe(0);
  stderr = run.stderr;
  book = await readFile(path.join(folder, 'out/book.pdf'));
  handout = await readFile(path.join(folder, 'out/book-handout.pdf'));
  [bookPages, handoutPages] = await Promise.all([placedText(book), placedText(handout)]);
});

const isBody = (run: PlacedText) => BODY_WORDS.some((word) => run.text.normalize('NFC').includes(word));

/** Image placements on each page, in PDF points from the page's top left (MuPDF's structured text). */
function imageBoxes(pdf: Uint8Array): { page: number; x0: number; x1: number; width: number }[] {
  const document = mupdf.Document.openDocument(pdf, 'application/pdf');
  const boxes = [];
  for (let index = 0; index < document.countPages(); index++) {
    const page = document.loadPage(index);
    const [, , width] = page.getBounds();
    const json = JSON.parse(page.toStructuredText('preserve-images').asJSON()) as {
      blocks: { type: string; bbox: { x: number; w: number } }[];
    };
    for (const block of json.blocks) {
      if (block.type === 'image')
        boxes.push({ page: index + 1, x0: block.bbox.x, x1: block.bbox.x + block.bbox.w, width });
    }
    page.destroy();
  }
  document.destroy();
  return boxes;
}

describe('nothing changes the scale of the print', () => {
  it('sets every body line at the stylesheet’s size on every page, with wide images, long addresses, code and tables', () => {
    for (const [pages, size] of [
      [bookPages, 10.5],
      [handoutPages, 11],
    ] as const) {
      const body = pages.flatMap((page, index) =>
        page.runs.filter(isBody).map((run) => ({ page: index + 1, size: run.size })),
      );
      expect(body.length).toBeGreaterThan(200);
      const off = body.filter((run) => Math.abs(run.size - size) > 0.02);
      expect(off, `body runs off ${size} pt`).toEqual([]);
    }
  });

  it('fits every image inside the text block and warns at the lines of the too wide and the too coarse', () => {
    // Three figures in the text block, and one full-bleed figure across the page (below).
    const all = imageBoxes(book);
    expect(all.length).toBe(4);
    const images = all.filter((image) => image.x1 - image.x0 < image.width - 1);
    expect(images.length).toBe(3);
    for (const image of images) {
      // The text block of an A5 page: 17 mm inner, 14 mm outer margin.
      expect(image.x0).toBeGreaterThanOrEqual(14 * MM - 0.5);
      expect(image.x1).toBeLessThanOrEqual(image.width - 14 * MM + 0.5);
    }
    const wide = images.map((image) => (image.x1 - image.x0) / MM).sort((a, b) => b - a);
    // wide.png is fitted to the 117 mm measure; map.png prints at its 300 ppi, 102 mm.
    expect(wide[0]).toBeCloseTo(117, 0);
    expect(wide[1]).toBeCloseTo(101.6, 0);
    expect(stderr).toMatch(/book\.md:\d+:1: warning: .*images\/wide\.png.* 203 mm wide at 300 ppi.*\[image-fitted\]/);
    expect(stderr).toMatch(/book\.md:\d+:1: warning: .*images\/coarse\.png.*96 ppi.*\[image-resolution\]/);
    expect(stderr).not.toMatch(/map\.png|fields\.png/);
  });
});

/** The baselines of body lines (runs at the body size) on each page, top to bottom, with their text. */
function bodyLines(pages: Awaited<ReturnType<typeof placedText>>, size: number) {
  return pages.map((page) => {
    const body = page.runs.filter((run) => Math.abs(run.size - size) < 0.05);
    const ys = [...new Set(body.map((run) => Math.round(run.y * 10) / 10))].sort((a, b) => b - a);
    return ys.map((y) => ({
      y,
      text: page.runs
        .filter((run) => Math.abs(run.y - y) < 0.2)
        .map((run) => run.text)
        .join(' '),
      page,
    }));
  });
}

describe('one line grid', () => {
  it.each([
    ['book', () => bookPages, 10.5],
    ['handout', () => handoutPages, 11],
  ] as const)('the %s’s body lines are evenly spaced, with Latin, digits, ₹ and code in them', (_, pages, size) => {
    const pitches: number[] = [];
    const measured: string[] = [];
    for (const lines of bodyLines(pages(), size)) {
      for (let index = 1; index < lines.length; index++) {
        const [above, below] = [lines[index - 1]!, lines[index]!];
        // Two lines of one column with nothing between them (not across a heading, a figure or code).
        const between = above.page.runs.some((run) => run.y < above.y - 0.5 && run.y > below.y + 0.5);
        if (between || above.y - below.y > 2 * size * 1.65) continue;
        const inParagraph = (text: string) =>
          [...BODY_WORDS, 'UNESCO', '₹', 'IMF', 'गाढ़े'].some((word) => text.normalize('NFC').includes(word));
        if (!inParagraph(above.text) || !inParagraph(below.text)) continue;
        pitches.push(above.y - below.y);
        measured.push(above.text, below.text);
      }
    }
    expect(pitches.length).toBeGreaterThan(100);
    for (const mixed of ['UNESCO', '₹', 'npm', 'IMF', '3.5%', 'गाढ़े']) {
      expect(
        measured.some((line) => line.normalize('NFC').includes(mixed)),
        mixed,
      ).toBe(true);
    }
    expect(Math.max(...pitches) - Math.min(...pitches)).toBeLessThanOrEqual(0.5);
  });
});

describe('emphasis', () => {
  it('sets Devanagari emphasis in the bold face, never a synthetic slant', () => {
    const fonts = new Set<string>();
    const skews: number[] = [];
    const document = mupdf.Document.openDocument(book, 'application/pdf');
    for (let index = 0; index < document.countPages(); index++) {
      const page = document.loadPage(index);
      const text = page.toStructuredText('');
      const chars: { c: string; font: string; skew: number }[] = [];
      text.walk({
        onChar: (c: string, _origin: unknown, font: mupdf.Font, _size: number, quad: number[]) =>
          // A slant shows as a glyph box whose top is shifted sideways from its foot.
          chars.push({ c, font: font.getName(), skew: Math.abs(quad[0]! - quad[4]!) }),
      });
      const joined = chars.map((char) => char.c).join('');
      for (let at = joined.indexOf('देकर'); at >= 0; at = joined.indexOf('देकर', at + 1)) {
        for (const char of chars.slice(at, at + 4)) {
          fonts.add(char.font);
          skews.push(char.skew);
        }
      }
      text.destroy();
      page.destroy();
    }
    document.destroy();
    expect([...fonts]).toEqual([expect.stringMatching(/NotoSerifDevanagari-Bold$/)]);
    expect(skews.length).toBeGreaterThan(0);
    expect(Math.max(...skews)).toBeLessThan(0.01);
  });
});

/** Every page of a PDF as 8-bit grey pixels, `dpi` to the inch (pdftoppm). */
async function greyPages(
  pdf: Uint8Array,
  dpi: number,
): Promise<{ width: number; height: number; pixels: Uint8Array }[]> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'in.pdf'), pdf);
  await exec('pdftoppm', ['-r', String(dpi), '-gray', path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
  const pages = [];
  for (const name of (await readdir(dir)).filter((name) => name.endsWith('.pgm')).sort()) {
    const bytes = await readFile(path.join(dir, name));
    // P5 <width> <height> <max>\n, then the pixels.
    const header = /^P5\s+(\d+)\s+(\d+)\s+\d+\s/.exec(bytes.toString('latin1', 0, 40))!;
    pages.push({
      width: Number(header[1]),
      height: Number(header[2]),
      pixels: bytes.subarray(header[0].length),
    });
  }
  return pages;
}

describe('headings that move to the next page leave nothing behind', () => {
  // The A5 text block ends 19 mm above the foot of the page; the folio sits below it.
  const FOOT = 19 * MM;

  it('prints no text in the foot margin but the folio, and no ink there outside it', async () => {
    const strays = bookPages.flatMap((page, index) =>
      page.runs
        .filter((run) => run.y < FOOT - 0.5 && !/^[०-९]+$/.test(run.text.trim()))
        .map((run) => `page ${index + 1}: ${run.text}`),
    );
    expect(strays).toEqual([]);
    const dpi = 72;
    const images = await greyPages(book, dpi);
    expect(images.length).toBe(bookPages.length);
    const inked: string[] = [];
    images.forEach((image, index) => {
      const folio = bookPages[index]!.runs.find((run) => run.y < FOOT);
      const scale = dpi / 72;
      for (let y = Math.ceil((image.height / scale - FOOT) * scale) + 1; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          if (image.pixels[y * image.width + x]! > 160) continue;
          const inFolio =
            folio &&
            x >= (folio.x - 1) * scale &&
            x <= (folio.x + folio.width + 1) * scale &&
            y >= (image.height / scale - folio.y - folio.size) * scale - 1 &&
            y <= (image.height / scale - folio.y + folio.size * 0.4) * scale + 1;
          if (!inFolio) inked.push(`page ${index + 1} at ${x},${y}`);
        }
      }
    });
    expect(inked.slice(0, 10)).toEqual([]);
  });

  it('gives each heading one outline entry, pointing at the page that shows it', () => {
    const document = mupdf.Document.openDocument(book, 'application/pdf');
    const entries: { title: string; page: number }[] = [];
    type Item = NonNullable<ReturnType<typeof document.loadOutline>>[number];
    const walk = (items: Item[] | undefined) => {
      for (const item of items ?? []) {
        entries.push({ title: item.title ?? '', page: (item.page ?? -1) + 1 });
        walk(item.down);
      }
    };
    walk(document.loadOutline() ?? undefined);
    document.destroy();
    expect(entries.length).toBeGreaterThan(40);
    const titles = entries.map((entry) => entry.title);
    expect(titles.filter((title, index) => titles.indexOf(title) !== index)).toEqual([]);
    const squeeze = (text: string) => text.replace(/\s+/g, '').normalize('NFC');
    const misplaced = entries.filter((entry) => {
      const page = bookPages[entry.page - 1];
      return !page || !squeeze(page.runs.map((run) => run.text).join('')).includes(squeeze(entry.title));
    });
    expect(misplaced).toEqual([]);
  });
});

describe('tables', () => {
  const yearsOn = (page: { runs: PlacedText[] }) => page.runs.filter((run) => /^19[6-9]\d$/.test(run.text.trim()));

  it('break a long table between rows, with its header on every page, leaving no page empty before it', () => {
    const tablePages = bookPages.map((page, index) => ({ page, index })).filter(({ page }) => yearsOn(page).length > 0);
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    const years = tablePages.flatMap(({ page }) => yearsOn(page).map((run) => run.text.trim()));
    // Forty rows, each printed once, in order.
    expect(years).toEqual(Array.from({ length: 40 }, (_, row) => String(1960 + row)));
    for (const { page } of tablePages) {
      expect(page.runs.some((run) => run.text.includes('वर्ष'))).toBe(true);
      // A row is never split: each year’s price (2500 + 35 × row) is on its line.
      for (const year of yearsOn(page)) {
        const price = String(2500 + 35 * (Number(year.text) - 1960));
        const cell = page.runs.find((run) => run.text.trim() === price);
        expect(cell, price).toBeDefined();
        // Cells of a row share their first baseline.
        expect(Math.abs(cell!.y - year.y)).toBeLessThan(0.5);
      }
    }
    // It starts on the chapter's opening page, right after the paragraph before it, and fills
    // every page it runs onto but its last: its lowest row within two lines of the foot.
    const opening = tablePages[0]!.page;
    const squeeze = (text: string) => text.replace(/\s+/g, '').normalize('NFC');
    expect(squeeze(opening.runs.map((run) => run.text).join(''))).toContain(squeeze('खेत और खलिहान'));
    for (const { page } of tablePages.slice(0, -1)) {
      const lowest = Math.min(...page.runs.filter((run) => run.y > 19 * MM).map((run) => run.y));
      expect(lowest - 19 * MM).toBeLessThan(2 * 17.25 + 5);
    }
  });

  it('keep a short table whole', () => {
    const pages = bookPages.filter((page) => page.runs.some((run) => ['हल', 'कुदाल'].includes(run.text.trim())));
    expect(pages.length).toBe(1);
  });
});

describe('the contents page', () => {
  const squeeze = (text: string) => text.replace(/\s+/g, '').normalize('NFC');
  const contentsIndex = () =>
    bookPages.findIndex((page) => squeeze(page.runs.map((run) => run.text).join('')).includes('विषय-सूची'));

  it('leads dots from each title’s last line to its page number, set on that line', async () => {
    const index = contentsIndex();
    const page = bookPages[index]!;
    const numbers = page.runs.filter((run) => /^[०-९]+$/.test(run.text.trim()) && run.y > 19 * MM);
    expect(numbers.length).toBe(9);
    const dpi = 100;
    const image = (await greyPages(book, dpi))[index]!;
    const scale = dpi / 72;
    for (const number of numbers) {
      // The title's text on the number's line ends before the leader starts.
      const line = page.runs.filter((run) => Math.abs(run.y - number.y) < 0.5 && run !== number);
      expect(line.length, number.text).toBeGreaterThan(0);
      const titleEnd = Math.max(...line.map((run) => run.x + run.width));
      // Dots: dark runs along the line, between the title's end and the number.
      const row = Math.round((page.height - number.y - 0.25 * number.size) * scale);
      let dots = 0;
      for (let y = row - 3; y <= row + 3; y++) {
        let inDot = false;
        let count = 0;
        for (let x = Math.ceil((titleEnd + 2) * scale); x < Math.floor((number.x - 2) * scale); x++) {
          const dark = image.pixels[y * image.width + x]! < 160;
          if (dark && !inDot) count += 1;
          inDot = dark;
        }
        dots = Math.max(dots, count);
      }
      expect(dots, `leader dots before ${number.text}`).toBeGreaterThan(5);
    }
    // The long title wraps: its number is on its second line, not its first.
    const wrapped = page.runs.filter((run) => run.text.normalize('NFC').includes('उम्मीद'));
    expect(wrapped.length).toBe(1);
    expect(numbers.some((number) => Math.abs(number.y - wrapped[0]!.y) < 0.5)).toBe(true);
    const firstLine = page.runs.find((run) => run.text.normalize('NFC').startsWith('शहर'));
    expect(numbers.some((number) => Math.abs(number.y - firstLine!.y) < 0.5)).toBe(false);
  });

  it('puts a chapter’s short title in its running heads', () => {
    const heads = bookPages.map((page) =>
      squeeze(
        page.runs
          .filter((run) => run.y > page.height - 17 * MM)
          .map((run) => run.text)
          .join(''),
      ),
    );
    expect(heads).toContain(squeeze('शहर की ओर'));
    expect(heads.some((head) => head.includes(squeeze('लंबी यात्रा')))).toBe(false);
  });
});

describe('digits, dates and the title pages', () => {
  const squeeze = (text: string) => text.replace(/\s+/g, '').normalize('NFC');
  const pageText = (page: { runs: PlacedText[] }) => squeeze(page.runs.map((run) => run.text).join(''));

  it('numbers folios, note calls, note numbers and list markers in Devanagari', () => {
    const folios = bookPages.flatMap((page) =>
      page.runs.filter((run) => run.y < 19 * MM).map((run) => run.text.trim()),
    );
    expect(folios.length).toBeGreaterThan(40);
    for (const folio of folios) expect(folio).toMatch(/^[०-९]+$/);
    // Note calls are raised, at 0.83 of the text's size (8.74 pt): all of them Devanagari.
    const calls = bookPages.flatMap((page) =>
      page.runs.filter((run) => Math.abs(run.size - 10.5 * 0.8325) < 0.1).map((run) => run.text.trim()),
    );
    expect(calls.length).toBeGreaterThanOrEqual(18);
    for (const call of calls) expect(call).toMatch(/^[०-९]+$/);
    const all = bookPages.map(pageText).join('');
    // Each note's number before its text, and the ordered list's markers.
    expect(all).toMatch(/१८\.टिप्पणी18:/);
    const list = bookPages.find((page) => pageText(page).includes(squeeze('पहला क़दम')))!;
    expect(pageText(list)).toMatch(/१\.पहलाक़दम२\.दूसराक़दम३\.तीसराक़दम४\.चौथाक़दम/);
  });

  it('prints the date as a Hindi date, never ISO, in the book, the handout and the EPUB', async () => {
    for (const pages of [bookPages, handoutPages]) {
      const all = pages.map(pageText).join('');
      expect(all).toContain(squeeze('२८ नवंबर २०२६'));
      expect(all).not.toContain('2026-11-28');
    }
    const zip = await JSZip.loadAsync(await readFile(path.join(folder, 'out/book.epub')));
    const titlePage = await zip.file('OEBPS/title-page.xhtml')!.async('string');
    expect(titlePage).toContain('२८ नवंबर २०२६');
    expect(titlePage).not.toContain('2026-11-28');
  });

  it('sets the publisher at the foot of the title page and the imprint at the foot of its back', () => {
    const [title, back] = [bookPages[0]!, bookPages[1]!];
    const lowest = (page: { runs: PlacedText[] }) => Math.min(...page.runs.map((run) => run.y));
    const publisher = title.runs.filter((run) => squeeze(run.text).includes(squeeze('प्रकाशन')));
    expect(publisher.length).toBeGreaterThan(0);
    // The title is in the top half, the publisher and the date in the page's last tenth.
    const heading = title.runs.find((run) => run.size > 18)!;
    expect(heading.y).toBeGreaterThan(title.height / 2);
    expect(Math.min(...publisher.map((run) => run.y))).toBeLessThan(19 * MM + 0.1 * title.height);
    expect(lowest(title)).toBeLessThan(19 * MM + 20);
    // The imprint ends at the foot of page 2, with edition, ISBN and typefaces.
    expect(lowest(back) - 19 * MM).toBeLessThan(20);
    const imprint = pageText(back);
    for (const line of ['प्रथम संस्करण', 'ISBN 9780306406157', 'Noto Serif Devanagari', '© २०२६ मुद्रण प्रकाशन']) {
      expect(imprint).toContain(squeeze(line));
    }
  });
});

describe('cross-references', () => {
  const squeeze = (text: string) => text.replace(/\s+/g, '').normalize('NFC');
  const pageText = (page: { runs: PlacedText[] }) => squeeze(page.runs.map((run) => run.text).join(''));
  const arabic = (text: string) => Number(text.replace(/[०-९]/g, (digit) => String(digit.charCodeAt(0) - 0x966)));

  it('print the page their heading or figure is on, and stay links', async () => {
    const all = bookPages.map(pageText);
    const index = all.findIndex((text) => text.includes(squeeze('नक्शा गाँव का नक्शा (पृष्ठ')));
    expect(index).toBeGreaterThan(0);
    const found = /गाँवकानक्शा\(पृष्ठ([०-९]+)\)मेंऔरमेलेकीरात\(पृष्ठ([०-९]+)\)/.exec(all[index]!)!;
    expect(found).not.toBeNull();
    const [figurePage, chapterPage] = [arabic(found[1]!), arabic(found[2]!)];
    // The figure's caption and the chapter's opening heading are on those pages.
    expect(all[figurePage - 1]).toContain(squeeze('चित्र २: गाँव का नक्शा'));
    const chapterHeading = bookPages[chapterPage - 1]!.runs.filter((run) => run.size > 16);
    expect(squeeze(chapterHeading.map((run) => run.text).join(''))).toBe(squeeze('मेले की रात'));
    // Both stay links to their targets in the PDF.
    const document = mupdf.Document.openDocument(book, 'application/pdf');
    const page = document.loadPage(index);
    const targets = page
      .getLinks()
      .filter((link) => !link.isExternal())
      .map((link) => document.resolveLink(link) + 1);
    page.destroy();
    document.destroy();
    expect(targets).toEqual(expect.arrayContaining([figurePage, chapterPage]));
    // In the EPUB they are links, with no page number (a reader's pages are not the book's).
    const zip = await JSZip.loadAsync(await readFile(path.join(folder, 'out/book.epub')));
    const chapters = await Promise.all(
      Object.keys(zip.files)
        .filter((name) => /chapter-\d+\.xhtml$/.test(name))
        .map((name) => zip.file(name)!.async('string')),
    );
    const text = chapters.join('');
    expect(text).toMatch(/<a href="chapter-\d+\.xhtml#figure-2">गाँव का नक्शा<\/a>/);
    expect(text).not.toContain('पृष्ठ');
  });
});

describe('the book for archives', () => {
  it('is valid PDF/A-1b by Apache PDFBox Preflight, its Hindi still searchable', async () => {
    const file = path.join(folder, 'out/book.pdf');
    expect(await preflightPdfA1b(file)).toBe('The file book.pdf is a valid PDF/A-1b file');
    // It says so, in its XMP, and its colour has a profile: sRGB as its output intent.
    const text = new TextDecoder('latin1').decode(book);
    expect(text).toContain('<pdfaid:part>1</pdfaid:part>');
    expect(text).toContain('/GTS_PDFA1');
    expect(bookPages.map((page) => page.runs.map((run) => run.text).join('')).join('')).toContain('गर्मियों');
  });
});

describe('the press file', () => {
  const boxOf = (page: PDFDict, name: string) => {
    const box = page
      .lookup(PDFName.of(name), PDFArray)
      .asArray()
      .map((value) => Number(value.toString()));
    return { x0: box[0]!, y0: box[1]!, x1: box[2]!, y1: box[3]! };
  };
  const contentOf = (document: PDFDocument, page: PDFDict) => {
    const contents = page.lookup(PDFName.of('Contents'));
    const streams =
      contents instanceof PDFArray ? contents.asArray().map((ref) => document.context.lookup(ref)) : [contents];
    return streams
      .map((stream) => {
        const raw = stream as PDFRawStream;
        const flate = raw.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode');
        return Buffer.from(flate ? inflateSync(raw.contents) : raw.contents).toString('latin1');
      })
      .join('\n');
  };

  it('is PDF/X-4: a CMYK output intent, its version keys, K-only black and grey, exact boxes, marks outside the bleed', async () => {
    const bytes = await readFile(path.join(folder, 'out/book-press.pdf'));
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('%PDF-1.6');
    const document = await PDFDocument.load(bytes, { updateMetadata: false });
    // The output intent and its profile: an output-device CMYK ICC profile.
    const intents = document.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    expect(intents.size()).toBe(1);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))).toBe(PDFName.of('GTS_PDFX'));
    const profile = intent.lookup(PDFName.of('DestOutputProfile'), PDFStream) as PDFRawStream;
    expect(profile.dict.get(PDFName.of('N'))?.toString()).toBe('4');
    const icc = Buffer.from(
      profile.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode')
        ? inflateSync(profile.contents)
        : profile.contents,
    );
    expect(icc.toString('latin1', 12, 20)).toBe('prtrCMYK');
    const info = document.context.lookup(document.context.trailerInfo.Info, PDFDict);
    expect(info.get(PDFName.of('GTS_PDFXVersion'))?.toString()).toBe('(PDF/X-4)');
    expect(info.get(PDFName.of('Trapped'))).toBe(PDFName.of('False'));
    const xmp = document.catalog.lookup(PDFName.of('Metadata'), PDFStream) as PDFRawStream;
    const packet = Buffer.from(xmp.contents).toString('utf8');
    expect(packet).toContain('<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>');
    expect(packet).toContain('<pdf:Trapped>False</pdf:Trapped>');

    const pages = document.getPages();
    expect(pages.length % 2).toBe(0);
    expect(pages.length).toBeGreaterThanOrEqual(bookPages.length);
    const neutral: string[] = [];
    let kOnly = 0;
    for (const [index, page] of pages.entries()) {
      const trim = boxOf(page.node, 'TrimBox');
      const bleed = boxOf(page.node, 'BleedBox');
      const media = boxOf(page.node, 'MediaBox');
      // The trim is A5 to 0.01 mm; the bleed 3 mm beyond it; the media holds both.
      expect((trim.x1 - trim.x0) / MM).toBeCloseTo(148, 2);
      expect((trim.y1 - trim.y0) / MM).toBeCloseTo(210, 2);
      for (const [edge, out] of [
        [bleed.x0 - trim.x0, -3],
        [bleed.y0 - trim.y0, -3],
        [bleed.x1 - trim.x1, 3],
        [bleed.y1 - trim.y1, 3],
      ] as const) {
        expect(edge / MM).toBeCloseTo(out, 2);
      }
      expect(media.x0 <= bleed.x0 && media.y0 <= bleed.y0 && media.x1 >= bleed.x1 && media.y1 >= bleed.y1).toBe(true);
      const content = contentOf(document, page.node);
      // No black or grey left in RGB or grey operators: it is tints of K alone.
      for (const [found, a, b, c] of content.matchAll(/(?:^|\s)([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b/g)) {
        if (a === b && b === c) neutral.push(`page ${index + 1}: ${found.trim()}`);
      }
      for (const [found] of content.matchAll(/(?:^|\s)[\d.]+ [gG]\b/g))
        neutral.push(`page ${index + 1}: ${found.trim()}`);
      kOnly += [...content.matchAll(/(?:^|\s)0 0 0 [\d.]+ [kK]\b/g)].length;
      // Crop marks: segments on the trim lines, at least 5 mm long, all outside the bleed.
      const marks = [...content.matchAll(/([\d.-]+) ([\d.-]+) m\s+([\d.-]+) ([\d.-]+) l/g)].map((match) =>
        match.slice(1, 5).map(Number),
      );
      expect(marks.length, `page ${index + 1}`).toBe(8);
      for (const [x1, y1, x2, y2] of marks as [number, number, number, number][]) {
        expect(Math.hypot(x2 - x1, y2 - y1) / MM).toBeGreaterThanOrEqual(5);
        const onTrim =
          [trim.x0, trim.x1].some((x) => Math.abs(x1 - x) < 0.01 && Math.abs(x2 - x) < 0.01) ||
          [trim.y0, trim.y1].some((y) => Math.abs(y1 - y) < 0.01 && Math.abs(y2 - y) < 0.01);
        expect(onTrim).toBe(true);
        for (const [x, y] of [
          [x1, y1],
          [x2, y2],
        ] as const) {
          const inBleed = x > bleed.x0 + 0.01 && x < bleed.x1 - 0.01 && y > bleed.y0 + 0.01 && y < bleed.y1 - 0.01;
          expect(inBleed).toBe(false);
        }
      }
    }
    expect(neutral).toEqual([]);
    expect(kOnly).toBeGreaterThan(pages.length);
  });

  it('keeps the Hindi exactly as in the book', async () => {
    const press = await placedText(await readFile(path.join(folder, 'out/book-press.pdf')));
    const text = (pages: typeof press) => pages.map((page) => page.runs.map((run) => run.text).join('')).join('\n');
    expect(text(press.slice(0, bookPages.length))).toBe(text(bookPages));
  });
});

describe('full-bleed figures', () => {
  it('run from edge to edge of the book’s page, and 3 mm into the press file’s bleed, still tagged', async () => {
    const onPage = imageBoxes(book).filter((image) => image.x1 - image.x0 >= image.width - 1);
    expect(onPage.length).toBe(1);
    expect(onPage[0]!.x0).toBeLessThanOrEqual(0.01);
    const pressBytes = await readFile(path.join(folder, 'out/book-press.pdf'));
    const press = await PDFDocument.load(pressBytes, { updateMetadata: false });
    const page = press.getPage(onPage[0]!.page - 1);
    const bleed = page.getBleedBox();
    const media = page.getMediaBox();
    const wide = imageBoxes(pressBytes).filter(
      (image) => image.page === onPage[0]!.page && image.x1 - image.x0 > 150 * MM,
    );
    expect(wide.length).toBe(1);
    // MuPDF measures from the media box's left edge.
    expect(wide[0]!.x0).toBeLessThanOrEqual(bleed.x - media.x + 0.5);
    expect(wide[0]!.x1).toBeGreaterThanOrEqual(bleed.x + bleed.width - media.x - 0.5);
    // Drawn inside the figure's marked content, which the structure tree's Figure points at.
    const pages = await placedText(book);
    expect(pages[onPage[0]!.page - 1]!.runs.map((run) => run.text).join('')).toContain('खेतों');
    const text = new TextDecoder('latin1').decode(
      inflateSync((press.getPage(onPage[0]!.page - 1).node.Contents() as unknown as PDFRawStream).contents),
    );
    expect(text).toMatch(/\/Figure <<\/MCID \d+ >>BDC\nq\n[\d. -]+ cm\n\/X\d+ Do\nQ\nEMC/);
  });
});

describe('code', () => {
  it('prints in the shipped faces only, Hindi in it from the Devanagari face (never boxes)', async () => {
    for (const name of ['book.pdf', 'book-handout.pdf']) {
      const { stdout } = await exec('pdffonts', [path.join(folder, 'out', name)]);
      const fonts = stdout
        .split('\n')
        .slice(2)
        .filter(Boolean)
        .map((line) => line.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ''));
      expect(fonts.length).toBeGreaterThan(3);
      for (const font of fonts) expect(font, name).toMatch(/^Noto(SerifDevanagari|Serif|SansMono)-/);
      expect(fonts).toContain('NotoSansMono-Regular');
    }
    const document = mupdf.Document.openDocument(book, 'application/pdf');
    const used = new Set<string>();
    for (let index = 0; index < document.countPages(); index++) {
      const page = document.loadPage(index);
      const text = page.toStructuredText('');
      const chars: { c: string; font: string }[] = [];
      text.walk({ onChar: (c: string, _origin: unknown, font: mupdf.Font) => chars.push({ c, font: font.getName() }) });
      const joined = chars.map((char) => char.c).join('');
      const at = joined.indexOf('पुस्तक');
      if (at >= 0) for (const char of chars.slice(at, at + 6)) used.add(char.font);
      text.destroy();
      page.destroy();
    }
    document.destroy();
    expect([...used]).toEqual([expect.stringMatching(/\+NotoSerifDevanagari-Reg/)]);
  });

  it('has check report a character in code that none of code’s faces draws, at its column', async () => {
    const manuscript = path.join(folder, 'code.md');
    await writeFile(manuscript, '---\ntitle: कोड\n---\n\nयह `नमस्ते தமிழ்` है।\n');
    const run = await mudran(['check', manuscript]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${manuscript}:5:12: error: Unexpected character \`த\` (U+0BA4) that no font of the book draws, expected a character the fonts cover (Noto Sans Mono, Noto Serif Devanagari, Noto Serif) [missing-glyph]`,
    );
  });
});
