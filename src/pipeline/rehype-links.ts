import type { Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { headingText } from '../model/book.ts';
import { reportWarning } from '../model/messages.ts';

/**
 * Every link in the book leads somewhere every output holds: a heading, note or element of the
 * book (`#id`), or an absolute `http:`, `https:` or `mailto:` address. A link to a file
 * (`chapter2.md`, `/uri`) has no file to reach in a PDF or an EPUB (an EPUB that points outside
 * itself is invalid), a `#fragment` nothing carries leads nowhere, and an address the URL
 * parser refuses is malformed: each is warned about at its line and printed as its text.
 * An absolute address that is no RFC 3986 URI as written is written in the URL parser's form.
 *
 * Headings with neither text nor an image's `alt` are removed with a warning: they would give
 * the contents an empty entry and an EPUB chapter an empty `<title>`.
 */
export default function rehypeLinks() {
  return (tree: Root, file: VFile) => {
    visit(tree, 'element', (node, index, parent) => {
      if (headingRank(node) === undefined || headingText(node) !== '' || !parent || index === undefined) return;
      reportWarning(file, 'Unexpected empty heading, expected its text; removed', {
        place: node.position,
        ruleId: 'heading-empty',
      });
      parent.children.splice(index, 1);
      return index;
    });

    const ids = new Set<string>();
    visit(tree, 'element', (node) => {
      const id = node.properties['id'];
      if (typeof id === 'string') ids.add(id);
    });
    visit(tree, 'element', (node) => {
      const href = node.properties['href'];
      if (node.tagName !== 'a' || typeof href !== 'string') return;
      const problem = linkProblem(href, ids);
      if (problem === undefined) {
        if (!href.startsWith('#') && !URI_CHARACTERS.test(href)) node.properties['href'] = new URL(href).href;
        return;
      }
      delete node.properties['href'];
      reportWarning(file, `${problem}; printed as its text`, {
        place: node.position,
        ruleId: 'link-target',
      });
    });
  };
}

/** What an RFC 3986 URI may be written with. */
const URI_CHARACTERS = /^[\w\-.~:/?#[\]@!$&'()*+,;=%]*$/;

function linkProblem(href: string, ids: ReadonlySet<string>): string | undefined {
  const shown = quote(href);
  if (href.startsWith('#')) {
    const id = decodeFragment(href.slice(1));
    return ids.has(id) || ids.has(href.slice(1))
      ? undefined
      : `Unexpected link to ${quote(`#${id}`)}, expected the id of a heading or note in the book`;
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) {
    return `Unexpected link to a file (${shown}), expected \`#id\` or an absolute address: a book holds no other files`;
  }
  // An address stays as written when it is a URI by RFC 3986 (what EPUBCheck holds it to);
  // otherwise the URL parser's form is written if that is one (`https://example.org/ä`).
  if (URL.canParse(href) && URI_CHARACTERS.test(href)) return undefined;
  if (!URL.canParse(href) || !URI_CHARACTERS.test(new URL(href).href)) return `Unexpected malformed address ${shown}`;
  return undefined;
}

function quote(href: string): string {
  const short = href.length > 60 ? `${href.slice(0, 59)}…` : href;
  return `\`${short}\``;
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
