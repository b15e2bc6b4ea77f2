import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { VFile } from 'vfile';
import type { Book } from '../model/book.ts';
import type {
  PdfFormat,
  PdfOutput,
  PdfRenderer,
  PdfRendererOptions,
  pdfRenderer as PdfRendererFactory,
} from '../pdf/render.ts';
import { reportRefusals } from '../print/sandbox.ts';
import type { FrontMatterDefaults } from '../model/front-matter.ts';
import { EnvironmentError } from '../model/errors.ts';
import { makeFolder, removeEmptyFolders, writeWhole } from './files.ts';
import { isEpub, outputName, type Format } from '../model/formats.ts';
import type { BrowserSession } from '../print/browser.ts';
import type { ProjectStyles } from '../input/config.ts';
import type { BrowserSettings } from '../print/settings.ts';
import { trace } from '../report/trace.ts';

export { DEFAULT_FORMATS, FORMATS, outputName, type Format } from '../model/formats.ts';

export interface Output {
  format: Format;
  path: string;
  bytes: number;
  /** Pages of a PDF; absent for the EPUB. */
  pages?: number;
}

export interface ManuscriptResult {
  file: VFile;
  /** Empty when the manuscript has errors: nothing is written for it. */
  outputs: Output[];
}

/** How long one step took: `check` (read + pipeline), `browser` (launch), or an output format. */
export interface StageTiming {
  stage: 'check' | 'browser' | Format;
  /** The manuscript, for every stage but `browser`. */
  file?: string;
  ms: number;
}

export interface BuildOptions {
  /** The run's folder: manuscripts and `outDir` are relative to it. */
  cwd: string;
  /** The outputs' date (the run's SOURCE_DATE_EPOCH, or now). */
  date: Date;
  /** How the run's browser is found and how long a print may take (when it starts its own). */
  browserSettings?: BrowserSettings;
  /** As given (messages and the report name outputs by it); resolved against `cwd` to write. */
  outDir: string;
  formats: readonly Format[];
  /** Front-matter values from the project's config file, overridden by each manuscript. */
  defaults?: FrontMatterDefaults;
  /** The project's stylesheets (mudran.config.json's `style`), added after mudran's own. */
  styles?: ProjectStyles;
  onOutput?: (output: Output, manuscript: string) => void;
  onStage?: (timing: StageTiming) => void;
  /**
   * A browser session kept across builds (`build --watch`): its Chromium, tabs and loaded
   * modules serve every rebuild. Without one, the build starts its own and ends it.
   */
  browser?: BrowserSession;
}

/**
 * Builds each manuscript into `outDir`. The browser starts while the text pipeline runs;
 * one browser serves every PDF; all outputs render in parallel; a manuscript with errors
 * writes nothing. Renderers are imported only when a format needs them.
 */
export async function buildManuscripts(paths: readonly string[], options: BuildOptions): Promise<ManuscriptResult[]> {
  refuseSharedNames(paths);
  // Before anything starts: an output folder that cannot be had fails the run in a moment.
  const made = await makeOutputFolder(path.resolve(options.cwd, options.outDir), options.outDir);
  await ensureRoomToPrint();
  let wrote = false;
  // Every format needs the browser (the EPUB's cover and page-list come from it too): start it
  // while the text pipeline runs.
  const browser = options.browser ?? new (await import('../print/browser.ts')).BrowserSession(options.browserSettings);
  // A failed launch is reported by the first job that needs the browser.
  if (!browser.started) timed(options, { stage: 'browser' }, () => browser.start()).catch(() => undefined);
  try {
    // Loaded once Chromium is starting: its start overlaps loading the text pipeline.
    const { checkManuscript, readManuscript } = await import('../input/manuscript.ts');
    const checked = await settleAll(
      paths.map(async (filePath) => {
        const file = await readManuscript(filePath, options.cwd);
        const book = await timed(options, { stage: 'check', file: filePath }, () =>
          checkManuscript(file, options.defaults),
        );
        return { file, book };
      }),
    );
    const results = await settleAll(
      checked.map(async ({ file, book }) => ({
        file,
        outputs: book
          ? await renderBook(options.styles ? { ...book, styles: options.styles } : book, file.path, browser, options)
          : [],
      })),
    );
    wrote = results.some(({ outputs }) => outputs.length > 0);
    return results;
  } finally {
    if (!options.browser) await browser.close();
    // A run that wrote nothing (every manuscript has errors) leaves no folder behind either.
    if (!wrote) await removeEmptyFolders(made);
  }
}

/**
 * Every job run to its end, then the first failure thrown: a run ends when it returns, so no
 * output of a failed run is written afterwards (in a build server, after its client has gone).
 */
async function settleAll<T>(jobs: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

async function timed<T>(options: BuildOptions, timing: Omit<StageTiming, 'ms'>, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  trace(`${timing.stage} …`);
  const result = await work();
  trace(`${timing.stage} done`);
  options.onStage?.({ ...timing, ms: performance.now() - start });
  return result;
}

async function renderBook(
  book: Book,
  filePath: string,
  browser: BrowserSession,
  options: BuildOptions,
): Promise<Output[]> {
  const { pdfRenderer } = await import('../pdf/render.ts');
  const renderPdf = sessionRenderer(browser, book, pdfRenderer, {
    pageMarkers: options.formats.some(isEpub),
    date: options.date,
    timeoutMs: browser.settings.timeoutMs,
    formats: options.formats.filter((format): format is PdfFormat => !isEpub(format)),
  });
  return settleAll(
    options.formats.map(async (format) => {
      const { bytes, pages, refused } = await timed(options, { stage: format, file: filePath }, () =>
        renderFormat(book, format, browser, renderPdf, options.date),
      );
      // The prints' refused requests become warnings here, on the manuscript this run owns.
      reportRefusals(book.file, refused);
      const output: Output = {
        format,
        path: path.join(options.outDir, outputName(book.name, format)),
        bytes: bytes.length,
      };
      if (!isEpub(format)) output.pages = pages ?? (await countPages(bytes));
      await writeAtomically(path.resolve(options.cwd, output.path), output.path, bytes);
      options.onOutput?.(output, filePath);
      return output;
    }),
  );
}

async function renderFormat(
  book: Book,
  format: Format,
  browser: BrowserSession,
  renderPdf: PdfRenderer,
  modified: Date,
): Promise<PdfOutput> {
  if (isEpub(format)) {
    const { buildEpub } = await import('../epub/build.ts');
    // The EPUB's page-list comes from the book's first print, which carries page markers
    // (see epub-pagination.ts). Nothing here holds a browser slot while it waits for that print.
    const bytes = await buildEpub(book, {
      withBrowser: (job) => browser.run(job),
      markerPages: () => renderPdf.markerPages(),
      modified,
      kobo: format === 'kepub',
    });
    return { bytes, refused: [] };
  }
  return renderPdf(format);
}

async function countPages(pdf: Uint8Array): Promise<number> {
  const { PDFDocument } = await import('pdf-lib');
  return (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
}

/**
 * The book's PDF renderer on the session's browser. One renderer per browser, so the formats
 * share one print of the book; a browser that replaced a broken one gets its own.
 */
function sessionRenderer(
  browser: BrowserSession,
  book: Book,
  pdfRenderer: typeof PdfRendererFactory,
  rendererOptions: PdfRendererOptions,
): PdfRenderer {
  const renderers = new Map<Browser, PdfRenderer>();
  const on = <T>(job: (renderer: PdfRenderer) => Promise<T>) =>
    browser.run((chromium) => {
      const renderer = renderers.get(chromium) ?? pdfRenderer(chromium, book, rendererOptions);
      renderers.set(chromium, renderer);
      return job(renderer);
    });
  return Object.assign((format: PdfFormat) => on((renderer) => renderer(format)), {
    markerPages: () => on((renderer) => renderer.markerPages()),
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

/** Chromium spools every PDF it prints through the temporary folder: a print needs room there. */
const MIN_FREE_TMP_BYTES = 64 * 2 ** 20;

async function ensureRoomToPrint(): Promise<void> {
  const folder = os.tmpdir();
  const info = await statfs(folder).catch(() => undefined);
  if (!info)
    throw new EnvironmentError(`cannot read the temporary folder ${folder} (set TMPDIR to a folder of your own)`);
  const free = info.bavail * info.bsize;
  if (free < MIN_FREE_TMP_BYTES) {
    throw new EnvironmentError(
      `the temporary folder ${folder} has ${Math.floor(free / 1024)} kB free; printing needs ${MIN_FREE_TMP_BYTES / 2 ** 20} MB there: free some space or set TMPDIR to another folder`,
    );
  }
}

async function makeOutputFolder(folder: string, shown: string): Promise<string[]> {
  try {
    return await makeFolder(folder);
  } catch (error) {
    throw new EnvironmentError(
      `cannot create the output folder ${shown}: ${(error as Error).message} (choose another with --out)`,
    );
  }
}

/** Writes an output whole (see writeWhole); a failure is the environment's, never a stack trace. */
async function writeAtomically(target: string, shown: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeWhole(target, bytes);
  } catch (error) {
    throw new EnvironmentError(`cannot write ${shown}: ${(error as Error).message}`);
  }
}
