import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { toString } from 'hast-util-to-string';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapeWithHarfBuzz, splitByFont, type ShapedGlyph } from '../src/fonts/shape.ts';
import { FONTS_DIR } from '../src/model/paths.ts';
import { openFont, type StackFont } from '../src/fonts/stack.ts';
import { readManuscript } from '../src/input/manuscript.ts';
import { transformManuscript } from '../src/pipeline/index.ts';
import { EPUB_FONTS } from '../src/fonts/subset.ts';
import { ARTICLE, ROOT, mudran, tempDir } from './tools.ts';

const exec = promisify(execFile);

// The fonts inside the article's real EPUB, against the shipped ones they were cut from.
let fonts: string;
let words: string[];

beforeAll(async () => {
  const out = await tempDir();
  const run = await mudran(['build', ARTICLE, '--out', out, '--format', 'epub']);
  if (run.code !== 0) throw new Error(run.stderr);
  fonts = await tempDir();
  await exec('unzip', ['-q', '-j', path.join(out, 'russia-pakistan.epub'), 'OEBPS/fonts/*', '-d', fonts]);
  const tree = await transformManuscript(await readManuscript(ARTICLE, ROOT));
  words = [...new Set(toString(tree).split(/\s+/u).filter(Boolean))];
});

/** What a reader sees of a glyph: its name and where it goes. */
const drawn = (glyphs: ShapedGlyph[]) =>
  glyphs.map(({ name, xAdvance, xOffset, yOffset }) => `${name}@${xAdvance},${xOffset},${yOffset}`).join(' ');

describe('subset fonts in the EPUB', () => {
  it.each(EPUB_FONTS)('%s shapes every distinct word of the article as the full font does', async (filename) => {
    const full = await openFont(path.join(FONTS_DIR, filename));
    const subset = await openFont(path.join(fonts, filename));
    const differences: string[] = [];
    let shaped = 0;
    for (const word of words) {
      for (const run of splitByFont(word, [full])) {
        if (!run.font) continue;
        shaped++;
        const expected = drawn(shapeWithHarfBuzz(full, run.text));
        const actual = drawn(shapeWithHarfBuzz(subset, run.text));
        if (actual !== expected) differences.push(`${run.text}: ${actual} ≠ ${expected}`);
      }
    }
    expect(words.length).toBeGreaterThan(200);
    expect(shaped).toBeGreaterThan(0);
    expect(differences).toEqual([]);
  });

  it.each(EPUB_FONTS)('%s keeps its layout tables and the dotted circle, and shrinks', async (filename) => {
    const subset: StackFont = await openFont(path.join(fonts, filename));
    for (const table of ['GSUB', 'GPOS', 'GDEF']) {
      expect(subset.harfbuzz.face.referenceTable(table), table).toBeDefined();
    }
    expect(subset.fontkit.hasGlyphForCodePoint(0x25cc)).toBe(true);
    const [before, after] = await Promise.all([stat(path.join(FONTS_DIR, filename)), stat(path.join(fonts, filename))]);
    expect(after.size).toBeLessThan(before.size * 0.7);
  });
});
