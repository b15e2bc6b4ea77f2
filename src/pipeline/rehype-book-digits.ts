import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { bookDigits } from '../model/digits.ts';

/**
 * In a book with `digits: devanagari`, the numbers the book makes are Devanagari: note calls
 * (and so the EPUB notes' numbers, which repeat them) and ordered-list markers (the
 * `devanagari-digits` class the stylesheets give `list-style-type: devanagari`). Folios,
 * contents numbers and figure numbers are set where they are made.
 */
export default function rehypeBookDigits() {
  return (tree: Root, file: VFile) => {
    if (file.data.matter?.digits !== 'devanagari') return;
    visit(tree, 'element', (node) => {
      if (node.tagName === 'ol') {
        const classes = Array.isArray(node.properties['className']) ? node.properties['className'] : [];
        node.properties['className'] = [...classes, 'devanagari-digits'];
      }
      if (node.properties['dataFootnoteRef'] === undefined) return;
      for (const child of node.children) {
        if (child.type === 'text') child.value = bookDigits(child.value, 'devanagari');
      }
    });
  };
}
