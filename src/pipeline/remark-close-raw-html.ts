import type { Html, Parent, Root } from 'mdast';
import { visitParents } from 'unist-util-visit-parents';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { reportWarning } from './messages.ts';
import { bookSchema } from './rehype-sanitize-book.ts';

/**
 * Elements the sanitiser removes with their content, and those whose content the HTML parser
 * reads as text up to their end tag (`<title>`, `<textarea>`, `<xmp>`, `<iframe>`): opened and
 * not closed, they would take the rest of the manuscript with them.
 */
// `embed` is void: it never has content to swallow.
const SWALLOWING = new Set([...(bookSchema.strip ?? []).filter((name) => name !== 'embed'), 'plaintext']);
/** Elements whose content is text up to `</name`: no tag inside them counts. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[\s/][^>]*)?>/g;
/** Only SVG and MathML close themselves with `/>` (`<iframe/>` opens an iframe). */
const FOREIGN = new Set(['svg', 'math']);

/**
 * Removes the start tag of every element that would swallow the text after it and is not
 * closed where it opened (its raw HTML block, or for an inline tag its paragraph), with a
 * warning at the tag: the author's text after it then reaches every output. A closed element
 * is left to the sanitiser, which removes it with its content.
 */
export default function remarkCloseRawHtml() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    const lines = location(file);
    const reparse: Html[] = [];
    visitParents(tree, 'html', (node: Html, ancestors) => {
      const parent = ancestors.at(-1) as Parent | undefined;
      const inline = parent !== undefined && !FLOW.has(parent.type);
      const later = inline ? laterHtml(parent, node) : '';
      const open = unclosed(node.value).filter(
        (tag) => !(inline && new RegExp(`</${tag.name}[\\s/>]`, 'i').test(later)),
      );
      if (open.length === 0) return;
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
      if (parent?.type === 'root' && open[0]?.index === 0 && BLOCK_TO_END.has(open[0].name)) reparse.push(node);
    });
    for (const node of reparse) reparseAsMarkdown(tree, node, open0Length(node, source));
  };
}

/**
 * Markdown reads a block that starts `<script`, `<style` or `<textarea` up to its end tag or
 * the end of the file: with no end tag, the rest of the manuscript would be raw HTML.
 */
const BLOCK_TO_END = new Set(['script', 'style', 'textarea']);

/** How much of the source the removed start tag took (the node's value now lacks it). */
function open0Length(node: Html, source: string): number {
  const start = node.position?.start.offset ?? 0;
  return /^<[^>]*>/.exec(source.slice(start))?.[0].length ?? 0;
}

/** Parses the lines after the block's first one as Markdown again, in its place, with their positions. */
function reparseAsMarkdown(tree: Root, node: Html, removed: number): void {
  const newline = node.value.indexOf('\n');
  const start = node.position?.start;
  if (newline < 0 || start?.offset === undefined) return;
  const rest = node.value.slice(newline + 1);
  node.value = node.value.slice(0, newline);
  const parsed = unified().use(remarkParse).use(remarkGfm).parse(rest);
  const lineShift = start.line;
  const offsetShift = start.offset + removed + newline + 1;
  visit(parsed, (child) => {
    for (const point of [child.position?.start, child.position?.end]) {
      if (!point) continue;
      point.line += lineShift;
      if (point.offset !== undefined) point.offset += offsetShift;
    }
  });
  tree.children.splice(tree.children.indexOf(node) + 1, 0, ...parsed.children);
}

/** Parents whose children are blocks: raw HTML there is a block of its own. */
const FLOW = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

interface OpenTag {
  name: string;
  index: number;
  length: number;
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
        // Nothing inside counts as a tag up to `</name`.
        const end = new RegExp(`</${name}[\\s/>]`, 'ig');
        end.lastIndex = TAG.lastIndex;
        const closed = end.exec(html);
        // Unclosed, its start tag goes and what follows is markup again.
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
