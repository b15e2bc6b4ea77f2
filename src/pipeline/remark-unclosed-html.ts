import type { Html, Parent, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { visitParents } from 'unist-util-visit-parents';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { reportWarning } from '../model/messages.ts';
import { bookSchema } from './rehype-sanitize-book.ts';

/**
 * Elements that take the text after them when left open: those the sanitiser removes with
 * their content (`embed` aside: it is void), and `<plaintext>`, which nothing closes.
 */
const SWALLOWING = new Set([...(bookSchema.strip ?? []).filter((name) => name !== 'embed'), 'plaintext']);
/** Elements whose content the HTML parser reads as text up to `</name`: no tag inside them counts. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
/** Only SVG and MathML close themselves with `/>` (`<iframe/>` opens an iframe). */
const FOREIGN = new Set(['svg', 'math']);
/**
 * Markdown reads a block that starts `<script`, `<style` or `<textarea` up to its end tag or
 * the end of the file: with no end tag, the rest of the manuscript would be raw HTML.
 */
const BLOCK_TO_END = new Set(['script', 'style', 'textarea']);
/** Parents whose children are blocks: raw HTML there is a block of its own. */
const FLOW = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[\s/][^>]*)?>/g;

interface OpenTag {
  name: string;
  index: number;
  length: number;
}

/**
 * Removes the start tag of every element that would swallow the text after it and is not
 * closed where it opened (its raw HTML block, or for an inline tag its paragraph), with a
 * warning at the tag: the author's text after it then reaches every output. A closed element
 * is left to the sanitiser, which removes it with its content.
 */
export default function remarkUnclosedHtml() {
  return (tree: Root, file: VFile) => {
    dropUnclosed(tree, file, String(file.value), location(file));
  };
}

function dropUnclosed(tree: Root, file: VFile, source: string, lines: ReturnType<typeof location>): void {
  const reparse: { node: Html; removed: number }[] = [];
  visitParents(tree, 'html', (node: Html, ancestors) => {
    const parent = ancestors.at(-1) as Parent | undefined;
    const inline = parent !== undefined && !FLOW.has(parent.type);
    const later = inline ? laterHtml(parent, node) : '';
    const open = unclosed(node.value).filter((tag) => !(inline && new RegExp(`</${tag.name}[\\s/>]`, 'i').test(later)));
    const [first] = open;
    if (!first) return;
    const start = node.position?.start.offset;
    const exact = start !== undefined && source.startsWith(node.value, start);
    for (const tag of open) {
      reportWarning(
        file,
        `Unexpected \`<${tag.name}>\` that is never closed, expected \`</${tag.name}>\` after it; removed, the text after it kept`,
        { place: exact ? lines.toPoint(start + tag.index) : node.position, ruleId: 'html-unclosed' },
      );
    }
    let value = node.value;
    for (const tag of [...open].reverse()) value = value.slice(0, tag.index) + value.slice(tag.index + tag.length);
    node.value = value;
    if (parent?.type === 'root' && first.index === 0 && BLOCK_TO_END.has(first.name)) {
      reparse.push({ node, removed: first.length });
    }
  });
  for (const { node, removed } of reparse) {
    const parsed = reparseAsMarkdown(node, removed);
    // The lines read again are checked like the rest, then take the block's place.
    dropUnclosed(parsed, file, source, lines);
    tree.children.splice(tree.children.indexOf(node) + 1, 0, ...parsed.children);
  }
}

/**
 * The lines after the block's first one, parsed as Markdown again with their places in the
 * manuscript (the block starts a line at the root, so only lines and offsets shift).
 * The block keeps its first line.
 */
function reparseAsMarkdown(node: Html, removed: number): Root {
  const newline = node.value.indexOf('\n');
  const start = node.position?.start;
  if (newline < 0 || start?.offset === undefined) return { type: 'root', children: [] };
  const parsed = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .parse(node.value.slice(newline + 1));
  node.value = node.value.slice(0, newline);
  const offsetShift = start.offset + removed + newline + 1;
  visit(parsed, (child) => {
    for (const point of [child.position?.start, child.position?.end]) {
      if (!point) continue;
      point.line += start.line;
      if (point.offset !== undefined) point.offset += offsetShift;
    }
  });
  return parsed;
}

/** The start tags of swallowing elements that `html` leaves open, in order. */
function unclosed(html: string): OpenTag[] {
  const open: OpenTag[] = [];
  TAG.lastIndex = 0;
  for (let found = TAG.exec(html); found; found = TAG.exec(html)) {
    const [whole, closing, rawName = ''] = found;
    const name = rawName.toLowerCase();
    if (closing) {
      const at = open.map((tag) => tag.name).lastIndexOf(name);
      if (at >= 0) open.length = at;
    } else if (SWALLOWING.has(name) && !(whole.endsWith('/>') && FOREIGN.has(name))) {
      open.push({ name, index: found.index, length: whole.length });
      if (RAW_TEXT.has(name)) {
        // Nothing inside counts as a tag up to `</name`; unclosed, its start tag goes and what
        // follows is markup again.
        const end = new RegExp(`</${name}[\\s/>]`, 'ig');
        end.lastIndex = TAG.lastIndex;
        const closed = end.exec(html);
        if (closed) TAG.lastIndex = closed.index;
      }
    }
  }
  return open;
}

/** The raw HTML of the siblings after `node` in its parent. */
function laterHtml(parent: Parent, node: Html): string {
  const siblings = parent.children;
  return siblings
    .slice(siblings.indexOf(node) + 1)
    .map((sibling) => (sibling.type === 'html' ? sibling.value : ''))
    .join('');
}
