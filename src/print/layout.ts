import type { Element, ElementContent, Root, RootContent } from 'hast';
import { h } from 'hastscript';
import { SKIP, visit } from 'unist-util-visit';
import { decodeFragment, footnoteItems, isFootnotes, type Book, type Chapter } from '../model/book.ts';
import { authorsOf, type Digits, type FrontMatter } from '../model/front-matter.ts';
import { BLEED_MM, TRIMS } from '../model/trim.ts';
import { bookDigits, numberOf } from '../model/digits.ts';
import { bookDate } from '../model/dates.ts';
import { FACES } from '../fonts/faces.ts';
import { CSS_PPI } from '../input/image-size.ts';

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
  /**
   * The page each cross-reference's target is on, by its id: the print writes "(पृष्ठ 12)" after
   * the link. Absent on the first print, which sets a stand-in of two digits in its place.
   */
  references?: ReadonlyMap<string, number>;
}

/** The pages before the first chapter: title page and imprint, then contents if any. */
export const FRONT_PAGES_WITHOUT_CONTENTS = 2;

/** The book needs a contents page when it has more than one chapter. */
export function hasContents(book: Book): boolean {
  return book.chapters.length > 1;
}

/**
 * The tree with each image given its printed width: an image whose file says its resolution
 * prints at that resolution (300 ppi, 1200 pixels: 102 mm), the rest at the CSS pixel; the
 * stylesheets fit anything wider to the text block. The book's tree is left as it is.
 */
export function withPrintedImageSizes(tree: Root, sizes: Book['imageSizes']): Root {
  if (![...sizes.values()].some((size) => size.ppi !== undefined)) return tree;
  const copy = structuredClone(tree);
  visit(copy, 'element', (node) => {
    if (node.tagName !== 'img') return;
    const size = sizes.get(decodeURIComponent(String(node.properties['src'])));
    if (size?.ppi === undefined) return;
    node.properties['width'] = Math.round((size.width * CSS_PPI) / size.ppi);
    node.properties['height'] = Math.round((size.height * CSS_PPI) / size.ppi);
  });
  return copy;
}

/** Title page, imprint, contents and the chapters, each chapter on pages named after it. */
export function bookBody(book: Book, plan: BookPlan): Root {
  const notes = footnoteItems(book.tree);
  const children: RootContent[] = [imprint(book.matter)];
  if (hasContents(book)) children.push(contents(book, plan));
  book.chapters.forEach((chapter, index) => {
    if (plan.blankBefore.has(chapter.id)) children.push(h('div.blank-page'));
    children.push(chapterSection(chapter, index, notes, book.matter.digits));
  });
  const body = withPrintedImageSizes({ type: 'root', children }, book.imageSizes);
  const references = crossReferences(book);
  return references.size > 0 ? withPageReferences(body, references, book, plan) : body;
}

/**
 * The ids a link in the text points at that are a heading or a figure: cross-references, which
 * the printed book follows with the target's page. Note calls and the contents are not.
 */
export function crossReferences(book: Book): Set<string> {
  const targets = new Set<string>();
  visit(book.tree, 'element', (node) => {
    if (/^h[1-6]$/.test(node.tagName) || node.tagName === 'figure') {
      if (typeof node.properties['id'] === 'string') targets.add(node.properties['id']);
    }
  });
  const references = new Set<string>();
  visit(book.tree, 'element', (node) => {
    const href = node.properties['href'];
    if (node.tagName !== 'a' || typeof href !== 'string' || !href.startsWith('#')) return;
    if (node.properties['dataFootnoteRef'] !== undefined || node.properties['dataFootnoteBackref'] !== undefined)
      return;
    const id = decodeFragment(href.slice(1));
    if (targets.has(id)) references.add(id);
  });
  return references;
}

/** After each cross-reference, " (पृष्ठ 12)" in the book's digits: the link stays a link. Works on a copy. */
function withPageReferences(body: Root, references: ReadonlySet<string>, book: Book, plan: BookPlan): Root {
  const label = /^en\b/i.test(book.matter.lang) ? 'page' : 'पृष्ठ';
  const copy = structuredClone(body);
  visit(copy, 'element', (node, index, parent) => {
    // The contents' own links are not cross-references.
    if (node.tagName === 'nav') return SKIP;
    const href = node.properties['href'];
    if (node.tagName !== 'a' || typeof href !== 'string' || !parent || index === undefined) return;
    const id = decodeFragment(href.slice(1));
    if (!href.startsWith('#') || !references.has(id) || node.properties['dataFootnoteRef'] !== undefined) return;
    const page = plan.references?.get(id);
    const number = bookDigits(page ?? '00', book.matter.digits);
    parent.children.splice(index + 1, 0, h('span.page-ref', { dataReference: id }, ` (${label} ${number})`));
    return index + 2;
  });
  return copy;
}

/**
 * The page rules that depend on the book: trim, folio digits and running heads (book title
 * on left pages, chapter title on right pages). Chrome drops margin boxes that use `string()`,
 * so each chapter gets a named page; a chapter's opening page is a right page too, and its
 * head is hidden by a counter style that prints nothing for that one page number.
 */
export function bookPageStyle(book: Book, plan: BookPlan): string {
  const trim = TRIMS[book.matter.trim];
  const bleedWidth = trim.width + 2 * BLEED_MM;
  const digits = book.matter.digits === 'devanagari' ? 'devanagari' : 'decimal';
  const rules = [
    `@page { size: ${trim.width}mm ${trim.height}mm; margin: ${trim.top}mm 0 ${trim.bottom}mm; @bottom-center { content: counter(page, ${digits}); } }`,
    `@page :left { margin-left: ${trim.outer}mm; margin-right: ${trim.inner}mm; }`,
    `@page :right { margin-left: ${trim.inner}mm; margin-right: ${trim.outer}mm; }`,
    `html { font-size: ${trim.fontSize}; line-height: ${trim.lineHeight}; }`,
    // The title page and its back fill the page, so their feet can hold the publisher and the imprint.
    `.title-page, .imprint { height: ${trim.height - trim.top - trim.bottom - 1}mm; }`,
    // An image is never taller than the text block less room for its caption.
    `figure img, img { max-height: ${trim.height - trim.top - trim.bottom - 30}mm; }`,
    // A full-bleed figure's image is drawn as wide as the page and its bleed, centred on the
    // text block and clipped to it (no overflow, which would shrink the print); bleed.ts then
    // frees it from the clips and centres it on the page.
    'figure.bleed { overflow: clip; }',
    `figure.bleed img { width: ${bleedWidth}mm; max-width: none; max-height: none; height: auto; margin-left: calc(50% - ${bleedWidth / 2}mm); }`,
    ...(plan.layoutOnly ? ['* { visibility: hidden !important; }'] : []),
  ];
  book.chapters.forEach((chapter, index) => {
    const name = `chapter-${index + 1}`;
    const opening = plan.openings?.get(chapter.id);
    const head = opening === undefined ? cssString(chapter.short ?? chapter.title) : `counter(page, ${name}-head)`;
    rules.push(
      `.${name} { page: ${name}; }`,
      `@page ${name}:left { @top-center { content: ${cssString(book.matter.title)}; } }`,
      `@page ${name}:right { @top-center { content: ${head}; } }`,
    );
    if (opening !== undefined) {
      rules.push(
        `@counter-style ${name}-head { system: fixed ${opening}; symbols: ""; fallback: ${name}-title; }`,
        `@counter-style ${name}-title { system: cyclic; symbols: ${cssString(chapter.short ?? chapter.title)}; }`,
      );
    }
  });
  return rules.join('\n');
}

/** The back of the title page, set at its foot: the book, its edition and date, rights, ISBN, source and typefaces. */
function imprint(matter: FrontMatter): Element {
  const hindi = !/^en\b/i.test(matter.lang);
  const date = matter.date ? bookDate(matter.date, matter.lang, matter.digits) : undefined;
  const typefaces = [...new Set(FACES.map((face) => face.typeface))].join(', ');
  const lines: (Element | undefined)[] = [
    h('p.imprint-title', matter.title),
    authorsOf(matter).length ? h('p', authorsOf(matter).join(', ')) : undefined,
    matter.edition || date ? h('p', [matter.edition, date].filter(Boolean).join(', ')) : undefined,
    matter.publisher ? h('p', matter.publisher) : undefined,
    matter.rights ? h('p', matter.rights) : undefined,
    matter.isbn ? h('p', [h('span', { lang: 'en' }, `ISBN ${matter.isbn}`)]) : undefined,
    matter.source ? h('p', matter.source) : undefined,
    h('p', [hindi ? 'टाइपफ़ेस: ' : 'Typefaces: ', h('span', { lang: 'en' }, typefaces)]),
  ];
  return h(
    'section.imprint',
    lines.filter((line) => line !== undefined),
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
            h('span.toc-title', [chapter.title, h('span.toc-leader', { ariaHidden: 'true' })]),
            h('span.toc-page', page === undefined ? '' : bookDigits(page, book.matter.digits)),
          ]),
        ]);
      }),
    ),
  ]);
}

/** A chapter with its own footnotes at its end, numbered as in the text. */
function chapterSection(chapter: Chapter, index: number, notes: Map<string, Element>, digits: Digits): Element {
  const body = chapter.tree.children.filter((node) => !isFootnotes(node)) as ElementContent[];
  const hasHeading = body.some((node) => node.type === 'element' && node.tagName === 'h1');
  const items: Element[] = [];
  let start: number | undefined;
  visit({ type: 'root', children: body }, 'element', (node) => {
    if (node.properties['dataFootnoteRef'] === undefined) return;
    const item = notes.get(String(node.properties['href']).slice(1));
    if (!item || items.includes(item)) return;
    start ??= numberOf(hastText(node));
    items.push(item);
  });
  const chapterNotes =
    items.length > 0
      ? [
          h('section.footnotes', { role: 'doc-endnotes' }, [
            h('hr'),
            h('ol', { start, className: digits === 'devanagari' ? ['devanagari-digits'] : [] }, items),
          ]),
        ]
      : [];
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
