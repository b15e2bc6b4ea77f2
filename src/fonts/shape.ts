import type { StackFont } from './stack.ts';

export const DOTTED_CIRCLE = 0x25cc;

/** One glyph as a shaper placed it, in font units. */
export interface ShapedGlyph {
  id: number;
  name: string;
  xAdvance: number;
  xOffset: number;
  yOffset: number;
  /** UTF-16 index of the first character the glyph stands for. */
  cluster: number;
}

/** A stretch of text drawn by one font of the stack, or by none (`font` undefined). */
export interface FontRun {
  font: StackFont | undefined;
  start: number;
  text: string;
}

/** Marks, joiners and variation selectors belong to the cluster before them, so to its font. */
const CLUSTER_CONTINUATION = /^(?:\p{M}|\u200C|\u200D|[\uFE00-\uFE0F])$/u;

/**
 * Splits text into runs by the font that draws each character, as the CSS font stack does:
 * the first font with the character, keeping a cluster's marks with its base.
 */
export function splitByFont(text: string, fonts: readonly StackFont[]): FontRun[] {
  const runs: FontRun[] = [];
  let index = 0;
  for (const char of text) {
    const last = runs.at(-1);
    const font =
      last && CLUSTER_CONTINUATION.test(char)
        ? last.font
        : fonts.find((candidate) => candidate.fontkit.hasGlyphForCodePoint(char.codePointAt(0) ?? 0));
    if (last && last.font === font) last.text += char;
    else runs.push({ font, start: index, text: char });
    index += char.length;
  }
  return runs;
}

/**
 * fontkit's shaping (the check's own shaper), with the OpenType language system of `language`
 * (a BCP 47 tag) so that the font's `locl` forms apply as they do in Chromium.
 */
export function shapeWithFontkit(font: StackFont, text: string, language?: string): ShapedGlyph[] {
  const system = language === undefined ? undefined : openTypeLanguage(font, language);
  const run = font.fontkit.layout(text, [], undefined, system);
  // fontkit gives no clusters: a glyph points at where its first character first occurs.
  return run.glyphs.map((glyph, i) => {
    const position = run.positions[i];
    const first = glyph.codePoints[0];
    const at = first === undefined ? -1 : text.indexOf(String.fromCodePoint(first));
    return {
      id: glyph.id,
      name: glyph.name,
      xAdvance: position?.xAdvance ?? 0,
      xOffset: position?.xOffset ?? 0,
      yOffset: position?.yOffset ?? 0,
      cluster: Math.max(at, 0),
    };
  });
}

/** HarfBuzz's shaping: what Chrome prints, for the language Chrome is given (`lang`). */
export function shapeWithHarfBuzz(font: StackFont, text: string, language?: string): ShapedGlyph[] {
  const buffer = new font.harfbuzzModule.Buffer();
  buffer.addText(text);
  if (language !== undefined) buffer.setLanguage(language);
  // Clusters per character, not per grapheme: a dotted circle then points at its own mark.
  buffer.setClusterLevel(font.harfbuzzModule.ClusterLevel.MONOTONE_CHARACTERS);
  buffer.guessSegmentProperties();
  font.harfbuzzModule.shape(font.harfbuzz, buffer);
  const positions = buffer.getGlyphPositions();
  return buffer.getGlyphInfos().map((info, i) => {
    const position = positions[i];
    return {
      id: info.codepoint,
      name: font.harfbuzz.glyphName(info.codepoint),
      xAdvance: position?.xAdvance ?? 0,
      xOffset: position?.xOffset ?? 0,
      yOffset: position?.yOffset ?? 0,
      cluster: info.cluster,
    };
  });
}

/** A glyph's name without the suffix of an alternate form (`uni0951.alt1` → `uni0951`). */
export function baseGlyphName(name: string): string {
  return name.replace(/\.alt\d*$/u, '');
}

/**
 * Whether two shapings draw the same glyphs in the same places. An alternate form of a mark
 * counts as that mark wherever it sits: fontkit does not pick the font's alternate Vedic
 * accents, which print the same accent a little apart.
 */
export function sameShaping(a: readonly ShapedGlyph[], b: readonly ShapedGlyph[]): boolean {
  return (
    a.length === b.length &&
    a.every((glyph, i) => {
      const other = b[i];
      if (other === undefined || baseGlyphName(glyph.name) !== baseGlyphName(other.name)) return false;
      if (glyph.name !== other.name) return true;
      return glyph.xAdvance === other.xAdvance && glyph.xOffset === other.xOffset && glyph.yOffset === other.yOffset;
    })
  );
}

/** The OpenType language system of a BCP 47 tag (`mr` → `MAR `), as HarfBuzz maps it. */
function openTypeLanguage(font: StackFont, language: string): string | undefined {
  return font.harfbuzzModule.otTagsFromScriptAndLanguage('Deva', language).languageTags[0];
}
