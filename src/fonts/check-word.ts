import path from 'node:path';
import { CODE_FACE, FACES } from './faces.ts';
import { findBrokenSequences, type Finding } from './sequences.ts';
import {
  DOTTED_CIRCLE,
  sameShaping,
  shapeWithFontkit,
  shapeWithHarfBuzz,
  splitByFont,
  type ShapedGlyph,
} from './shape.ts';
import type { StackFont } from './stack.ts';

export type { Finding } from './sequences.ts';

/** Checks one word (text without spaces); the same word always gives the same findings. */
export type WordChecker = (word: string) => readonly Finding[];

/**
 * A word checker over a font stack that shapes each distinct word once, so a book-length
 * manuscript costs about as much as its vocabulary. `cache` may come filled (check-cache.ts)
 * and receives every word checked.
 */
export function createWordChecker(
  fonts: readonly StackFont[],
  cache = new Map<string, readonly Finding[]>(),
  language?: string,
): WordChecker {
  return (word) => {
    let findings = cache.get(word);
    if (!findings) {
      findings = checkWord(word, fonts, language);
      cache.set(word, findings);
    }
    return findings;
  };
}

/**
 * Sequence rules first; then each font run is shaped with fontkit and HarfBuzz for the text's
 * language (BCP 47; the fonts' `locl` forms differ for Marathi and Nepali). A dotted circle
 * only says "broken" where no sequence rule already said exactly what is wrong.
 */
export function checkWord(word: string, fonts: readonly StackFont[], language?: string): Finding[] {
  const findings = findBrokenSequences(word);
  for (const run of splitByFont(word, fonts)) {
    if (!run.font) {
      for (const finding of missingGlyphs(run.text, run.start, fonts)) findings.push(finding);
      continue;
    }
    const harfbuzzGlyphs = shapeWithHarfBuzz(run.font, run.text, language);
    const fontkitGlyphs = tryFontkit(run.font, run.text, language);
    const circleId = run.font.harfbuzz.nominalGlyph(DOTTED_CIRCLE);
    const circle =
      insertedDottedCircle(run.text, harfbuzzGlyphs, circleId) ??
      (Array.isArray(fontkitGlyphs) ? insertedDottedCircle(run.text, fontkitGlyphs, circleId) : undefined);
    if (circle !== undefined && findings.length === 0) {
      findings.push({
        // HarfBuzz gives the whole broken cluster one place; point at its first mark.
        index: run.start + circle + Math.max(run.text.slice(circle).search(/\p{M}/u), 0),
        ruleId: 'broken-cluster',
        reason: `Unexpected mark with nothing to sit on in \`${run.text}\` (the shaper draws a dotted circle), expected every vowel sign, virama or nukta right after its letter`,
        fatal: true,
      });
    }
    if (!Array.isArray(fontkitGlyphs) || !sameShaping(fontkitGlyphs, harfbuzzGlyphs)) {
      const fontkitSays = Array.isArray(fontkitGlyphs)
        ? `fontkit gives ${describe(fontkitGlyphs, harfbuzzGlyphs)}`
        : `fontkit fails (${fontkitGlyphs.message})`;
      findings.push({
        index: run.start,
        ruleId: 'shaping-mismatch',
        reason: `Unexpected shaping difference in \`${run.text}\`: ${fontkitSays}, HarfBuzz gives ${describe(harfbuzzGlyphs, Array.isArray(fontkitGlyphs) ? fontkitGlyphs : undefined)}; expected both to agree: the PDF shows HarfBuzz’s, look at this word in print`,
        fatal: false,
      });
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

/** fontkit 2.0.4 throws on some mark sequences (null anchors, foliojs/fontkit#367): that is a finding too. */
function tryFontkit(font: StackFont, text: string, language: string | undefined): ShapedGlyph[] | Error {
  try {
    return shapeWithFontkit(font, text, language);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The typefaces of a stack, as the messages name them: "Noto Sans Mono, Noto Serif Devanagari, Noto Serif". */
function typefaces(fonts: readonly StackFont[]): string {
  const named = [...FACES, CODE_FACE];
  return [
    ...new Set(
      fonts.map(
        (font) => named.find((face) => face.file === path.basename(font.file))?.typeface ?? path.basename(font.file),
      ),
    ),
  ].join(', ');
}

function missingGlyphs(text: string, start: number, fonts: readonly StackFont[]): Finding[] {
  const findings: Finding[] = [];
  const names = typefaces(fonts);
  let index = start;
  for (const char of text) {
    const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    findings.push({
      index,
      ruleId: 'missing-glyph',
      reason: `Unexpected character \`${char}\` (U+${code}) that no font of the book draws, expected a character the fonts cover (${names})`,
      fatal: true,
    });
    index += char.length;
  }
  return findings;
}

/** Where a shaper put a dotted circle the text does not have, as a UTF-16 index into the text. */
function insertedDottedCircle(
  text: string,
  glyphs: readonly ShapedGlyph[],
  circleId: number | undefined,
): number | undefined {
  if (circleId === undefined) return undefined;
  const glyph = glyphs.find(
    (candidate) => candidate.id === circleId && text.codePointAt(candidate.cluster) !== DOTTED_CIRCLE,
  );
  return glyph?.cluster;
}

/** Glyph names, with their advance (and offset, if any) when the names alone don't differ. */
function describe(glyphs: readonly ShapedGlyph[], other: readonly ShapedGlyph[] | undefined): string {
  const sameNames = other !== undefined && names(glyphs) === names(other);
  return glyphs
    .map(({ name, xAdvance, xOffset, yOffset }) => {
      if (!sameNames) return name;
      const offset = xOffset !== 0 || yOffset !== 0 ? ` offset ${xOffset},${yOffset}` : '';
      return `${name} (advance ${xAdvance}${offset})`;
    })
    .join(' ');
}

function names(glyphs: readonly ShapedGlyph[]): string {
  return glyphs.map((glyph) => glyph.name).join(' ');
}
