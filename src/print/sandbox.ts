import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root, RootContent } from 'hast';
import type { HTTPRequest, Page } from 'puppeteer';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import type { Book } from '../model/book.ts';
import { EnvironmentError } from '../model/errors.ts';
import { reportWarning } from '../model/messages.ts';
import { TEMPLATES_DIR } from '../model/paths.ts';
import { assetFor, CONTENT_TYPES, type Asset } from './assets.ts';

/** The made-up origin the print page is served from; `.invalid` never resolves. */
export const ORIGIN = 'http://mudran.invalid';

// The URL properties the book schema lets through (see rehype-sanitize-book.ts).
const URL_PROPERTIES = ['src', 'href'];

/** A request of the page that was refused, and the manuscript's element that made it, when known. */
export interface Refusal {
  reason: string;
  place?: Position;
}

export interface Sandbox {
  /** Where to point the page. */
  url: string;
  /**
   * Waits for every answer and returns what was refused; throws when one of mudran's own
   * files (a template, a font) was missing. Nothing is written into the manuscript's file:
   * whoever printed the page reports the refusals (see reportRefusals).
   */
  finish(): Promise<Refusal[]>;
}

/** Each refusal as a warning on the manuscript, once per element and reason however many prints met it. */
export function reportRefusals(file: VFile, refusals: readonly Refusal[]): void {
  for (const { reason, place } of refusals) {
    const known = file.messages.some((message) => message.reason === reason && message.line === place?.start.line);
    if (!known) reportWarning(file, reason, { place, ruleId: 'request-refused' });
  }
}

/**
 * Locks a page down for printing one book: JavaScript off, and every request intercepted.
 * Served: the page itself, templates/ and fonts/, and the book's checked images. Refused
 * (and returned by `finish`, with the element that asked when it can be found): everything
 * else, whatever the scheme.
 */
export async function sandboxPage(page: Page, book: Book, html: string, name: string): Promise<Sandbox> {
  const url = `${ORIGIN}/${name}.html`;
  const askedBy = requestSources(book.tree, url);
  const missing: string[] = [];
  const refusals: Refusal[] = [];
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
    async finish() {
      await Promise.all(answering);
      if (missing.length > 0) {
        throw new EnvironmentError(`mudran's own file is missing: ${missing.join(', ')} (reinstall mudran)`);
      }
      return refusals;
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
    refusals.push(place ? { reason, place } : { reason });
  }
}

/** The file behind a URL of the sandbox's origin (see assetFor). */
function servedFile(requested: string, images: ReadonlyMap<string, string>): Asset | undefined {
  let url: URL;
  let pathname: string;
  try {
    url = new URL(requested);
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  return url.origin === ORIGIN && url.search === '' ? assetFor(pathname, images) : undefined;
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
