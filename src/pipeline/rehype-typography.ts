import type { Element, Root } from 'hast';

/** Elements whose text is shown as typed. */
const VERBATIM = new Set(['code', 'pre', 'kbd', 'samp', 'script', 'style', 'math', 'svg']);
/** Elements that start and end a run of text: a quote never continues across them. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'section',
  'table',
  'td',
  'th',
  'tr',
  'ul',
]);
/** After these a quote opens; after anything else it closes. */
const OPENS_AFTER = /[\s([{“‘—–-]/u;

/**
 * Hindi typography on the HTML tree (the manuscript is never rewritten):
 * `"…"` → “…” and `'…'` → ‘…’ (an apostrophe inside an English word stays ’), `---` → —,
 * `--` → –, `।।` → ॥, and a no-break space before `।`/`॥` so a danda never starts a line.
 * Quotes look at the character before them, even across inline elements.
 */
export default function rehypeTypography() {
  return (tree: Root) => {
    const state = { previous: ' ' };
    setTypography(tree, state);
  };
}

function setTypography(parent: Root | Element, state: { previous: string }): void {
  for (const child of parent.children) {
    if (child.type === 'text') {
      child.value = typeset(child.value, state);
    } else if (child.type === 'element') {
      const block = BLOCKS.has(child.tagName);
      if (block) state.previous = ' ';
      if (VERBATIM.has(child.tagName)) state.previous = 'x';
      else setTypography(child, state);
      if (block) state.previous = ' ';
    }
  }
}

function typeset(text: string, state: { previous: string }): string {
  const dashed = text
    .replace(/---/g, '—')
    .replace(/--/g, '–')
    .replace(/।।/g, '॥')
    .replace(/\s+(?=[।॥])/g, '\u00A0');
  let out = '';
  for (const [index, char] of [...dashed].entries()) {
    const opens = OPENS_AFTER.test(state.previous);
    if (char === '"') out += opens ? '“' : '”';
    // An apostrophe for left-out digits ('90s) points the same way as a closing quote.
    else if (char === "'") out += opens && !/^'\d\ds\b/.test(dashed.slice(index)) ? '‘' : '’';
    else out += char;
    state.previous = char;
  }
  return out;
}
