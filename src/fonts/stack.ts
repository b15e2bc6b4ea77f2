import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Fontkit from 'fontkit';
import type * as HarfBuzz from 'harfbuzzjs';
import { EnvironmentError } from '../model/errors.ts';
import { FONTS_DIR } from '../model/paths.ts';
import { CODE_FACE, DEVANAGARI, FAMILIES, faceFor, type Face } from './faces.ts';

/** One face of the stack, opened once for both shapers. */
export interface StackFont {
  file: string;
  fontkit: Fontkit.Font;
  harfbuzz: HarfBuzz.Font;
  /** The HarfBuzz module the font belongs to (its buffers and `shape`). */
  harfbuzzModule: typeof HarfBuzz;
}

/** How a run of text is set, as far as choosing a face goes. */
export type FaceStyle = 'regular' | 'bold' | 'italic' | 'boldItalic' | 'code';

/** For each style, the faces that draw it, in CSS order. */
export type FontStacks = Record<FaceStyle, readonly StackFont[]>;

/**
 * The faces of templates/fonts.css for each style, in CSS order (see faces.ts). Where a family
 * has no face for a style, Chromium takes the nearest one (the stylesheets forbid it to slant or
 * embolden), whose glyphs are what the check must see. Emphasis sets Devanagari in the bold
 * face and Latin in the true italic (print.css), so `italic` is that pair.
 */
export const FONT_STACKS: Record<FaceStyle, readonly { family: string; file: string }[]> = {
  regular: stack('normal', 'normal'),
  bold: stack('bold', 'normal'),
  italic: emphasis(),
  boldItalic: emphasis(),
  code: [{ family: CODE_FACE.family, file: CODE_FACE.file }, ...stack('normal', 'normal')],
};

function stack(weight: Face['weight'], style: Face['style']): { family: string; file: string }[] {
  return FAMILIES.map((family) => ({ family, file: faceFor(family, weight, style).file }));
}

function emphasis(): { family: string; file: string }[] {
  return FAMILIES.map((family) => ({
    family,
    file: (family === DEVANAGARI ? faceFor(family, 'bold', 'normal') : faceFor(family, 'normal', 'italic')).file,
  }));
}

/**
 * Opens a font for fontkit and HarfBuzz; a missing or broken file is not the manuscript's fault.
 * Both libraries load on first use (HarfBuzz compiles WebAssembly), so `--help` stays quick.
 */
export async function openFont(file: string): Promise<StackFont> {
  const [fontkit, harfbuzz] = await Promise.all([import('fontkit'), import('harfbuzzjs')]);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new EnvironmentError(`cannot read font ${file}: ${(error as Error).message}`);
  }
  const damaged = (why: string) =>
    new EnvironmentError(
      `the font ${file} is damaged or not a font (${why}): put back mudran's own copy (git checkout -- fonts/)`,
    );
  let opened: ReturnType<typeof fontkit.create>;
  try {
    opened = fontkit.create(bytes);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  if (!('layout' in opened)) throw new EnvironmentError(`${file} is a font collection, expected one font`);
  // A file cut short still parses: every table must lie inside it, and the letters the face is
  // for must shape to real glyphs.
  const tables = (opened as unknown as { directory?: { tables?: Record<string, { offset: number; length: number }> } })
    .directory?.tables;
  const outside = Object.entries(tables ?? {}).find(([, table]) => table.offset + table.length > bytes.length);
  if (!tables || outside)
    throw damaged(outside ? `its ${outside[0].trim()} table ends past the file's end` : 'no tables');
  try {
    if (!['क', 'A'].some((letter) => opened.layout(letter).glyphs.some((glyph) => glyph.id !== 0))) {
      throw new Error('it has neither Devanagari nor Latin letters');
    }
  } catch (error) {
    throw damaged((error as Error).message);
  }
  const font = new harfbuzz.Font(new harfbuzz.Face(new harfbuzz.Blob(bytes)));
  return { file, fontkit: opened, harfbuzz: font, harfbuzzModule: harfbuzz };
}

let fontStacks: Promise<FontStacks> | undefined;

/** Every stack of templates/fonts.css, each font file opened once per process. */
export function loadFontStacks(): Promise<FontStacks> {
  fontStacks ??= (async () => {
    const files = [...new Set(Object.values(FONT_STACKS).flatMap((stack) => stack.map(({ file }) => file)))];
    const opened = new Map(
      await Promise.all(files.map(async (file) => [file, await openFont(path.join(FONTS_DIR, file))] as const)),
    );
    const stackOf = (style: FaceStyle) =>
      FONT_STACKS[style].map(({ file }) => opened.get(file)).filter((font) => font !== undefined);
    return {
      regular: stackOf('regular'),
      bold: stackOf('bold'),
      italic: stackOf('italic'),
      boldItalic: stackOf('boldItalic'),
      code: stackOf('code'),
    };
  })();
  return fontStacks;
}
