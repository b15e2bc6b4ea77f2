import type { Element, Root, Text } from 'hast';
import { h } from 'hastscript';
import { headingRank } from 'hast-util-heading-rank';
import { SKIP, visitParents } from 'unist-util-visit-parents';
import { splitChapters, type Book } from '../model/book.ts';

const MARKER_PREFIX = 'mudran-page-marker-';

/** After the end of a sentence: a danda, double danda, or Latin sentence punctuation and space. */
const SENTENCE_END = /[।॥?!.]\s+/gu;

/** Where each page marker of `withPageMarkers(book)` lands in the A5 book PDF: id → page. */
export type MarkerPages = ReadonlyMap<string, number>;

/** Print pagination carried into the EPUB's page-list. */
export interface Pagination {
  /** The book's body with page-break spans where each printed page begins. */
  tree: Root;
  /** The print edition the page numbers come from (`dc:source`). */
  source: string;
}

/**
 * Finds where each page of the A5 book begins in the text. The book's first print carries an
 * empty self-link (`<a id="m" href="#m">`, which Chrome records as a named destination
 * without changing the layout) before every heading, at the start of every text run and after
 * every sentence (see pdf.ts); the first marker on each page becomes that page's page-break in
 * the EPUB. Pages that hold no text of the body (the title page, blank pages) have no entry.
 */
export function paginateBook(book: Book, pages: MarkerPages): Pagination {
  return {
    tree: placePageBreaks(addPageMarkers(book.tree), pages),
    source: `${book.matter.title}: ${book.matter.trim} मुद्रित संस्करण (${book.name}.pdf)`,
  };
}

/** The book with page markers in its text; the same book always gets the same marker ids. */
export function withPageMarkers(book: Book): Book {
  const marked = addPageMarkers(book.tree);
  return { ...book, tree: marked, chapters: splitChapters(marked, book.matter.title) };
}

/** Whether a named destination is a page marker rather than a heading or footnote. */
export function isPageMarker(id: string): boolean {
  return id.startsWith(MARKER_PREFIX);
}

/**
 * At most this many markers in text (headings are always marked). Chrome's print time grows with
 * the square of the named destinations: a 618-page book's first print took 3.5 s without markers,
 * 4.3–6.2 s with 2,900 and 10.7–13.6 s with 8,700. Up to the budget (about 200 A5 pages) every
 * text run and sentence is marked; past it every k-th, so a page's break lands a sentence or two
 * after where the page begins rather than at it.
 */
export const MARKER_BUDGET = 3000;

/** A copy of the tree with numbered, empty marker links in reading order. */
export function addPageMarkers(tree: Root): Root {
  const copy = structuredClone(tree);
  let count = 0;
  const marker = (): Element => {
    const id = `${MARKER_PREFIX}${++count}`;
    return h('a', { id, href: `#${id}` });
  };
  const stride = Math.max(1, Math.ceil(textMarkerPlaces(tree) / MARKER_BUDGET));
  let place = 0;
  const marked = (): boolean => place++ % stride === 0;
  visitParents(copy, (node, ancestors) => {
    const parent = ancestors.at(-1);
    if (!parent || !('children' in parent)) return;
    if (node.type === 'element' && headingRank(node) !== undefined) {
      // Inside a heading a page-break would become part of its accessible name: it goes before
      // the heading, or just after a chapter's `<h1>`, which must stay first in its chapter.
      const index = parent.children.indexOf(node);
      const at = parent.type === 'root' && headingRank(node) === 1 ? index + 1 : index;
      parent.children.splice(at, 0, marker());
      return [SKIP, index + 2];
    }
    if (node.type === 'element' && node.tagName === 'a') return SKIP;
    if (node.type !== 'text' || node.value.trim() === '') return;
    const pieces: (Element | Text)[] = [];
    for (const piece of splitAfterSentences(node)) {
      const last = pieces.at(-1);
      if (marked()) pieces.push(marker(), piece);
      // An unmarked sentence joins the text before it.
      else if (last?.type === 'text') last.value += piece.value;
      else pieces.push(piece);
    }
    const index = parent.children.indexOf(node);
    parent.children.splice(index, 1, ...pieces);
    return [SKIP, index + pieces.length];
  });
  return copy;
}

/** The first marker on each page becomes its page-break; every other marker goes. */
export function placePageBreaks(marked: Root, pages: ReadonlyMap<string, number>): Root {
  const copy = structuredClone(marked);
  let lastPage = 0;
  visitParents(copy, 'element', (node, ancestors) => {
    const id = node.properties['id'];
    if (typeof id !== 'string' || !id.startsWith(MARKER_PREFIX)) return;
    const parent = ancestors.at(-1);
    if (!parent) return;
    const index = parent.children.indexOf(node);
    const page = pages.get(id);
    if (page !== undefined && page > lastPage) {
      lastPage = page;
      parent.children[index] = h('span', {
        id: `page-${page}`,
        'epub:type': 'pagebreak',
        role: 'doc-pagebreak',
        ariaLabel: String(page),
      });
      return [SKIP, index + 1];
    }
    parent.children.splice(index, 1);
    return [SKIP, index];
  });
  return copy;
}

/**
 * How many places in the text `addPageMarkers` could mark: text-run starts and sentence ends,
 * outside links and headings (which it skips).
 */
function textMarkerPlaces(tree: Root): number {
  let places = 0;
  visitParents(tree, (node) => {
    if (node.type === 'element' && (node.tagName === 'a' || headingRank(node) !== undefined)) return SKIP;
    if (node.type === 'text' && node.value.trim() !== '') places += splitAfterSentences(node).length;
    return undefined;
  });
  return places;
}

function splitAfterSentences(node: Text): Text[] {
  const pieces: Text[] = [];
  let start = 0;
  for (const match of node.value.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end < node.value.length) {
      pieces.push({ type: 'text', value: node.value.slice(start, end) });
      start = end;
    }
  }
  pieces.push({ type: 'text', value: node.value.slice(start) });
  return pieces;
}
