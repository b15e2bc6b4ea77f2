import type { ImageSize } from '../input/image-size.ts';
import type { Element, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { FrontMatter } from './front-matter.ts';

/** A chapter: the content from one `#` heading to the next (or the whole text if it has none). */
export interface Chapter {
  /** The heading's id, or `text` for a book without `#` headings. */
  id: string;
  title: string;
  /** What the running heads print: the heading's `{short="…"}`, else its title. */
  short?: string;
  tree: Root;
}

/** A checked manuscript, ready for the renderers. */
export interface Book {
  /** Output base name: `manuscript/russia-pakistan.md` → `russia-pakistan`. */
  name: string;
  /** The manuscript; the build reports on it what the prints refused. */
  file: VFile;
  matter: FrontMatter;
  tree: Root;
  chapters: Chapter[];
  /** Each image's real file, by its path inside the manuscript's folder (`src`, decoded). */
  images: ReadonlyMap<string, string>;
  /** Each image's pixel size (and resolution, when its file gives one), by the same path. */
  imageSizes: ReadonlyMap<string, ImageSize>;
  /** The project's own CSS, after mudran's: for print, and for the EPUB. */
  styles?: { print?: string; epub?: string };
}

/** Splits the body at its `<h1>`s; text before the first one is a chapter of its own. */
export function splitChapters(tree: Root, bookTitle: string): Chapter[] {
  const chapters: Chapter[] = [];
  let current: Chapter | undefined;
  for (const node of tree.children) {
    if (isH1(node)) {
      current = {
        id: String(node.properties['id']),
        title: headingText(node),
        ...(typeof node.properties['dataShort'] === 'string' ? { short: node.properties['dataShort'] } : {}),
        tree: { type: 'root', children: [] },
      };
      chapters.push(current);
    } else if (!current) {
      if (node.type === 'text' && node.value.trim() === '') continue;
      current = { id: 'text', title: bookTitle, tree: { type: 'root', children: [] } };
      chapters.push(current);
    }
    current.tree.children.push(node);
  }
  return chapters;
}

function isH1(node: Root['children'][number]): node is Element {
  return node.type === 'element' && node.tagName === 'h1';
}

/** A heading's text, or the `alt` of the images it holds. */
export function headingText(heading: Element): string {
  const text = toString(heading).trim();
  if (text) return text;
  const alts: string[] = [];
  visit(heading, 'element', (node) => {
    const alt = node.tagName === 'img' ? node.properties['alt'] : undefined;
    if (typeof alt === 'string' && alt.trim()) alts.push(alt.trim());
  });
  return alts.join(' ');
}

/** What the book calls its notes and the link back from a note to its call. */
export const FOOTNOTE_LABELS = { notes: 'टिप्पणियाँ', back: 'पाठ पर लौटें' } as const;

/** The footnote items remark-rehype gathered at the end, by id, without their back links. */
export function footnoteItems(tree: Root): Map<string, Element> {
  const items = new Map<string, Element>();
  for (const node of tree.children) {
    if (!isFootnotes(node)) continue;
    // Back links (↩) lead nowhere on paper; the EPUB makes its own.
    visit(withoutBackLinks({ type: 'root', children: [node] }), 'element', (item) => {
      if (item.tagName === 'li' && item.properties['id']) items.set(String(item.properties['id']), item);
    });
  }
  return items;
}

export function isFootnotes(node: RootContent): node is Element {
  return node.type === 'element' && node.properties['dataFootnotes'] !== undefined;
}

/** The tree without footnote back links (↩): they lead nowhere on paper. Works on a copy. */
export function withoutBackLinks(tree: Root): Root {
  const copy = structuredClone(tree);
  visit(copy, 'element', (node, index, parent) => {
    if (node.properties['dataFootnoteBackref'] === undefined || !parent || index === undefined) return undefined;
    parent.children.splice(index, 1);
    return index;
  });
  return copy;
}

/** A `#fragment` as the id it names: remark-rehype writes footnote ids percent-encoded (`fn-%E0%A4…`). */
export function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
