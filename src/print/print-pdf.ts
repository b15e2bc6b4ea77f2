import { ProtocolError, TimeoutError, type Page } from 'puppeteer';

/**
 * How fast Chromium loads and prints at the least, in characters of HTML a second, with a wide
 * margin: measured 195,000 a second for the 310-page book (545,000 characters: 1.0 s to load,
 * 1.8 s to print) and 160,000 for the 1,232-page one (2.2 million: 4.1 s and 9.4 s) on two
 * idle cores. Forty times slower (a loaded machine, a slower one) still fits.
 */
const CHARACTERS_PER_SECOND = 4_000;

/**
 * How long loading or printing a document of `characters` may take: the run's limit for one step
 * (MUDRAN_BROWSER_TIMEOUT_MS, 300 s by default) plus a second for every 4,000 characters, so
 * a long book is never cut off by a limit meant for a page, and a hung print is still caught.
 */
export function printLimitMs(stepMs: number, characters: number): number {
  return stepMs + Math.ceil(characters / CHARACTERS_PER_SECOND) * 1000;
}

/**
 * Prints the page to PDF over a DevTools session of its own, so the print gets its own time
 * limit: puppeteer's page.pdf() sends the print under the connection's protocol timeout, which
 * no option of the call can raise. The parameters are the ones page.pdf() sends for
 * `{ preferCSSPageSize, printBackground, tagged, outline }`; the PDF arrives as a stream.
 */
export async function printPdf(
  page: Page,
  { tagged, limitMs }: { tagged: boolean; limitMs: number },
): Promise<Uint8Array> {
  await page.evaluate(() => document.fonts.ready);
  const session = await page.createCDPSession();
  try {
    const { stream } = await session.send(
      'Page.printToPDF',
      {
        transferMode: 'ReturnAsStream',
        landscape: false,
        displayHeaderFooter: false,
        headerTemplate: '',
        footerTemplate: '',
        printBackground: true,
        scale: 1,
        paperWidth: 8.5,
        paperHeight: 11,
        marginTop: 0,
        marginBottom: 0,
        marginLeft: 0,
        marginRight: 0,
        pageRanges: '',
        preferCSSPageSize: true,
        generateTaggedPDF: tagged,
        generateDocumentOutline: tagged,
      },
      { timeout: limitMs },
    );
    if (!stream) throw new Error('Chromium printed no PDF stream');
    const chunks: Buffer[] = [];
    for (;;) {
      const { data, base64Encoded, eof } = await session.send('IO.read', { handle: stream }, { timeout: limitMs });
      chunks.push(Buffer.from(data, base64Encoded ? 'base64' : 'latin1'));
      if (eof) break;
    }
    await session.send('IO.close', { handle: stream });
    return new Uint8Array(Buffer.concat(chunks));
  } catch (error) {
    if (error instanceof ProtocolError && /timed out/.test(error.message)) {
      throw new TimeoutError(`the print took longer than its limit of ${Math.round(limitMs / 1000)} s`);
    }
    throw error;
  } finally {
    await session.detach().catch(() => undefined);
  }
}
