import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import { visitParents } from 'unist-util-visit-parents';
import { decodeFragment } from '../model/book.ts';
import { VERBATIM } from '../pipeline/rehype-lang-runs.ts';

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
    // A GFM task list's checkbox: reading systems draw a form control with the text's font, whose
    // ballot boxes none of the book's fonts has (MuPDF drew nothing). Written as text the fonts
    // draw, and named for assistive technology.
    if (node.tagName === 'input' && properties['type'] === 'checkbox') {
      const done = Boolean(properties['checked']);
      Object.assign(node, {
        tagName: 'span',
        properties: {
          className: ['task', 'latin'],
          role: 'img',
          ariaLabel: done ? TASK_LABELS.done : TASK_LABELS.open,
        },
        children: [{ type: 'text', value: done ? '[×]' : '[ ]' }],
      });
    }
    // Code is not marked by language (rehype-lang-runs leaves it), so its Latin runs are marked by script (see epub.css).
    if (VERBATIM.has(node.tagName)) {
      node.children = node.children.flatMap((child) => (child.type === 'text' ? scriptRuns(child.value) : [child]));
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

function classesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\s+/) : [];
}

/** A text split into Devanagari runs (left as text) and runs of anything else (`<span class="latin">`). */
function scriptRuns(text: string): ElementContent[] {
  return text
    .split(/(\p{Script=Devanagari}[\p{Script=Devanagari}\p{M}\s\u200C\u200D]*)/u)
    .filter(Boolean)
    .map((run) =>
      /^\p{Script=Devanagari}/u.test(run) || run.trim() === '' ? { type: 'text', value: run } : h('span.latin', run),
    );
}
