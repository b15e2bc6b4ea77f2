import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvironmentError } from '../manuscript.ts';
import { FONTS_DIR } from './stack.ts';

export interface SubsetFont {
  filename: string;
  bytes: Uint8Array;
  /** Size of the shipped font it was cut from. */
  fullBytes: number;
}

/**
 * HarfBuzz's hb-subset (npm subset-font) keeps GSUB/GPOS/GDEF and every glyph the layout
 * can reach from the kept characters, so conjuncts still form. Glyph names stay so the
 * subset can be checked against the full font. `noLayoutClosure` would break conjuncts.
 */
const OPTIONS = { targetFormat: 'truetype', glyphNames: true } as const;

/** The characters of `text`, plus the dotted circle the shaper draws for an orphan mark. */
export function subsetCharacters(text: string): string {
  return [...new Set(`${text.normalize('NFC')}\u25CC`)].sort().join('');
}

/** Cuts each shipped font (a file name in fonts/) down to the characters of `text`. */
export async function subsetFonts(filenames: readonly string[], text: string): Promise<SubsetFont[]> {
  const characters = subsetCharacters(text);
  // Loaded here, not at start-up: it compiles HarfBuzz's WebAssembly.
  const { default: subsetFont } = await import('subset-font');
  return Promise.all(
    filenames.map(async (filename) => {
      const full = await readFile(path.join(FONTS_DIR, filename)).catch((error: unknown) => {
        throw new EnvironmentError(`cannot read font ${filename}: ${(error as Error).message}`);
      });
      const bytes = await subsetFont(full, characters, OPTIONS);
      return { filename, bytes: new Uint8Array(bytes), fullBytes: full.length };
    }),
  );
}

/**
 * The subsets as `{ filename, url }` (file:// urls, which is how epub-gen-memory reads fonts).
 * Files are named by their content's hash in the system's temporary folder, so a rebuild
 * of the same book reuses them and two builds never write the same file differently.
 */
export async function subsetFontFiles(
  filenames: readonly string[],
  text: string,
): Promise<{ filename: string; url: string }[]> {
  const folder = path.join(os.tmpdir(), 'mudran-fonts');
  await mkdir(folder, { recursive: true });
  return Promise.all(
    (await subsetFonts(filenames, text)).map(async ({ filename, bytes }) => {
      const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const file = path.join(folder, `${hash}-${filename}`);
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, file);
      return { filename, url: pathToFileURL(file).href };
    }),
  );
}
