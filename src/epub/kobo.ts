import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { visitParents } from 'unist-util-visit-parents';

/** Elements that make a paragraph of their own for Kobo's reader (its reading position and statistics). */
const BLOCKS = new Set([
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'td', 'th', 'dt', 'dd', 'figcaption', 'caption'],
  ...['blockquote', 'pre', 'div', 'aside', 'section', 'summary', 'details'],
]);

/** A sentence ends at a danda, double danda or Latin full stop, question or exclamation mark and what follows it. */
const SENTENCE = /[^।॥.!?]+(?:[।॥.!?]+[\s\u00A0]*|$)|[।॥.!?]+[\s\u00A0]*/gu;

/**
 * A chapter as Kobo's KEPUB expects it (as kepubify writes it): every sentence in
 * `<span class="koboSpan" id="kobo.P.S">` (P the paragraph, S the sentence in it) and the body
 * in `<div id="book-columns"><div id="book-inner">`. Kobo's reader gives page turns, reading
 * statistics and its better font handling only to books so marked. Works on a copy.
 */
export function koboChapter(tree: Root): Root {
  const copy = structuredClone(tree);
  const paragraphs = new Map<Element | Root, { index: number; sentences: number }>();
  visitParents(copy, 'text', (node, ancestors) => {
    const parent = ancestors.at(-1);
    if (!parent || node.value.trim() === '') return undefined;
    const block =
      ancestors.findLast(
        (ancestor): ancestor is Element => ancestor.type === 'element' && BLOCKS.has(ancestor.tagName),
      ) ?? copy;
    const paragraph = paragraphs.get(block) ?? { index: paragraphs.size + 1, sentences: 0 };
    paragraphs.set(block, paragraph);
    const spans = (node.value.match(SENTENCE) ?? [node.value]).map((sentence) => {
      paragraph.sentences += 1;
      return h('span.koboSpan', { id: `kobo.${paragraph.index}.${paragraph.sentences}` }, sentence);
    });
    const index = parent.children.indexOf(node);
    parent.children.splice(index, 1, ...spans);
    // Go on after the spans: their text is marked already.
    return index + spans.length;
  });
  return { type: 'root', children: [h('div#book-columns', [h('div#book-inner', copy.children)])] };
}
