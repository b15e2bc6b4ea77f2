import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { VFile } from 'vfile';
import type { Book } from './book.ts';
import { checkManuscript, EnvironmentError, readManuscript } from './manuscript.ts';
import { BrowserSession } from './render/browser.ts';
import { renderEpub } from './render/epub.ts';
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
  refuseSharedNames(paths);
  const needsBrowser = options.formats.some((format) => format !== 'epub');
  const browser = new BrowserSession();
  if (needsBrowser) void browser.start();
  try {
    const checked = await Promise.all(
      paths.map(async (filePath) => {
        const file = await readManuscript(filePath);
        return { file, book: await checkManuscript(file) };
      }),
    );
    if (checked.some(({ book }) => book)) await makeOutputFolder(options.outDir);
    return await Promise.all(
      checked.map(async ({ file, book }) => ({
        file,
        outputs: book ? await renderBook(book, browser, options) : [],
      })),
    );
  } finally {
    await browser.close();
  }
}

async function renderBook(book: Book, browser: BrowserSession, options: BuildOptions): Promise<Output[]> {
  const renderPdf = sessionRenderer(browser, book);
  return Promise.all(
    options.formats.map(async (format) => {
      const bytes = await renderFormat(book, format, renderPdf);
      const output = { format, path: path.join(options.outDir, outputName(book.name, format)), bytes: bytes.length };
      await writeAtomically(output.path, bytes);
      options.onOutput?.(output);
      return output;
    }),
  );
}

async function renderFormat(book: Book, format: Format, renderPdf: PdfRenderer): Promise<Uint8Array> {
  if (format === 'epub') return renderEpub(book);
  return renderPdf(format);
}

/**
 * The book's PDF renderer on the session's browser. One renderer per browser, so the formats
 * share one print of the book; a browser that replaced a broken one gets its own.
 */
function sessionRenderer(browser: BrowserSession, book: Book): PdfRenderer {
  const renderers = new Map<Browser, PdfRenderer>();
  return (format) =>
    browser.run((chromium) => {
      const renderer = renderers.get(chromium) ?? pdfRenderer(chromium, book);
      renderers.set(chromium, renderer);
      return renderer(format);
    });
}

/** Two manuscripts named alike (`a/book.md`, `b/book.md`) would overwrite each other's outputs. */
function refuseSharedNames(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const filePath of paths) {
    const name = path.basename(filePath, path.extname(filePath));
    const other = seen.get(name);
    if (other !== undefined) {
      throw new EnvironmentError(
        `${other} and ${filePath} would both write ${name}.*: build them into different folders`,
      );
    }
    seen.set(name, filePath);
  }
}

async function makeOutputFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new EnvironmentError(`cannot create the output folder ${folder}: ${(error as Error).message}`);
  }
}

/**
 * Writes next to the target and renames, so a failed or killed build never leaves half a
 * file. The temporary name is unique, so builds running at once into one folder never
 * write into each other's files; the last rename wins with a whole file.
 */
async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new EnvironmentError(`cannot write ${target}: ${(error as Error).message}`);
  }
}
