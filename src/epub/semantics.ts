import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import { visitParents } from 'unist-util-visit-parents';

const TASK_LABELS = { done: 'पूरा', open: 'अधूरा' };

/**
 * Gives a chapter's tree the structural semantics reading systems and assistive technology use:
 * each `epub:type` with its matching DPUB-ARIA role, table headers with their scope and
 * column alignment as a class.
 * Works on a copy; the print renderers keep the plain tree.
 */
export function addEpubSemantics(tree: Root): Root {
  const copy = structuredClone(tree);
  visitParents(copy, 'element', (node, ancestors) => {
    const { properties } = node;
    if (node.tagName === 'a' && 'dataFootnoteRef' in properties) {
      Object.assign(properties, { 'epub:type': 'noteref', role: 'doc-noteref' });
    }
    if (node.tagName === 'th' && properties['scope'] === undefined) {
      const inHead = ancestors.some((ancestor) => ancestor.type === 'element' && ancestor.tagName === 'thead');
      properties['scope'] = inHead ? 'col' : 'row';
    }
    // A GFM task list's checkbox needs a name of its own for assistive technology (Ace: label).
    if (node.tagName === 'input' && properties['type'] === 'checkbox' && properties['ariaLabel'] === undefined) {
      properties['ariaLabel'] = properties['checked'] ? TASK_LABELS.done : TASK_LABELS.open;
    }
    // GFM column alignment arrives as `align`, which EPUB's XHTML does not allow: a class says it.
    if ((node.tagName === 'th' || node.tagName === 'td') && typeof properties['align'] === 'string') {
      properties['className'] = [...classesOf(properties['className']), `align-${properties['align']}`];
      delete properties['align'];
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

/**
 * Points `#id` links at the file that holds the id. One manuscript becomes several chapter
 * files, so a footnote reference in chapter 1 whose note is gathered at the end of the book
 * must name the last chapter's file. Fragments are written as the id itself (EPUBCheck does
 * not decode `%E0%A4…`; ids are decoded to match), and `aria-describedby`, which cannot cross files, is dropped there.
 */
export function linkAcrossDocuments(documents: readonly { filename: string; tree: Root }[]): void {
  const fileOf = new Map<string, string>();
  for (const { filename, tree } of documents) {
    visit(tree, 'element', (node) => {
      const id = node.properties['id'];
      if (typeof id !== 'string') return;
      // remark-rehype writes footnote ids percent-encoded (`fn-%E0%A4…`): keep them as text.
      node.properties['id'] = decodeFragment(id);
      fileOf.set(decodeFragment(id), filename);
    });
  }
  for (const { filename, tree } of documents) {
    visit(tree, 'element', (node) => {
      const { properties } = node;
      const href = properties['href'];
      if (typeof href === 'string' && href.startsWith('#')) {
        const id = decodeFragment(href.slice(1));
        const target = fileOf.get(id);
        if (target) properties['href'] = target === filename ? `#${id}` : `${target}#${id}`;
      }
      const describedBy = properties['ariaDescribedBy'];
      if (Array.isArray(describedBy) && describedBy.some((id) => fileOf.get(String(id)) !== filename)) {
        delete properties['ariaDescribedBy'];
      }
    });
  }
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

function classesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\s+/) : [];
}
