import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { MARKER_BUDGET, addPageMarkers, isPageMarker } from '../src/epub/pagination.ts';

/** A body of `chapters` chapters, each a heading and `paragraphs` paragraphs of `sentences` sentences. */
function body(chapters: number, paragraphs: number, sentences: number): Root {
  const children: Element[] = [];
  for (let chapter = 1; chapter <= chapters; chapter++) {
    children.push(h('h1', `अध्याय ${chapter}`));
    for (let paragraph = 0; paragraph < paragraphs; paragraph++) {
      children.push(h('p', Array.from({ length: sentences }, (_, n) => `यह वाक्य ${n + 1} है।`).join(' ')));
    }
  }
  return { type: 'root', children };
}

function markers(tree: Root): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (node) => {
    if (isPageMarker(String(node.properties['id'] ?? ''))) found.push(node);
  });
  return found;
}

describe('page markers for the EPUB page-list', () => {
  it('mark every heading, text run and sentence of a book within the budget', () => {
    const tree = body(3, 20, 5);
    const marked = addPageMarkers(tree);
    // 3 headings, 60 paragraph starts, 4 sentence ends in each paragraph.
    expect(markers(marked)).toHaveLength(3 + 60 + 60 * 4);
    expect(toString(marked)).toBe(toString(tree));
  });

  it('thin the text markers of a long book to the budget, keeping every heading and all the text', () => {
    const tree = body(40, 100, 4);
    const marked = addPageMarkers(tree);
    const found = markers(marked);
    // 16,000 places in the text: every sixth is marked, and each heading has its own.
    expect(found.length).toBeLessThanOrEqual(MARKER_BUDGET + 40);
    expect(found.length).toBeGreaterThan(MARKER_BUDGET / 2);
    for (const [index, node] of marked.children.entries()) {
      if (node.type === 'element' && node.tagName === 'h1') {
        const next = marked.children[index + 1];
        expect(next?.type === 'element' && isPageMarker(String(next.properties['id']))).toBe(true);
      }
    }
    expect(toString(marked)).toBe(toString(tree));
    // The same book always gets the same markers (the print and the EPUB mark it separately).
    expect(addPageMarkers(tree)).toEqual(marked);
  });
});
