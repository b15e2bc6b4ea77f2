import GithubSlugger from 'github-slugger';
import type { Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { headingText } from '../model/book.ts';
import { reportWarning } from '../model/messages.ts';

/**
 * Gives every heading an id made from its text, keeping Devanagari letters and marks
 * (`पाकिस्तान-के-नजदीक`), so links, the PDF outline and the EPUB contents can point at it.
 * An id that would not be a valid XML name (empty, or starting with a digit) gets a prefix.
 * A heading with neither text nor an image's `alt` is removed with a warning: it would give the
 * contents an empty entry and an EPUB chapter an empty `<title>`.
 */
export default function rehypeHeadingIds() {
  return (tree: Root, file: VFile) => {
    const slugger = new GithubSlugger();
    visit(tree, 'element', (node, index, parent) => {
      if (headingRank(node) === undefined) return undefined;
      if (headingText(node) === '' && parent && index !== undefined) {
        reportWarning(file, 'Unexpected empty heading, expected its text; removed', {
          place: node.position,
          ruleId: 'heading-empty',
        });
        parent.children.splice(index, 1);
        return index;
      }
      if (node.properties['id'] !== undefined) return undefined;
      const slug = slugger.slug(toString(node));
      node.properties['id'] = /^[\p{L}_]/u.test(slug) ? slug : `h-${slug}`;
      return undefined;
    });
  };
}
