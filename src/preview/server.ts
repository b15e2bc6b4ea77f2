import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { VFile } from 'vfile';
import type { Book } from '../model/book.ts';
import { sourceDate, type RunContext } from '../model/run.ts';
import { browserSettings } from '../print/settings.ts';
import { loadConfig } from '../input/config.ts';
import { checkManuscript, readManuscript } from '../input/manuscript.ts';
import { assetFor, CONTENT_TYPES } from '../print/assets.ts';
import { bookDocument, handoutDocument, type PrintLayout } from '../print/document.ts';
import { formatMessages } from '../report/messages.ts';
import { escapeMarkup } from '../model/escape.ts';

/**
 * On screen Chrome ignores `@page`, so the preview sets each layout's text width to its
 * printed measure (page width less margins, from templates/book.css and handout.css) and
 * draws the sheet; line breaks then fall as in print. `NAME.pdf` gives the exact pages.
 */
const SCREEN_CSS: Record<PrintLayout, string> = {
  book: 'body { width: 118mm; padding: 18mm 15mm 20mm; }',
  handout: 'body { width: 174mm; padding: 20mm 18mm 18mm; }',
};
const PREVIEW_CSS = `@media screen {
  html { background: #d8d8d8; }
  body { margin: 1.5em auto; background: #fff; box-shadow: 0 0 0.5em #888; }
  .mudran-messages { font: 13px/1.5 monospace; background: #fff3f3; border: 1px solid #c00; padding: 0.5em 1em; white-space: pre-wrap; }
  .mudran-bar { font: 13px sans-serif; text-align: center; margin-top: 1em; }
}`;
/** The only script, in the preview page only: reload when the server says the book changed. */
const RELOAD_SCRIPT = `new EventSource('/events').addEventListener('change', () => location.reload());`;
/**
 * The preview is a page with script on, showing a manuscript from anywhere: only the reload
 * script runs (by its hash), nothing loads from elsewhere, and it talks to this server alone.
 */
const PREVIEW_POLICY = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(RELOAD_SCRIPT).digest('base64')}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Rendered {
  file: VFile;
  book?: Book;
  /** Set when rendering failed for a reason outside the manuscript (e.g. a broken template). */
  failure?: string;
}

export interface Preview {
  url: string;
  /** Re-reads the manuscript (and config), then tells every open page to reload. */
  refresh: () => Promise<void>;
  close: () => Promise<void>;
}

/** Serves one manuscript as it prints, on 127.0.0.1 only. */
export async function startPreview(manuscript: string, port: number, run: RunContext): Promise<Preview> {
  let current = await render(manuscript, run.cwd);
  let lastGood: Book | undefined = current.book;
  let browser: Promise<Browser> | undefined;
  const clients = new Set<ServerResponse>();

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The request target is a path (`/x?y`); never parsed as a URL, so `//host/` stays a path.
    const pathname = decodeURIComponent((request.url ?? '/').replace(/[?#].*$/, ''));
    if (pathname === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': connected\n\n');
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    const layout =
      pathname === '/' || pathname === '/book.html' ? 'book' : pathname === '/handout.html' ? 'handout' : undefined;
    if (layout) {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': PREVIEW_POLICY,
      });
      response.end(await page(layout));
      return;
    }
    const pdf = /^\/(book|handout)\.pdf$/.exec(pathname)?.[1] as PrintLayout | undefined;
    if (pdf && lastGood) {
      browser ??= import('../print/browser.ts').then(({ launchBrowser }) => launchBrowser(browserSettings(run.env)));
      const { pdfRenderer } = await import('../pdf/render.ts');
      const { bytes } = await pdfRenderer(await browser, lastGood, {
        date: sourceDate(run.env),
        timeoutMs: browserSettings(run.env).timeoutMs,
      })(pdf === 'book' ? 'pdf' : 'handout');
      response.writeHead(200, { 'content-type': 'application/pdf', 'cache-control': 'no-store' });
      response.end(bytes);
      return;
    }
    // The same files the print sandbox serves, the book's images among them.
    const file = assetFor(pathname, lastGood?.images ?? new Map())?.file;
    const body = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!file || !body) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  }

  /** The page Chrome prints: the book as in its first print (no page numbers known yet), or the handout. */
  function printPage(book: Book, layout: PrintLayout): Promise<string> {
    return layout === 'book' ? bookDocument(book, { blankBefore: new Set() }) : handoutDocument(book);
  }

  /** The print page with the preview's sheet, messages and reload script added. */
  async function page(layout: PrintLayout): Promise<string> {
    const messages = formatMessages(current.file);
    if (current.failure) messages.push(`mudran: ${current.failure}`);
    let html = lastGood
      ? await printPage(lastGood, layout).catch((error: unknown) => {
          messages.push(`mudran: ${(error as Error).message}`);
          return undefined;
        })
      : undefined;
    html ??= `<!doctype html><html><head><meta charset="utf-8"><title>mudran preview</title></head><body></body></html>`;
    const head = `<style>${PREVIEW_CSS}\n@media screen { ${SCREEN_CSS[layout]} }</style><script>${RELOAD_SCRIPT}</script>`;
    const other = layout === 'book' ? 'handout' : 'book';
    const bar =
      `<div class="mudran-bar"><a href="/${other}.html">${other}</a> · <a href="/${layout}.pdf">PDF</a></div>` +
      (messages.length > 0 ? `<pre class="mudran-messages">${escapeMarkup(messages.join('\n'))}</pre>` : '');
    return html.replace('</head>', `${head}</head>`).replace(/<body[^>]*>/, (tag) => `${tag}${bar}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}/`,
    refresh: async () => {
      current = await render(manuscript, run.cwd);
      if (current.book) lastGood = current.book;
      for (const client of clients) client.write(`event: change\ndata: ${Date.now()}\n\n`);
    },
    close: async () => {
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await browser?.then((started) => started.close()).catch(() => undefined);
    },
  };
}

/** Reads and checks the manuscript with the current config; never throws. */
async function render(manuscript: string, cwd: string): Promise<Rendered> {
  const loaded = await loadConfig(cwd).catch((error: unknown) => ({ failure: (error as Error).message }));
  let file: VFile;
  try {
    file = await readManuscript(manuscript, cwd);
  } catch (error) {
    return { file: new VFile({ path: manuscript }), failure: (error as Error).message };
  }
  if ('failure' in loaded) return { file, failure: loaded.failure };
  if (loaded.file && !loaded.config) {
    const failure = formatMessages(loaded.file).join('\n');
    return { file, failure };
  }
  const book = await checkManuscript(file, loaded.config?.defaults);
  return book ? { file, book } : { file };
}
