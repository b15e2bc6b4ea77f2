import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import type { Browser, CDPSession, Page } from 'puppeteer';
import { VFile } from 'vfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformManuscript } from '../src/pipeline/index.ts';
import { launchBrowser } from '../src/print/browser.ts';
import { ARTICLE, ROOT, mudran, tempDir } from './tools.ts';

// A real reading system: epub.js (the engine behind many web and app readers) opens the EPUB in
// headless Chromium and renders each chapter as a reader would show it.
const ORIGIN = 'http://reader.invalid';
const READER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>reader</title></head>
<body style="margin:0"><div id="viewer"></div>
<script src="/jszip.min.js"></script><script src="/epub.min.js"></script>
<script>
  window.book = ePub('/book.epub', { openAs: 'epub' });
  window.rendition = book.renderTo('viewer', { width: 800, height: 1100, flow: 'scrolled-doc' });
</script></body></html>`;

let browser: Browser;
let page: Page;
let cdp: CDPSession;
let manuscriptWords: string[];

beforeAll(async () => {
  const out = await tempDir();
  const run = await mudran(['build', ARTICLE, '--out', out, '--format', 'epub']);
  if (run.code !== 0) throw new Error(run.stderr);
  const epub = await readFile(path.join(out, 'russia-pakistan.epub'));
  const file = new VFile({ path: ARTICLE, value: await readFile(ARTICLE, 'utf8') });
  manuscriptWords = toString(await transformManuscript(file))
    .split(/\s+/)
    .filter(Boolean);

  const served: Record<string, () => Promise<{ contentType: string; body: Buffer | string }>> = {
    '/': () => Promise.resolve({ contentType: 'text/html; charset=utf-8', body: READER_PAGE }),
    '/jszip.min.js': async () => ({
      contentType: 'text/javascript',
      body: await readFile(path.join(ROOT, 'node_modules/jszip/dist/jszip.min.js')),
    }),
    '/epub.min.js': async () => ({
      contentType: 'text/javascript',
      body: await readFile(path.join(ROOT, 'node_modules/epubjs/dist/epub.min.js')),
    }),
    '/book.epub': () => Promise.resolve({ contentType: 'application/epub+zip', body: epub }),
  };
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = new URL(request.url());
    const serve = url.origin === ORIGIN ? served[url.pathname] : undefined;
    if (serve) void serve().then((response) => request.respond({ status: 200, ...response }));
    else if (url.protocol === 'blob:' || url.protocol === 'data:') void request.continue();
    else void request.abort('blockedbyclient');
  });
  await page.goto(`${ORIGIN}/`, { waitUntil: 'load' });
  await page.waitForFunction('window.book && window.book.isOpen');
  cdp = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

/** Shows a spine item in the reader and gives back the frame that renders it. */
async function display(href: string) {
  await page.evaluate(async (target) => {
    await (window as unknown as { rendition: { display(href: string): Promise<void> } }).rendition.display(target);
  }, href);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  if (!frame) throw new Error(`epub.js rendered no frame for ${href}`);
  await frame.evaluate(async () => {
    await document.fonts.ready;
  });
  return frame;
}

/** The fonts Chromium actually drew a node's text with (not what the CSS asked for). */
async function fontsUsedFor(selector: string) {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const iframe = findNode(root, (node) => node.nodeName === 'IFRAME');
  const documentId = iframe?.contentDocument?.nodeId;
  if (documentId === undefined) throw new Error('no iframe document');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: documentId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts;
}

interface DomNode {
  nodeName: string;
  children?: DomNode[];
  contentDocument?: DomNode & { nodeId: number };
}

function findNode(node: DomNode, test: (node: DomNode) => boolean): DomNode | undefined {
  if (test(node)) return node;
  for (const child of [...(node.children ?? []), ...(node.contentDocument ? [node.contentDocument] : [])]) {
    const found = findNode(child, test);
    if (found) return found;
  }
  return undefined;
}

describe('the EPUB in epub.js', () => {
  it('renders the chapter in the embedded Devanagari font with every word of the manuscript', async () => {
    const frame = await display('chapter-01.xhtml');
    const text = (await frame.evaluate(() => document.body.innerText)).replace(/\s+/g, '');
    expect(manuscriptWords.length).toBeGreaterThan(500);
    expect(manuscriptWords.filter((word) => !text.includes(word))).toEqual([]);

    const fonts = await fontsUsedFor('p');
    expect(fonts[0]).toMatchObject({ familyName: 'Noto Serif Devanagari', isCustomFont: true });
    expect(fonts[0]?.glyphCount).toBeGreaterThan(100);
  });

  it('renders the title page and the contents in the embedded fonts', async () => {
    let frame = await display('title-page.xhtml');
    expect(await frame.evaluate(() => document.querySelector('h1')?.textContent)).toBe(
      'पुतिन ने पाकिस्तान के साथ संबंध को बताया ‘आपसी फायदेमंद’',
    );
    expect((await fontsUsedFor('h1'))[0]).toMatchObject({ familyName: 'Noto Serif Devanagari', isCustomFont: true });

    frame = await display('contents.xhtml');
    expect(await frame.evaluate(() => document.querySelector('.contents ol ol a')?.textContent)).toBe(
      'पाकिस्तान के नजदीक जाता दिख रहा रूस',
    );
  });
});
