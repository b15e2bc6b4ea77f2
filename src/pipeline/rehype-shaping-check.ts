import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { checkedWords, checkedWordsKey, saveCheckedWords } from '../fonts/check-cache.ts';
import { createWordChecker, type Finding, type WordChecker } from '../fonts/check-word.ts';
import type { FaceStyle, FontStacks } from '../fonts/stack.ts';
import { reportError, reportWarning } from '../model/messages.ts';
import { sourceOffsets } from './source-offsets.ts';

export interface ShapingCheckOptions {
  /** The font stacks of templates/fonts.css, opened once outside the pipeline. */
  fonts: FontStacks;
}

/** Front-matter fields that are printed, and the style they are printed in. */
const PRINTED_FIELDS: readonly (readonly [
  field: 'title' | 'subtitle' | 'author' | 'publisher' | 'source',
  FaceStyle,
])[] = [
  ['title', 'bold'],
  ['subtitle', 'regular'],
  ['author', 'regular'],
  ['publisher', 'regular'],
  ['source', 'regular'],
];

/** Elements the stylesheets (or the browser's defaults) set bold or italic. */
const BOLD = new Set(['b', 'strong', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const ITALIC = new Set(['i', 'em', 'cite', 'dfn', 'var']);
/** Elements the print sets in the monospace face first (fonts/faces.ts). */
const CODE = new Set(['code', 'pre', 'kbd', 'samp']);

/** A word: text between white space, where a no-break space joins (it is a mark's base in grammars). */
const WORD = /(?:\S|\u00A0)+/gu;
/** The longest word shaped: a long web address fits, 100,000 letters without a space took 9 s. */
const MAX_WORD = 2_000;
/** A word that is only marks, perhaps with punctuation around them: `ि,` in a list of vowel signs. */
const LONE_MARK = /^[^\p{L}\p{M}\p{N}]*\p{M}+[^\p{L}\p{M}\p{N}]*$/u;

/**
 * Checks every word of the text against the faces that will print it (bold in headings and
 * `strong`, italic in `em`) and for the language it is set in (the book's `lang`, or an
 * element's): broken Devanagari sequences, characters no font draws, marks the shaper can
 * only put on a dotted circle, and words that fontkit and HarfBuzz shape differently. Each
 * finding is a message at its line and column in the manuscript; a warning is given once per
 * distinct word and rule. Runs before typography changes the text, so every character still
 * has its place in the file.
 */
export default function rehypeShapingCheck(options: ShapingCheckOptions) {
  const { fonts } = options;
  return async (tree: Root, file: VFile) => {
    // Words any earlier manuscript or run checked with these fonts are not shaped again.
    const known = await checkedWords();
    const checkers = new Map<string, WordChecker>();
    const checkerFor = (style: FaceStyle, language: string): WordChecker => {
      const key = checkedWordsKey(style, language);
      let checker = checkers.get(key);
      if (!checker) {
        const cache = known.get(key) ?? new Map<string, readonly Finding[]>();
        known.set(key, cache);
        checker = createWordChecker(fonts[style], cache, language);
        checkers.set(key, checker);
      }
      return checker;
    };
    const manuscript = String(file.value);
    const lines = location(file);
    const warned = new Set<string>();

    /** Reports the findings in `text`, which starts at `start` in the manuscript (ending at `end`). */
    const checkText = (text: string, start: number, end: number, checkWord: WordChecker) => {
      let offsetOf: ((index: number) => number) | undefined;
      const words = [...text.matchAll(WORD)].map((match) => ({ text: match[0], index: match.index }));
      for (const [n, word] of words.entries()) {
        if (word.text.length > MAX_WORD) {
          // Shaping grows faster than a word's length; no real word is this long.
          offsetOf ??= sourceOffsets(text, manuscript.slice(start, end));
          reportError(
            file,
            `Unexpected word of ${word.text.length} characters, expected words of at most ${MAX_WORD}: is a space missing?`,
            { place: lines.toPoint(start + offsetOf(word.index)), ruleId: 'input-word-length' },
          );
          continue;
        }
        const notation = isNotation(word.text, words[n - 1]?.text, words[n + 1]?.text);
        // Chromium draws a lone mark on a dotted circle, which is what a list of signs means.
        const base = notation ? word.text.search(/\p{M}/u) : -1;
        const checked = notation ? `${word.text.slice(0, base)}\u25CC${word.text.slice(base)}` : word.text;
        for (const finding of checkWord(checked)) {
          if (!finding.fatal) {
            const once = `${finding.ruleId}\u0000${word.text}`;
            if (warned.has(once)) continue;
            warned.add(once);
          }
          offsetOf ??= sourceOffsets(text, manuscript.slice(start, end));
          const index = notation && finding.index > base ? finding.index - 1 : finding.index;
          const place = lines.toPoint(start + offsetOf(word.index + index));
          const report = finding.fatal ? reportError : reportWarning;
          report(file, finding.reason, { place, ruleId: finding.ruleId });
        }
      }
    };

    // Printed front-matter values, at the place the front matter recorded for each; a value
    // YAML folded or escaped is reported at its field's name, one from the config's defaults
    // at the manuscript's start.
    const matter = file.data.matter;
    const bookLanguage = matter?.lang ?? 'hi';
    for (const [field, style] of matter ? PRINTED_FIELDS : []) {
      const value = matter?.[field];
      const place = file.data.matterPlaces?.get(field);
      (typeof value === 'string' ? [value] : (value ?? [])).forEach((text, item) => {
        const [from, to] = place?.values[item] ?? [0, 0];
        const written = manuscript.slice(from, to).indexOf(text);
        const keyAt = place?.key ?? 0;
        const [start, end] = written >= 0 ? [from + written, from + written + text.length] : [keyAt, keyAt];
        checkText(text, start, end, checkerFor(style, bookLanguage));
      });
    }

    const walk = (parent: Root | Element, bold: boolean, italic: boolean, code: boolean, language: string) => {
      for (const child of parent.children) {
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        // Text without a place was made by the pipeline (footnote marks), not written by the author.
        if (child.type === 'text' && start !== undefined && end !== undefined) {
          const style = code ? 'code' : bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';
          checkText(child.value, start, end, checkerFor(style, language));
        } else if (child.type === 'element') {
          const lang = child.properties.lang;
          walk(
            child,
            bold || BOLD.has(child.tagName),
            italic || ITALIC.has(child.tagName),
            code || CODE.has(child.tagName),
            typeof lang === 'string' && lang !== '' ? lang : language,
          );
        }
      }
    };
    walk(tree, false, false, false, bookLanguage);
    await saveCheckedWords();
  };
}

/** A lone mark written as notation: with punctuation (`ि,`), or beside another lone mark. */
function isNotation(word: string, before: string | undefined, after: string | undefined): boolean {
  if (!LONE_MARK.test(word)) return false;
  return /[^\p{M}]/u.test(word) || [before, after].some((other) => other !== undefined && LONE_MARK.test(other));
}
