import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { decodeFragment } from '../model/book.ts';
import { reportWarning } from '../model/messages.ts';

/**
 * Every link in the book leads somewhere every output holds: a heading, note or element of the
 * book (`#id`), or an absolute `http:`, `https:` or `mailto:` address. A link to a file
 * (`chapter2.md`, `/uri`) has no file to reach in a PDF or an EPUB (an EPUB that points outside
 * itself is invalid), a `#fragment` nothing carries leads nowhere, and an address the URL
 * parser refuses is malformed: each is warned about at its line and printed as its text.
 * An absolute address that is no RFC 3986 URI as written is written in the URL parser's form.
 */
export default function rehypeLinks() {
  return (tree: Root, file: VFile) => {
    const ids = new Set<string>();
    visit(tree, 'element', (node) => {
      const id = node.properties['id'];
      if (typeof id === 'string') ids.add(id);
    });
    visit(tree, 'element', (node) => {
      const href = node.properties['href'];
      if (node.tagName !== 'a' || typeof href !== 'string') return;
      const target = linkTarget(href, ids);
      if ('href' in target) {
        node.properties['href'] = target.href;
        return;
      }
      delete node.properties['href'];
      reportWarning(file, `${target.problem}; printed as its text`, {
        place: node.position,
        ruleId: 'link-target',
      });
    });
  };
}

/** What an RFC 3986 URI may be written with. */
const URI_CHARACTERS = /^[\w\-.~:/?#[\]@!$&'()*+,;=%]*$/;

/** The `href` to write for a link, or what is wrong with it. */
function linkTarget(href: string, ids: ReadonlySet<string>): { href: string } | { problem: string } {
  if (href.startsWith('#')) {
    const id = decodeFragment(href.slice(1));
    return ids.has(id) || ids.has(href.slice(1))
      ? { href }
      : { problem: `Unexpected link to ${quote(`#${id}`)}, expected the id of a heading or note in the book` };
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) {
    return {
      problem: `Unexpected link to a file (${quote(href)}), expected \`#id\` or an absolute address: a book holds no other files`,
    };
  }
  // An address stays as written when it is a URI by RFC 3986 (what EPUBCheck holds it to);
  // otherwise the URL parser's form is written if that is one (`https://example.org/ä`).
  const written = URL.canParse(href) ? [href, new URL(href).href].find((form) => URI_CHARACTERS.test(form)) : undefined;
  return written === undefined ? { problem: `Unexpected malformed address ${quote(href)}` } : { href: written };
}

function quote(href: string): string {
  const short = href.length > 60 ? `${href.slice(0, 59)}…` : href;
  return `\`${short}\``;
}
