import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root, RootContent } from 'hast';
import type { HTTPRequest, Page } from 'puppeteer';
import type { Position } from 'unist';
import type { Book } from '../model/book.ts';
import { EnvironmentError } from '../model/errors.ts';
import { reportWarning } from '../model/messages.ts';
import { IMAGE_TYPES } from '../pipeline/rehype-images.ts';
import { FONTS_DIR, TEMPLATES_DIR } from './document.ts';

/** The made-up origin the print page is served from; `.invalid` never resolves. */
export const ORIGIN = 'http://mudran.invalid';

/** Media types of every file mudran serves to a page. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ...IMAGE_TYPES,
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff2': 'font/woff2',
};

// The URL properties the book schema lets through (see rehype-sanitize-book.ts).
const URL_PROPERTIES = ['src', 'href'];

export interface Sandbox {
  /** Where to point the page. */
  url: string;
  /** Waits for every answer, then throws when one of mudran's own files (a template, a font) was missing. */
  assertComplete(): Promise<void>;
}

/**
 * Locks a page down for printing one book: JavaScript off, and every request intercepted.
 * Served: the page itself, templates/ and fonts/, and the book's checked images. Refused
 * (and reported on the manuscript, at the element that asked when it can be found):
 * everything else, whatever the scheme.
 */
export async function sandboxPage(page: Page, book: Book, html: string, name: string): Promise<Sandbox> {
  const url = `${ORIGIN}/${name}.html`;
  const askedBy = requestSources(book.tree, url);
  const missing: string[] = [];
  const answering = new Set<Promise<void>>();
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const answered = answer(request).catch(() => undefined);
    answering.add(answered);
    void answered.finally(() => answering.delete(answered));
  });
  return {
    url,
    async assertComplete() {
      await Promise.all(answering);
      if (missing.length > 0) {
        throw new EnvironmentError(`mudran's own file is missing: ${missing.join(', ')} (reinstall mudran)`);
      }
    },
  };

  async function answer(request: HTTPRequest): Promise<void> {
    const requested = request.url();
    if (requested === url) {
      await request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      return;
    }
    // Chromium asks for an icon by itself; the page did not.
    if (requested === `${ORIGIN}/favicon.ico`) {
      await request.respond({ status: 404, body: '' });
      return;
    }
    const served = servedFile(requested, book.images);
    if (!served) {
      refuse(requested);
      await request.abort('blockedbyclient');
      return;
    }
    try {
      const body = await readFile(served.file);
      await request.respond({ status: 200, contentType: CONTENT_TYPES[path.extname(served.file)] ?? '', body });
    } catch {
      // Images were checked before printing; only mudran's own files can be missing here.
      if (!served.image) missing.push(path.relative(path.dirname(TEMPLATES_DIR), served.file));
      await request.respond({ status: 404, body: '' });
    }
  }

  function refuse(requested: string): void {
    const shown = requested.length > 80 ? `${requested.slice(0, 79)}…` : requested;
    const reason = `Unexpected request for \`${shown}\` from the page, expected only the book’s own files; refused`;
    const place = askedBy.get(requested);
    const known = book.file.messages.some((message) => message.reason === reason && message.line === place?.start.line);
    if (!known) reportWarning(book.file, reason, { place, ruleId: 'request-refused' });
  }
}

/** The file behind a URL: a checked image, a font from fonts/, or a file from templates/. */
function servedFile(
  requested: string,
  images: ReadonlyMap<string, string>,
): { file: string; image: boolean } | undefined {
  let url: URL;
  let pathname: string;
  try {
    url = new URL(requested);
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (url.origin !== ORIGIN || url.search !== '') return undefined;
  const image = images.get(pathname.slice(1));
  if (image) return { file: image, image: true };
  const [root, relative] = pathname.startsWith('/fonts/')
    ? [FONTS_DIR, pathname.slice('/fonts/'.length)]
    : [TEMPLATES_DIR, pathname.slice(1)];
  const resolved = path.resolve(root, relative);
  return path.dirname(resolved) === root && path.extname(resolved) in CONTENT_TYPES
    ? { file: resolved, image: false }
    : undefined;
}

/** Each absolute URL the book's elements point at, with the first manuscript place that does. */
function requestSources(tree: Root, base: string): Map<string, Position> {
  const sources = new Map<string, Position>();
  const stack: (Root | RootContent)[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'element' && node.position) {
      for (const property of URL_PROPERTIES) {
        const value = node.properties[property];
        if (typeof value !== 'string') continue;
        const absolute = URL.parse(value, base)?.href;
        if (absolute && !sources.has(absolute)) sources.set(absolute, node.position);
      }
    }
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
  return sources;
}
