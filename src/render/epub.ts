import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import epubGenMemory from 'epub-gen-memory';
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { Book } from '../book.ts';
import { authorsOf } from '../config/schema.ts';
import { subsetFontFiles } from '../fonts/subset.ts';
import { toXhtmlString } from '../pipeline/index.ts';
import { TEMPLATES_DIR, titleBlock } from './document.ts';

// epub-gen-memory is CommonJS: under Node's ESM loader its default export arrives as `.default`.
const generateEpub = epubGenMemory.default;

const EPUB_FONTS = [
  'NotoSerifDevanagari-Regular.ttf',
  'NotoSerifDevanagari-Bold.ttf',
  'NotoSerif-Regular.ttf',
  'NotoSerif-Bold.ttf',
  'NotoSerif-Italic.ttf',
];

/** Packs the book as EPUB 3 with the shipped fonts embedded, cut down to the book's characters. */
export async function renderEpub(book: Book): Promise<Uint8Array> {
  const { matter } = book;
  const css = await readFile(path.join(TEMPLATES_DIR, 'epub.css'), 'utf8');
  const titlePage = {
    title: matter.title,
    filename: 'title-page.xhtml',
    beforeToc: true,
    excludeFromToc: true,
    content: `<div class="title-block">${toXhtmlString(titleBlock(matter, 'epub'))}</div>`,
  };
  const chapters = book.chapters.map((chapter, index) => ({
    title: chapter.title,
    filename: `chapter-${String(index + 1).padStart(2, '0')}.xhtml`,
    content: toXhtmlString(withImageFiles(chapter.tree, book.images)),
  }));
  // Every string that reaches the EPUB decides which characters the embedded fonts keep.
  const fonts = await subsetFontFiles(EPUB_FONTS, JSON.stringify({ matter, titlePage, chapters }) + 'विषय-सूची');
  const buffer = await generateEpub(
    {
      title: matter.title,
      author: authorsOf(matter),
      ...(matter.publisher ? { publisher: matter.publisher } : {}),
      // An empty dc:description fails EPUBCheck (RSC-005).
      description: matter.description ?? matter.subtitle ?? matter.title,
      ...(matter.date ? { date: matter.date } : {}),
      lang: matter.lang,
      tocTitle: 'विषय-सूची',
      css,
      fonts,
      version: 3,
      verbose: false,
    },
    [titlePage, ...chapters],
  );
  return new Uint8Array(buffer);
}

/**
 * A copy of the tree whose images point at their checked files, the only ones
 * epub-gen-memory may read and pack (it would download any URL it is given).
 */
function withImageFiles(tree: Root, images: ReadonlyMap<string, string>): Root {
  const copy = structuredClone(tree);
  visit(copy, 'element', (node) => {
    if (node.tagName !== 'img') return;
    const file = images.get(decodeURIComponent(String(node.properties['src'])));
    if (!file) throw new Error(`image ${String(node.properties['src'])} was not checked`);
    node.properties['src'] = pathToFileURL(file).href;
  });
  return copy;
}
