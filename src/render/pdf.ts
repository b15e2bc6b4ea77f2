import type { Browser } from 'puppeteer';
import type { Book } from '../book.ts';
import { BROWSER_TIMEOUT_MS } from './browser.ts';
import { printDocument, type PrintLayout } from './document.ts';
import { sandboxPage } from './sandbox.ts';

/**
 * Prints one layout of the book to PDF. The page runs no script and every request is
 * answered from the project's templates and fonts and the book's images; anything else is
 * refused and reported (see sandbox.ts).
 */
export async function printPdf(browser: Browser, book: Book, layout: PrintLayout): Promise<Uint8Array> {
  const html = await printDocument(book, layout);
  const page = await browser.newPage();
  try {
    const sandbox = await sandboxPage(page, book, html, layout);
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
