import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { toString } from 'hast-util-to-string';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import type { Book } from '../src/model/book.ts';
import { checkManuscript } from '../src/input/manuscript.ts';
import { launchBrowser } from '../src/print/browser.ts';
import { pdfRenderer, type PdfFormat } from '../src/pdf/render.ts';
import { EXTRACTORS, extractText, wordRecall } from './pdf-text.ts';
import { ARTICLE, ROOT, pdfInfo, tempDir } from './tools.ts';

const exec = promisify(execFile);

// The article and a page of hard words (conjuncts, reph, i-matra, nukta, marks, ZWJ, ZWNJ),
// printed by the real Chromium, before and after the text-layer stage.
const MANUSCRIPTS = [ARTICLE, path.join(ROOT, 'tests/fixtures/text-layer/hard-words.md')];
const LAYOUTS: PdfFormat[] = ['pdf', 'handout'];

interface Printed {
  name: string;
  layout: PdfFormat;
  words: string[];
  before: Uint8Array;
  after: Uint8Array;
}

let browser: Browser;
const printed: Printed[] = [];
let dir: string;

beforeAll(async () => {
  dir = await tempDir('mudran-text-layer-');
  browser = await launchBrowser();
  for (const manuscript of MANUSCRIPTS) {
    const file = new VFile({ path: manuscript, value: await readFile(manuscript, 'utf8') });
    const book: Book | undefined = await checkManuscript(file);
    if (!book) throw new Error(`${manuscript} has errors: ${file.messages.join('; ')}`);
    const words = [book.matter.title, toString(book.tree)];
    const chrome = pdfRenderer(browser, book, { textLayer: (pdf) => Promise.resolve(pdf) });
    const mudran = pdfRenderer(browser, book);
    for (const layout of LAYOUTS) {
      printed.push({
        name: book.name,
        layout,
        words,
        before: (await chrome(layout)).bytes,
        after: (await mudran(layout)).bytes,
      });
    }
  }
});

afterAll(async () => {
  await browser.close();
});

const cases = MANUSCRIPTS.flatMap((manuscript) =>
  LAYOUTS.map((layout) => [path.basename(manuscript, '.md'), layout] as const),
);
const find = (name: string, layout: PdfFormat): Printed => {
  const found = printed.find((each) => each.name === name && each.layout === layout);
  if (!found) throw new Error(`${name} ${layout} was not printed`);
  return found;
};

describe('the text layer', () => {
  it.each(cases)('gives back every word of %s (%s) in poppler, MuPDF and pdf.js', async (name, layout) => {
    const { words, before, after } = find(name, layout);
    for (const extractor of EXTRACTORS) {
      const { missing } = wordRecall(words, await extractText(after, extractor));
      // Known gap: Chrome draws a ZWNJ as a glyph of its own, one more glyph than the word has
      // letters to share, and pdf.js drops it (README, "Searchable text"). Searching without the
      // ZWNJ still finds these words.
      const zwnj = extractor === 'pdfjs' ? (words.join(' ').match(/\S*\u200c\S*/gu) ?? []) : [];
      expect(missing, extractor).toEqual(zwnj);
    }
    // Chrome's own text layer loses words in pdf.js: the stage is what makes the difference.
    expect(wordRecall(words, await extractText(before, 'pdfjs')).missing.length).toBeGreaterThan(0);
  });

  it.each(cases)('leaves every page of %s (%s) pixel for pixel as Chrome drew it', async (name, layout) => {
    const { before, after } = find(name, layout);
    const pages = async (stage: string, pdf: Uint8Array): Promise<Buffer[]> => {
      const file = path.join(dir, `${name}-${layout}-${stage}.pdf`);
      await writeFile(file, pdf);
      await exec('pdftoppm', ['-r', '100', '-gray', file, file]);
      const images = (await readdir(dir)).filter(
        (each) => each.startsWith(path.basename(file)) && each.endsWith('.pgm'),
      );
      return Promise.all(images.sort().map((image) => readFile(path.join(dir, image))));
    };
    const drawn = await pages('before', before);
    const redrawn = await pages('after', after);
    expect(drawn.length).toBeGreaterThan(0);
    expect(redrawn.length).toBe(drawn.length);
    drawn.forEach((image, index) => expect(image.equals(redrawn[index] as Buffer), `page ${index + 1}`).toBe(true));
  });

  it.each(cases)('keeps %s (%s) tagged and valid', async (name, layout) => {
    const file = path.join(dir, `${name}-${layout}-checked.pdf`);
    await writeFile(file, find(name, layout).after);
    expect((await pdfInfo(file))['Tagged']).toBe('yes');
    // qpdf exits non-zero on any syntax or stream error.
    const { stdout } = await exec('qpdf', ['--check', file]);
    expect(stdout).toMatch(/No syntax or stream encoding errors found/);
  });
});
