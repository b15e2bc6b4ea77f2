import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { VFile } from 'vfile';
import type { Book } from './book.ts';
import { checkManuscript, EnvironmentError, readManuscript } from './manuscript.ts';
import { launchBrowser } from './render/browser.ts';
import { buildEpub } from './render/epub.ts';
import { pdfRenderer, type PdfRenderer } from './render/pdf.ts';

export const FORMATS = ['epub', 'pdf', 'handout', 'booklet', 'press'] as const;
export type Format = (typeof FORMATS)[number];
export const DEFAULT_FORMATS: readonly Format[] = ['epub', 'pdf', 'handout'];

/** The file a format is written to, named after the manuscript. */
export function outputName(name: string, format: Format): string {
  switch (format) {
    case 'epub':
      return `${name}.epub`;
    case 'pdf':
      return `${name}.pdf`;
    case 'handout':
      return `${name}-handout.pdf`;
    case 'booklet':
      return `${name}-booklet.pdf`;
    case 'press':
      return `${name}-press.pdf`;
  }
}

export interface Output {
  format: Format;
  path: string;
  bytes: number;
}

export interface ManuscriptResult {
  file: VFile;
  /** Empty when the manuscript has errors: nothing is written for it. */
  outputs: Output[];
}

export interface BuildOptions {
  outDir: string;
  formats: readonly Format[];
  onOutput?: (output: Output) => void;
}

/**
 * Builds each manuscript into `outDir`. The browser starts while the text pipeline runs;
 * one browser serves every PDF; a manuscript with errors writes nothing.
 */
export async function buildManuscripts(paths: readonly string[], options: BuildOptions): Promise<ManuscriptResult[]> {
  // Every format needs the browser: the EPUB's cover and page-list come from it too.
  const browserStart = launchBrowser();
  // Settle the launch even if checking fails first, so no rejection goes unhandled.
  browserStart.catch(() => undefined);
  try {
    const checked = await Promise.all(
      paths.map(async (filePath) => {
        const file = await readManuscript(filePath);
        return { file, book: await checkManuscript(file) };
      }),
    );
    if (checked.some(({ book }) => book)) await mkdir(options.outDir, { recursive: true });
    const browser = checked.some(({ book }) => book) ? await browserStart : undefined;
    return await Promise.all(
      checked.map(async ({ file, book }) => ({
        file,
        outputs: book ? await renderBook(withCoverPath(book, file), browser, options) : [],
      })),
    );
  } finally {
    await browserStart.then((browser) => browser.close()).catch(() => undefined);
  }
}

/** A cover image named in the front matter is found next to the manuscript. */
function withCoverPath(book: Book, file: VFile): Book {
  const { cover } = book.matter;
  return cover ? { ...book, matter: { ...book.matter, cover: path.resolve(file.dirname ?? '.', cover) } } : book;
}

async function renderBook(book: Book, browser: Browser | undefined, options: BuildOptions): Promise<Output[]> {
  const renderPdf = browser ? pdfRenderer(browser, book) : undefined;
  return Promise.all(
    options.formats.map(async (format) => {
      const bytes = await renderFormat(book, format, browser, renderPdf);
      const output = { format, path: path.join(options.outDir, outputName(book.name, format)), bytes: bytes.length };
      await writeAtomically(output.path, bytes);
      options.onOutput?.(output);
      return output;
    }),
  );
}

async function renderFormat(
  book: Book,
  format: Format,
  browser: Browser | undefined,
  renderPdf: PdfRenderer | undefined,
): Promise<Uint8Array> {
  if (!browser || !renderPdf) throw new Error('no browser to render with');
  // The EPUB's page-list comes from the book printed with page markers (see epub-pagination.ts).
  if (format === 'epub') return buildEpub(browser, book, (marked) => pdfRenderer(browser, marked)('pdf'));
  return renderPdf(format);
}

/** Writes next to the target and renames, so a failed build never leaves half a file. */
async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new EnvironmentError(`cannot write ${target}: ${(error as Error).message}`);
  }
}
