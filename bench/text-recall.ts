/**
 * Word recall of mudran's PDF text layer: every word of Debian's Hindi dictionary (hunspell-hi,
 * 15,990 words) printed as a manuscript through the real print path (book and handout), read back
 * by poppler, MuPDF and pdf.js, before (Chrome's PDF) and after the text-layer stage.
 *
 *   npx tsx bench/text-recall.ts [--dictionary FILE] [--keep DIR]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VFile } from 'vfile';
import type { Book } from '../src/model/book.ts';
import { checkManuscript } from '../src/input/manuscript.ts';
import { launchBrowser } from '../src/print/browser.ts';
import { pdfRenderer, type PdfFormat } from '../src/pdf/render.ts';
import { rewriteTextLayer } from '../src/pdf/text-layer/index.ts';
import { EXTRACTORS, extractText, wordRecall } from '../tests/pdf-text.ts';

const { values } = parseArgs({
  options: {
    dictionary: { type: 'string', default: '/usr/share/hunspell/hi_IN.dic' },
    keep: { type: 'string' },
  },
});

/** A hunspell .dic file: a count, then one word a line, optionally with /FLAGS. */
async function dictionaryWords(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').slice(1);
  return lines.map((line) => line.split('/')[0]?.trim().normalize('NFC') ?? '').filter((word) => word !== '');
}

/** Words in paragraphs of twelve, the way running text fills lines (justified, many line ends). */
function corpusManuscript(words: readonly string[]): string {
  const paragraphs: string[] = [];
  for (let start = 0; start < words.length; start += 12) paragraphs.push(words.slice(start, start + 12).join(' '));
  return `---\ntitle: शब्दकोश\n---\n\n${paragraphs.join('\n\n')}\n`;
}

/**
 * The dictionary as a checked book. mudran refuses to print words its shaping checks reject
 * (an orphan mark, a word fontkit and HarfBuzz shape apart), so those leave the corpus, named.
 */
async function corpusBook(all: readonly string[]): Promise<{ book: Book; words: string[] }> {
  let words = [...all];
  for (;;) {
    const text = corpusManuscript(words);
    const file = new VFile({ path: 'hi-dictionary.md', value: text });
    const book = await checkManuscript(file);
    if (book) return { book, words };
    const lines = text.split('\n');
    const rejected = new Set(
      file.messages.flatMap(({ line, column }) => {
        const row = lines[(line ?? 0) - 1] ?? '';
        const start = row.lastIndexOf(' ', (column ?? 1) - 1) + 1;
        const word = row.slice(start).split(' ')[0] ?? '';
        return word ? [word] : [];
      }),
    );
    if (rejected.size === 0) throw new Error(`the corpus manuscript has errors: ${file.messages.join('; ')}`);
    console.error(`left out, rejected by mudran check: ${[...rejected].join(' ')}`);
    words = words.filter((word) => !rejected.has(word));
  }
}

const { book, words } = await corpusBook(await dictionaryWords(values.dictionary));

const browser = await launchBrowser();
const formats: PdfFormat[] = ['pdf', 'handout', 'booklet'];
const rows: string[][] = [];
try {
  const chrome = pdfRenderer(browser, book, { textLayer: (pdf) => Promise.resolve(pdf) });
  const mudran = pdfRenderer(browser, book);
  for (const format of formats) {
    for (const [stage, render] of [
      ['before', chrome],
      ['after', mudran],
    ] as const) {
      const { bytes: pdf } = await render(format);
      if (values.keep) await writeFile(path.join(values.keep, `${format}-${stage}.pdf`), pdf);
      const cells = [format, stage, `${(pdf.length / 1024).toFixed(0)} KiB`];
      for (const extractor of EXTRACTORS) {
        const { recall, missing } = wordRecall(words, await extractText(pdf, extractor));
        cells.push(recall.toFixed(4));
        if (stage === 'after' && missing.length > 0) {
          console.error(`${format} ${extractor}: ${missing.length} missing, e.g. ${missing.slice(0, 10).join(' ')}`);
        }
      }
      rows.push(cells);
    }
  }
  const started = performance.now();
  const pages = await rewriteTextLayer((await chrome('pdf')).bytes);
  console.error(
    `text-layer stage on the book: ${((performance.now() - started) / 1000).toFixed(1)} s, ${pages.length} B`,
  );
} finally {
  await browser.close();
}

console.log(`word recall on ${words.length} words of ${path.basename(values.dictionary)}`);
console.log(['format', 'stage', 'size', ...EXTRACTORS].join('\t'));
for (const row of rows) console.log(row.join('\t'));
