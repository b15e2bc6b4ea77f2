import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { Root } from 'hast';
import { h } from 'hastscript';
import { keepCached, readCached } from '../build/cache.ts';
import { subsetFonts } from '../fonts/subset.ts';
import { authorsOf, type FrontMatter } from '../model/front-matter.ts';
import { EnvironmentError } from '../model/errors.ts';
import { withPage } from './page-pool.ts';
import { toHtmlString } from '../pipeline/index.ts';
import { TEMPLATES_DIR } from '../model/paths.ts';
import { FACES } from '../fonts/faces.ts';
import { fillTemplate } from './document.ts';
import { escapeMarkup } from '../model/escape.ts';

export interface CoverImage {
  bytes: Uint8Array;
  mediaType: 'image/png' | 'image/jpeg';
  extension: 'png' | 'jpg';
}

/** The cover's size: 1600 × 2560 px, the 1 : 1.6 most e-book shops ask for. */
const WIDTH = 1600;
const HEIGHT = 2560;

/** The cover sets nothing in italic. */
const COVER_FONTS = FACES.filter((face) => face.style === 'normal').map(
  ({ family, weight, file }) => [family, weight, file] as const,
);

/** The manuscript's own cover image (front-matter `cover`, a PNG or JPEG file). */
export async function readCover(file: string): Promise<CoverImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new EnvironmentError(`cannot read the cover image ${file}: ${(error as Error).message}`);
  }
  return /\.png$/i.test(file)
    ? { bytes, mediaType: 'image/png', extension: 'png' }
    : { bytes, mediaType: 'image/jpeg', extension: 'jpg' };
}

/**
 * Renders templates/cover.html with the book's title, subtitle, author and publisher and takes
 * a PNG screenshot of it. The fonts arrive as data: URLs and the page runs no script and
 * loads nothing from anywhere, so the same book gives the same image; images are kept in
 * the user's cache (see cache.ts), keyed by the page and Chromium's version.
 */
export async function renderCover(browser: Browser, matter: FrontMatter): Promise<CoverImage> {
  const template = await readFile(path.join(TEMPLATES_DIR, 'cover.html'), 'utf8');
  // The fonts are cut down to the cover's characters: whole, their data: URLs take Chromium
  // over a second to parse; a few hundred glyphs take milliseconds.
  const printed = [matter.title, matter.subtitle ?? '', ...authorsOf(matter), matter.publisher ?? ''].join(' ');
  const subsets = await subsetFonts(
    COVER_FONTS.map(([, , file]) => file),
    printed,
  );
  const fontFaces = COVER_FONTS.map(([family, weight], index) => {
    const data = Buffer.from(subsets[index]?.data ?? []).toString('base64');
    return `@font-face { font-family: '${family}'; font-weight: ${weight}; src: url(data:font/ttf;base64,${data}); }`;
  });
  const html = fillTemplate(template, {
    lang: escapeMarkup(matter.lang),
    title: escapeMarkup(matter.title),
    subtitle: matter.subtitle ? html1(h('p.subtitle', matter.subtitle)) : '',
    author: authorsOf(matter).length ? html1(h('p.author', authorsOf(matter).join(', '))) : '',
    publisher: matter.publisher ? html1(h('p.publisher', matter.publisher)) : '',
    fontFaces: fontFaces.join('\n'),
  });

  // The same page in the same Chromium gives the same image: a rebuild takes it from the cache.
  const key = createHash('sha256')
    .update(await browser.version())
    .update('\0')
    .update(html)
    .digest('hex')
    .slice(0, 24);
  const cached = `${key}.png`;
  const kept = await readCached('covers', cached);
  if (kept) return { bytes: kept, mediaType: 'image/png', extension: 'png' };
  const cover = await withPage(browser, 'cover', async (page) => {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      void (request.url().startsWith('data:') ? request.continue() : request.abort('blockedbyclient'));
    });
    await page.setViewport({ width: WIDTH, height: HEIGHT, deviceScaleFactor: 1 });
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    const bytes = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
    return { bytes, mediaType: 'image/png', extension: 'png' } as const;
  });
  await keepCached('covers', cached, cover.bytes);
  return cover;
}

function html1(element: Root['children'][number]): string {
  return toHtmlString({ type: 'root', children: [element] });
}
