import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import * as fontkit from 'fontkit';
import * as mupdf from 'mupdf';
import { VFile } from 'vfile';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformManuscript } from '../src/pipeline/index.ts';
import { readEpub } from './epub-tools.ts';
import { ARTICLE, ROOT, mudran, tempDir } from './tools.ts';

// A real reading system: MuPDF (the engine of SumatraPDF, zathura and MuPDF's own readers) lays
// the EPUB out in pages with its own CSS engine and HarfBuzz, and gives back every character
// with the font it was drawn in (issue 15: a reading-system test).
const MULTI = path.join(ROOT, 'tests/fixtures/epub/multi-chapter/input.md');

/** The faces an EPUB embeds, by their full name (as MuPDF names the font it drew with). */
async function embeddedFonts(bytes: Uint8Array): Promise<Map<string, fontkit.Font>> {
  const epub = await readEpub(bytes);
  const fonts = new Map<string, fontkit.Font>();
  for (const name of epub.names.filter((entry) => entry.endsWith('.ttf'))) {
    const font = fontkit.create(Buffer.from(await epub.zip.file(name)!.async('uint8array'))) as fontkit.Font;
    fonts.set(font.fullName, font);
  }
  return fonts;
}

interface RenderedPage {
  /** The page's characters without white space (MuPDF puts a space before a reordered ि). */
  text: string;
  /** Each font that drew something, with what it drew. */
  fonts: Map<string, string>;
}

function renderEpub(bytes: Uint8Array): RenderedPage[] {
  const document = mupdf.Document.openDocument(bytes, 'application/epub+zip');
  const pages: RenderedPage[] = [];
  for (let index = 0; index < document.countPages(); index += 1) {
    const page: RenderedPage = { text: '', fonts: new Map() };
    document
      .loadPage(index)
      .toStructuredText('preserve-whitespace')
      .walk({
        onChar(character, _origin, font) {
          if (/\s/.test(character)) return;
          page.text += character;
          const name = font.getName().replace(/^[A-Z]{6}\+/, '');
          page.fonts.set(name, (page.fonts.get(name) ?? '') + character);
        },
      });
    pages.push(page);
  }
  return pages;
}

const books: Record<'article' | 'multi', RenderedPage[]> = { article: [], multi: [] };
const fonts: Record<'article' | 'multi', Map<string, fontkit.Font>> = { article: new Map(), multi: new Map() };
let articleWords: string[];

beforeAll(async () => {
  const out = await tempDir();
  const run = await mudran(['build', ARTICLE, MULTI, '--out', out, '--format', 'epub']);
  if (run.code !== 0) throw new Error(run.stderr);
  for (const [book, file] of [
    ['article', 'russia-pakistan.epub'],
    ['multi', 'input.epub'],
  ] as const) {
    const bytes = await readFile(path.join(out, file));
    books[book] = renderEpub(bytes);
    fonts[book] = await embeddedFonts(bytes);
  }
  const file = new VFile({ path: ARTICLE, value: await readFile(ARTICLE, 'utf8') });
  articleWords = toString(await transformManuscript(file))
    .split(/\s+/)
    .filter(Boolean);
}, 600_000);

/** A chapter's pages: each spine item begins a page, and a chapter's begins with its heading. */
function chapterText(pages: RenderedPage[], heading: string, next: string | undefined): string {
  const startsWith = (title: string) => pages.findIndex((page) => page.text.startsWith(title.replace(/\s/g, '')));
  const start = startsWith(heading);
  expect(start, heading).toBeGreaterThan(0);
  return pages
    .slice(start, next ? startsWith(next) : undefined)
    .map((page) => page.text)
    .join('');
}

describe('the EPUB in MuPDF', () => {
  it.each(['article', 'multi'] as const)('shows no navigation list as a page (%s)', (book) => {
    const pages = books[book];
    expect(pages.length).toBeGreaterThan(3);
    for (const [index, page] of pages.entries()) {
      expect(page.text, `page ${index + 1}`).not.toMatch(/मार्गदर्शिका|पृष्ठ-सूची|आवरणमुखपृष्ठ/);
    }
    // The contents appear once, as the book's own page.
    expect(pages.filter((page) => page.text.startsWith('विषय-सूची'))).toHaveLength(1);
  });

  it('shows each note in the chapter that calls it', () => {
    const pages = books.multi;
    const first = chapterText(pages, 'पहला अध्याय', 'दूसरा अध्याय');
    const second = chapterText(pages, 'दूसरा अध्याय', 'तीसरा अध्याय');
    const third = chapterText(pages, 'तीसरा अध्याय', undefined);
    const note = 'टिप्पणी का पाठ, जो पुस्तक के अंत में आता है।'.replace(/\s/g, '');
    const distanceNote = 'दिल्ली से, सड़क के रास्ते।'.replace(/\s/g, '');
    expect(first).toContain(note);
    expect(first).not.toContain(distanceNote);
    expect(second).toContain(note);
    expect(second).toContain(distanceNote);
    expect(third).toContain('अंतिमअध्यायकापाठ');
    expect(third).not.toContain(note);
    expect(third).not.toContain(distanceNote);
  });

  it('shows every word of the manuscript', () => {
    const text = books.article.map((page) => page.text).join('');
    expect(articleWords.length).toBeGreaterThan(500);
    expect(articleWords.filter((word) => !text.includes(word))).toEqual([]);
  });

  it.each(['article', 'multi'] as const)(
    'draws every character in the embedded fonts, mudran’s own text included (%s)',
    (book) => {
      const outside = new Map<string, string>();
      const embedded = fonts[book];
      expect([...embedded.keys()].sort()).toEqual([
        'Noto Serif Bold',
        'Noto Serif Devanagari Bold',
        'Noto Serif Devanagari Regular',
        'Noto Serif Italic',
        'Noto Serif Regular',
      ]);
      for (const page of books[book]) {
        for (const [name, characters] of page.fonts) {
          const font = embedded.get(name);
          // MuPDF draws list bullets itself, in its Symbol font: not text of the book.
          const drawn = [...(name === 'Symbol' ? characters.replaceAll('•', '') : characters)].filter(
            // A face the EPUB embeds draws only what it has a glyph for: the rest is a blank.
            (character) => !font?.hasGlyphForCodePoint(character.codePointAt(0) ?? 0),
          );
          if (drawn.length) outside.set(name, (outside.get(name) ?? '') + drawn.join(''));
        }
      }
      expect(Object.fromEntries(outside)).toEqual({});
    },
  );
});
