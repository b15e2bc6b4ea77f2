import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvironmentError } from '../errors.ts';
import { FONTS_DIR } from './stack.ts';

/**
 * HarfBuzz's hb-subset (npm subset-font) keeps GSUB/GPOS/GDEF and every glyph the layout
 * can reach from the kept characters, so conjuncts still form. Glyph names stay so the
 * subset can be checked against the full font. `noLayoutClosure` would break conjuncts.
 */
const OPTIONS = { targetFormat: 'truetype', glyphNames: true } as const;


/** The shipped fonts the EPUB embeds, as subsets. */
export const EPUB_FONTS = [
  'NotoSerifDevanagari-Regular.ttf',
  'NotoSerifDevanagari-Bold.ttf',
  'NotoSerif-Regular.ttf',
  'NotoSerif-Bold.ttf',
  'NotoSerif-Italic.ttf',
];

/** The characters of `text`, plus the dotted circle the shaper draws for an orphan mark. */
export function subsetCharacters(text: string): string {
  return [...new Set(`${text.normalize('NFC')}\u25CC`)].sort().join('');
}

/**
 * Cuts each shipped font (a file name in fonts/) down to the characters of `text` and gives
 * them as `{ filename, url }` with file:// urls, which is how epub-gen-memory reads fonts.
 */
export async function subsetFontFiles(
  filenames: readonly string[],
  text: string,
): Promise<{ filename: string; url: string }[]> {
  const characters = subsetCharacters(text);
  // Subsets are kept, named by what they were cut from, so a rebuild reuses them.
  const folder = path.join(os.tmpdir(), 'mudran-fonts');
  await mkdir(folder, { recursive: true });
  return Promise.all(
    filenames.map(async (filename) => {
      const full = await readFile(path.join(FONTS_DIR, filename)).catch((error: unknown) => {
        throw new EnvironmentError(`cannot read font ${filename}: ${(error as Error).message}`);
      });
      const key = createHash('sha256').update(full).update(JSON.stringify(OPTIONS)).update(characters).digest('hex').slice(0, 20);
      const file = path.join(folder, `${key}-${filename}`);
      if (!(await access(file).then(() => true, () => false))) {
        // Loaded here, not at start-up: it compiles HarfBuzz's WebAssembly.
        const { default: subsetFont } = await import('subset-font');
        // Unique, so two books of this run cutting the same subset never share a temporary file.
        const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(temporary, await subsetFont(full, characters, OPTIONS));
        await rename(temporary, file);
      }
      return { filename, url: pathToFileURL(file).href };
    }),
  );
}
