import type { Element, ElementContent, Root, RootContent } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import { footnoteItems, isFootnotes, type Book, type Chapter } from '../model/book.ts';
import { authorsOf, type Digits, type FrontMatter, type Trim } from '../model/front-matter.ts';

/**
 * What the first print taught about the book's pages. Chrome prints neither `target-counter()`
 * nor blank pages for `break-before: right`, so the book is printed once to learn where each
 * chapter opens, then again with those numbers.
 */
export interface BookPlan {
  /** Page each chapter opens on, by chapter id; absent on the first print. */
  openings?: ReadonlyMap<string, number>;
  /** Chapters preceded by a blank left-hand page so that they open on a right-hand page. */
  blankBefore: ReadonlySet<string>;
  /**
   * The first print, read only for where things land: everything is laid out as always but
   * nothing is painted (`visibility` changes no layout), which spares Chrome a quarter of the
   * print (a 310-page book: 2.15 s → 1.6 s, the same pages and destinations).
   */
  layoutOnly?: boolean;
}

/** The pages before the first chapter: title page and imprint, then contents if any. */
export const FRONT_PAGES_WITHOUT_CONTENTS = 2;

/** Paper size and margins (inner, outer) of each trim; text size grows with the page. */
const TRIMS: Record<Trim, { size: string; margin: string; inner: string; outer: string; fontSize: string }> = {
  A5: { size: '148mm 210mm', margin: '17mm 0 19mm', inner: '17mm', outer: '14mm', fontSize: '10.5pt' },
  A4: { size: '210mm 297mm', margin: '22mm 0 24mm', inner: '25mm', outer: '20mm', fontSize: '12pt' },
  '6x9in': { size: '6in 9in', margin: '18mm 0 20mm', inner: '18mm', outer: '15mm', fontSize: '11pt' },
  '5.5x8.5in': { size: '5.5in 8.5in', margin: '17mm 0 19mm', inner: '17mm', outer: '14mm', fontSize: '10.5pt' },
};

/** The book needs a contents page when it has more than one chapter. */
export function hasContents(book: Book): boolean {
  return book.chapters.length > 1;
}

/** A page number in the book's digits. */
export function formatPageNumber(page: number, digits: Digits): string {
  const text = String(page);
  return digits === 'devanagari' ? text.replace(/\d/g, (digit) => String.fromCodePoint(0x966 + Number(digit))) : text;
}

/** Title page, imprint, contents and the chapters, each chapter on pages named after it. */
export function bookBody(book: Book, plan: BookPlan): Root {
  const notes = footnoteItems(book.tree);
  const children: RootContent[] = [imprint(book.matter)];
  if (hasContents(book)) children.push(contents(book, plan));
  book.chapters.forEach((chapter, index) => {
    if (plan.blankBefore.has(chapter.id)) children.push(h('div.blank-page'));
    children.push(chapterSection(chapter, index, notes));
  });
  return { type: 'root', children };
}

/**
 * The page rules that depend on the book: trim, folio digits and running heads (book title
 * on left pages, chapter title on right pages). Chrome drops margin boxes that use `string()`,
 * so each chapter gets a named page; a chapter's opening page is a right page too, and its
 * head is hidden by a counter style that prints nothing for that one page number.
 */
export function bookPageStyle(book: Book, plan: BookPlan): string {
  const trim = TRIMS[book.matter.trim];
  const digits = book.matter.digits === 'devanagari' ? 'devanagari' : 'decimal';
  const rules = [
    `@page { size: ${trim.size}; margin: ${trim.margin}; @bottom-center { content: counter(page, ${digits}); } }`,
    `@page :left { margin-left: ${trim.outer}; margin-right: ${trim.inner}; }`,
    `@page :right { margin-left: ${trim.inner}; margin-right: ${trim.outer}; }`,
    `html { font-size: ${trim.fontSize}; }`,
    ...(plan.layoutOnly ? ['* { visibility: hidden !important; }'] : []),
  ];
  book.chapters.forEach((chapter, index) => {
    const name = `chapter-${index + 1}`;
    const opening = plan.openings?.get(chapter.id);
    const head = opening === undefined ? cssString(chapter.title) : `counter(page, ${name}-head)`;
    rules.push(
      `.${name} { page: ${name}; }`,
      `@page ${name}:left { @top-center { content: ${cssString(book.matter.title)}; } }`,
      `@page ${name}:right { @top-center { content: ${head}; } }`,
    );
    if (opening !== undefined) {
      rules.push(
        `@counter-style ${name}-head { system: fixed ${opening}; symbols: ""; fallback: ${name}-title; }`,
        `@counter-style ${name}-title { system: cyclic; symbols: ${cssString(chapter.title)}; }`,
      );
    }
  });
  return rules.join('\n');
}

/** The back of the title page: who made the book, its date, rights and source. */
function imprint(matter: FrontMatter): Element {
  const lines = [
    matter.title,
    authorsOf(matter).join(', '),
    [matter.publisher, matter.date].filter(Boolean).join(', '),
    matter.rights,
    matter.source,
  ].filter((line): line is string => Boolean(line));
  return h(
    'section.imprint',
    lines.map((line) => h('p', line)),
  );
}

function contents(book: Book, plan: BookPlan): Element {
  return h('nav.contents', { ariaLabelledBy: 'contents-title' }, [
    h('h2#contents-title', 'विषय-सूची'),
    h(
      'ol',
      book.chapters.map((chapter) => {
        const page = plan.openings?.get(chapter.id);
        return h('li', [
          h('a', { href: `#${chapter.id}` }, [
            h('span.toc-title', chapter.title),
            h('span.toc-page', page === undefined ? '' : formatPageNumber(page, book.matter.digits)),
          ]),
        ]);
      }),
    ),
  ]);
}

/** A chapter with its own footnotes at its end, numbered as in the text. */
function chapterSection(chapter: Chapter, index: number, notes: Map<string, Element>): Element {
  const body = chapter.tree.children.filter((node) => !isFootnotes(node)) as ElementContent[];
  const hasHeading = body.some((node) => node.type === 'element' && node.tagName === 'h1');
  const items: Element[] = [];
  let start: number | undefined;
  visit({ type: 'root', children: body }, 'element', (node) => {
    if (node.properties['dataFootnoteRef'] === undefined) return;
    const item = notes.get(String(node.properties['href']).slice(1));
    if (!item || items.includes(item)) return;
    start ??= Number(hastText(node));
    items.push(item);
  });
  const chapterNotes =
    items.length > 0 ? [h('section.footnotes', { role: 'doc-endnotes' }, [h('hr'), h('ol', { start }, items)])] : [];
  return h(
    `section.chapter.chapter-${index + 1}`,
    // The lead text before the first `#` heading has no heading to carry its id.
    hasHeading ? {} : { id: chapter.id },
    [...body, ...chapterNotes],
  );
}

function hastText(node: Element): string {
  return node.children.map((child) => (child.type === 'text' ? child.value : '')).join('');
}

/** A CSS string literal for `content:` and `symbols:`. */
export function cssString(text: string): string {
  // Hex escapes for what could end the string or the `<style>` element it is written in.
  const escaped = text
    .replace(/[\n\r\f]/g, ' ')
    .replace(/[\\"'<>&\p{Cc}]/gu, (char) => `\\${(char.codePointAt(0) ?? 0).toString(16)} `);
  return `"${escaped}"`;
}
