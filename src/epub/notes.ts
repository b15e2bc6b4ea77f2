import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { FOOTNOTE_LABELS, footnoteItems, isFootnotes, type Chapter } from '../model/book.ts';

/**
 * Puts each footnote in the chapter that calls it, as `<aside epub:type="footnote">` after the
 * chapter's text: Apple Books, Kobo, KOReader and Thorium show such a note as a pop-up when the
 * call and the note are in one file. remark-rehype gathers every note at the end of the book
 * (so into the last chapter); a note called from two chapters is given to each, the second copy
 * with an id of its own. The note begins with its number, which leads back to the call: the
 * book's fonts draw it, where the ↩ of the print HTML is in none of them.
 */
export function placeNotes(chapters: readonly Chapter[]): Chapter[] {
  const notes = new Map<string, Element>();
  for (const chapter of chapters) for (const [id, item] of footnoteItems(chapter.tree)) notes.set(id, item);
  const used = new Set<string>();
  return chapters.map((chapter, index) => {
    const tree: Root = {
      type: 'root',
      children: structuredClone(chapter.tree.children.filter((node) => !isFootnotes(node))),
    };
    const asides: Element[] = [];
    const asideOf = new Map<string, string>();
    visit(tree, 'element', (node) => {
      if (node.properties['dataFootnoteRef'] === undefined) return;
      const noteId = String(node.properties['href']).slice(1);
      const item = notes.get(noteId);
      if (!item) return;
      delete node.properties['ariaDescribedBy'];
      let asideId = asideOf.get(noteId);
      if (asideId === undefined) {
        asideId = used.has(noteId) ? `${noteId}-${index + 1}` : noteId;
        used.add(noteId);
        asideOf.set(noteId, asideId);
        asides.push(noteAside(item, asideId, String(node.properties['id']), toString(node)));
      }
      node.properties['href'] = `#${asideId}`;
    });
    if (asides.length) {
      tree.children.push(h('section.footnotes', { ariaLabel: FOOTNOTE_LABELS.notes }, asides));
    }
    return { ...chapter, tree };
  });
}

/** One note as an aside: its number, leading back to the call, then its text. */
function noteAside(item: Element, id: string, callId: string, label: string): Element {
  const children = structuredClone<ElementContent[]>(item.children).filter(
    (node) => node.type !== 'text' || node.value.trim() !== '',
  );
  const back = h(
    'a',
    { href: `#${callId}`, 'epub:type': 'backlink', role: 'doc-backlink', ariaLabel: FOOTNOTE_LABELS.back },
    label,
  );
  const first = children[0];
  if (first?.type === 'element' && first.tagName === 'p') first.children.unshift(back, { type: 'text', value: ' ' });
  else children.unshift(h('p', [back]));
  return h('aside', { id, 'epub:type': 'footnote', role: 'doc-footnote' }, children);
}
