import type { Element, ElementContent, Root } from 'hast';
import type { VFile } from 'vfile';

const LATIN_WORD = String.raw`\p{Script=Latin}[\p{Script=Latin}\p{M}]*`;
/** Spaces, digits and punctuation (but not a danda) between two Latin words stay in the run. */
const BETWEEN = String.raw`(?:(?![।॥])[\s\p{P}\p{N}])+`;
/** `Spread the love`, `don’t panic`, `e-mail`: one span each, not one per word. */
const LATIN_RUN = new RegExp(`${LATIN_WORD}(?:${BETWEEN}${LATIN_WORD})*`, 'gu');
/** Elements whose text is code or markup, not prose: no language runs. */
export const VERBATIM: ReadonlySet<string> = new Set(['code', 'pre', 'kbd', 'samp', 'script', 'style', 'math', 'svg']);

/**
 * Wraps runs of Latin letters in a book of another language with `<span lang="en">`, so
 * screen readers switch voice, and the stylesheets can pick the Latin face first.
 * Elements that already say their language are left alone. The book's language comes from
 * the front matter (`file.data.matter`, Hindi when absent).
 */
export default function rehypeLangRuns() {
  return (tree: Root, file: VFile) => {
    if (!/^en\b/i.test(file.data.matter?.lang ?? 'hi')) wrapLatinRuns(tree);
  };
}

function wrapLatinRuns(parent: Root | Element): void {
  const children: Root['children'] = [];
  for (const child of parent.children) {
    if (child.type === 'text') {
      for (const part of splitLatin(child.value)) children.push(part);
    } else {
      if (child.type === 'element' && !VERBATIM.has(child.tagName) && child.properties['lang'] === undefined) {
        wrapLatinRuns(child);
      }
      children.push(child);
    }
  }
  parent.children = children;
}

function splitLatin(text: string): ElementContent[] {
  const parts: ElementContent[] = [];
  let last = 0;
  for (const match of text.matchAll(LATIN_RUN)) {
    if (match.index > last) parts.push({ type: 'text', value: text.slice(last, match.index) });
    parts.push({
      type: 'element',
      tagName: 'span',
      properties: { lang: 'en' },
      children: [{ type: 'text', value: match[0] }],
    });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ type: 'text', value: text.slice(last) });
  return parts;
}
