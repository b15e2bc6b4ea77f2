import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Fontkit from 'fontkit';
import type * as HarfBuzz from 'harfbuzzjs';
import { EnvironmentError } from '../manuscript.ts';

export const FONTS_DIR = path.resolve(import.meta.dirname, '../../fonts');

/** One face of the stack, opened once for both shapers. */
export interface StackFont {
  /** The CSS family it stands for in templates/fonts.css. */
  family: string;
  file: string;
  fontkit: Fontkit.Font;
  harfbuzz: HarfBuzz.Font;
  /** The HarfBuzz module the font belongs to (its buffers and `shape`). */
  harfbuzzModule: typeof HarfBuzz;
}

/**
 * The faces that draw body text, in CSS order (templates/fonts.css): Devanagari first,
 * then the Latin companion for what the Devanagari face lacks.
 */
export const BODY_STACK: readonly { family: string; file: string }[] = [
  { family: 'Mudran Devanagari', file: 'NotoSerifDevanagari-Regular.ttf' },
  { family: 'Mudran Latin', file: 'NotoSerif-Regular.ttf' },
];

/**
 * Opens a font for fontkit and HarfBuzz; a missing or broken file is not the manuscript's fault.
 * Both libraries load on first use (HarfBuzz compiles WebAssembly), so `--help` stays quick.
 */
export async function openFont(family: string, file: string): Promise<StackFont> {
  const [fontkit, harfbuzz] = await Promise.all([import('fontkit'), import('harfbuzzjs')]);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new EnvironmentError(`cannot read font ${file}: ${(error as Error).message}`);
  }
  const opened = fontkit.create(bytes);
  if (!('layout' in opened)) throw new EnvironmentError(`${file} is a font collection, expected one font`);
  const font = new harfbuzz.Font(new harfbuzz.Face(new harfbuzz.Blob(bytes)));
  return { family, file, fontkit: opened, harfbuzz: font, harfbuzzModule: harfbuzz };
}

let bodyStack: Promise<StackFont[]> | undefined;

/** The body font stack, loaded once per process. */
export function loadBodyStack(): Promise<StackFont[]> {
  bodyStack ??= Promise.all(BODY_STACK.map(({ family, file }) => openFont(family, path.join(FONTS_DIR, file))));
  return bodyStack;
}
