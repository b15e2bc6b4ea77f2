import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, HTTPRequest } from 'puppeteer';
import type { Book } from '../book.ts';
import { FONTS_DIR, TEMPLATES_DIR, printDocument, type PrintLayout } from './document.ts';

/** The made-up origin the print page is served from; `.invalid` never resolves. */
const ORIGIN = 'http://mudran.invalid';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/**
 * Prints one layout of the book to PDF. The page runs no script and every request is
 * answered from the project's templates and fonts; anything else is refused.
 */
export async function printPdf(browser: Browser, book: Book, layout: PrintLayout): Promise<Uint8Array> {
  const html = await printDocument(book, layout);
  const page = await browser.newPage();
  try {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      void answer(request, html);
    });
    await page.goto(`${ORIGIN}/${layout}.html`, { waitUntil: 'load' });
    return await page.pdf({
      preferCSSPageSize: true,
      printBackground: true,
      tagged: true,
      outline: true,
      timeout: 120_000,
    });
  } finally {
    await page.close();
  }
}

async function answer(request: HTTPRequest, html: string): Promise<void> {
  const url = new URL(request.url());
  const file = url.origin === ORIGIN ? servedFile(decodeURIComponent(url.pathname)) : undefined;
  if (url.origin === ORIGIN && url.pathname.endsWith('.html')) {
    await request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
  } else if (file) {
    try {
      const body = await readFile(file);
      const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      await request.respond({ status: 200, contentType, body });
    } catch {
      await request.respond({ status: 404, body: '' });
    }
  } else {
    await request.abort('blockedbyclient');
  }
}

/** `/fonts/x.ttf` from fonts/, `/x.css` from templates/; nothing outside them. */
function servedFile(pathname: string): string | undefined {
  const [root, relative] = pathname.startsWith('/fonts/')
    ? [FONTS_DIR, pathname.slice('/fonts/'.length)]
    : [TEMPLATES_DIR, pathname.slice(1)];
  const resolved = path.resolve(root, relative);
  return resolved.startsWith(root + path.sep) ? resolved : undefined;
}
