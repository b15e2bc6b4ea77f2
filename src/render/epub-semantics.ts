import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { visitParents } from 'unist-util-visit-parents';

/**
 * Gives a chapter's tree the structural semantics reading systems and assistive technology use:
 * each `epub:type` with its matching DPUB-ARIA role, and table headers with their scope.
 * Works on a copy; the print renderers keep the plain tree.
 */
export function addEpubSemantics(tree: Root): Root {
  const copy = structuredClone(tree);
  visitParents(copy, 'element', (node, ancestors) => {
    const { properties } = node;
    if (node.tagName === 'section' && 'dataFootnotes' in properties) {
      Object.assign(properties, { 'epub:type': 'endnotes', role: 'doc-endnotes' });
    } else if (node.tagName === 'a' && 'dataFootnoteRef' in properties) {
      Object.assign(properties, { 'epub:type': 'noteref', role: 'doc-noteref' });
    } else if (node.tagName === 'a' && 'dataFootnoteBackref' in properties) {
      Object.assign(properties, { 'epub:type': 'backlink', role: 'doc-backlink' });
    } else if (node.tagName === 'th' && properties['scope'] === undefined) {
      const inHead = ancestors.some((ancestor) => ancestor.type === 'element' && ancestor.tagName === 'thead');
      properties['scope'] = inHead ? 'col' : 'row';
    }
  });
  return copy;
}

/**
 * Wraps a chapter in `<section epub:type="chapter">`, labelled by its heading when it has one
 * and by the book's title otherwise (a text without `#` headings is one untitled chapter).
 */
export function chapterSection(tree: Root, headingId: string | undefined, title: string): Root {
  const label = headingId ? { ariaLabelledBy: headingId } : { ariaLabel: title };
  const section: Element = h('section', { 'epub:type': 'chapter', role: 'doc-chapter', ...label }, tree.children);
  return { type: 'root', children: [section] };
}
