import GithubSlugger from 'github-slugger';
import type { Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';

/**
 * Gives every heading an id made from its text, keeping Devanagari letters and marks
 * (`पाकिस्तान-के-नजदीक`), so links, the PDF outline and the EPUB contents can point at it.
 * An id that would not be a valid XML name (empty, or starting with a digit) gets a prefix.
 */
export default function rehypeHeadingIds() {
  return (tree: Root) => {
    const slugger = new GithubSlugger();
    visit(tree, 'element', (node) => {
      if (headingRank(node) === undefined || node.properties['id'] !== undefined) return;
      const slug = slugger.slug(toString(node));
      node.properties['id'] = /^[\p{L}_]/u.test(slug) ? slug : `h-${slug}`;
    });
  };
}
