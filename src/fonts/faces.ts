/**
 * The shipped faces (fonts/): the one list every other use is made from — the shaping check's
 * stacks, the EPUB's embedded subsets, the cover's faces. templates/fonts.css and epub.css
 * declare the same faces; tests/unit/faces.test.ts keeps them so.
 */
export interface Face {
  family: string;
  weight: 'normal' | 'bold';
  style: 'normal' | 'italic';
  /** A file name in fonts/. */
  file: string;
  /** The typeface's own name, as the imprint credits it. */
  typeface: string;
}

export const DEVANAGARI = 'Mudran Devanagari';
export const LATIN = 'Mudran Latin';

export const FACES: readonly Face[] = [
  {
    family: DEVANAGARI,
    weight: 'normal',
    style: 'normal',
    file: 'NotoSerifDevanagari-Regular.ttf',
    typeface: 'Noto Serif Devanagari',
  },
  {
    family: DEVANAGARI,
    weight: 'bold',
    style: 'normal',
    file: 'NotoSerifDevanagari-Bold.ttf',
    typeface: 'Noto Serif Devanagari',
  },
  { family: LATIN, weight: 'normal', style: 'normal', file: 'NotoSerif-Regular.ttf', typeface: 'Noto Serif' },
  { family: LATIN, weight: 'bold', style: 'normal', file: 'NotoSerif-Bold.ttf', typeface: 'Noto Serif' },
  { family: LATIN, weight: 'normal', style: 'italic', file: 'NotoSerif-Italic.ttf', typeface: 'Noto Serif' },
];

/**
 * Code (`code`, `pre`, `kbd`, `samp`) prints in a monospace face first, then the book's faces
 * for what it lacks, Devanagari above all: the system's monospace face has none, and Hindi in
 * code printed as boxes. The EPUB keeps the book's faces for code (a reading system takes the
 * first family that has a face, not the first that has the glyph).
 */
export const MONO = 'Mudran Mono';
export const CODE_FACE: Face = {
  family: MONO,
  weight: 'normal',
  style: 'normal',
  file: 'NotoSansMono-Regular.ttf',
  typeface: 'Noto Sans Mono',
};

/** The families in CSS order: Devanagari first, the Latin companion for what it lacks. */
export const FAMILIES = [DEVANAGARI, LATIN] as const;

/**
 * The face a browser draws `family` with for a weight and style: the exact face, else (as
 * Chromium does) the one of the same weight, upright, slanted or emboldened by the browser.
 */
export function faceFor(family: string, weight: Face['weight'], style: Face['style']): Face {
  const ofFamily = FACES.filter((face) => face.family === family);
  const found =
    ofFamily.find((face) => face.weight === weight && face.style === style) ??
    ofFamily.find((face) => face.weight === weight) ??
    ofFamily[0];
  if (!found) throw new Error(`no face of ${family}`);
  return found;
}
