import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { keepCached, readCached } from '../build/cache.ts';
import { EnvironmentError } from '../model/errors.ts';
import { FONTS_DIR } from '../model/paths.ts';
import { FACES } from './faces.ts';

/**
 * HarfBuzz's hb-subset (npm subset-font) keeps GSUB/GPOS/GDEF and every glyph the layout
 * can reach from the kept characters, so conjuncts still form. Glyph names stay so the
 * subset can be checked against the full font. `noLayoutClosure` would break conjuncts.
 */
const OPTIONS = { targetFormat: 'truetype', glyphNames: true } as const;

/** The shipped fonts the EPUB embeds, as subsets. */
export const EPUB_FONTS = FACES.map((face) => face.file);

/** The characters of `text`, plus the dotted circle the shaper draws for an orphan mark. */
export function subsetCharacters(text: string): string {
  return [...new Set(`${text.normalize('NFC')}\u25CC`)].sort().join('');
}

/**
 * Cuts each shipped font (a file name in fonts/) down to the characters of `text` and gives
 * the subsets' bytes. Subsets are kept, named by what they were cut from, so a rebuild reuses
 * them.
 */
export async function subsetFonts(
  filenames: readonly string[],
  text: string,
): Promise<{ filename: string; data: Uint8Array }[]> {
  const characters = subsetCharacters(text);
  return Promise.all(
    filenames.map(async (filename) => {
      const full = await readFile(path.join(FONTS_DIR, filename)).catch((error: unknown) => {
        throw new EnvironmentError(`cannot read font ${filename}: ${(error as Error).message}`);
      });
      const key = createHash('sha256')
        .update(full)
        .update(JSON.stringify(OPTIONS))
        .update(characters)
        .digest('hex')
        .slice(0, 20);
      const name = `${key}-${filename}`;
      const kept = await readCached('fonts', name);
      if (kept) return { filename, data: kept };
      // Loaded here, not at start-up: it compiles HarfBuzz's WebAssembly.
      const { default: subsetFont } = await import('subset-font');
      const data = await subsetFont(full, characters, OPTIONS);
      await keepCached('fonts', name, data);
      return { filename, data };
    }),
  );
}
