import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { checkedWords, saveCheckedWords } from '../fonts/check-cache.ts';
import { createWordChecker, type WordChecker } from '../fonts/check-word.ts';
import type { FaceStyle, FontStacks } from '../fonts/stack.ts';
import { reportError, reportWarning } from './messages.ts';
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

/**
 * Checks every word of the text against the faces that will print it (bold in headings and
 * `strong`, italic in `em`): broken Devanagari sequences, characters no font draws, marks
 * the shaper can only put on a dotted circle, and words that fontkit and HarfBuzz shape
 * differently. Each finding is a message at its line and column in the manuscript. Runs
 * before typography changes the text, so every character still has its place in the file.
 */
export default function rehypeShapingCheck(options: ShapingCheckOptions) {
  const { fonts } = options;
  return async (tree: Root, file: VFile) => {
    // Words any earlier manuscript or run checked with these fonts are not shaped again.
    const known = await checkedWords();
    const checkers: Record<FaceStyle, WordChecker> = {
      regular: createWordChecker(fonts.regular, known.regular),
      bold: createWordChecker(fonts.bold, known.bold),
      italic: createWordChecker(fonts.italic, known.italic),
      boldItalic: createWordChecker(fonts.boldItalic, known.boldItalic),
    };
    const manuscript = String(file.value);
    const lines = location(file);

    /** Reports the findings in `text`, which starts at `start` in the manuscript (ending at `end`). */
    const checkText = (text: string, start: number, end: number, checkWord: WordChecker) => {
      let offsetOf: ((index: number) => number) | undefined;
      for (const word of text.matchAll(/\S+/g)) {
        for (const finding of checkWord(word[0])) {
          offsetOf ??= sourceOffsets(text, manuscript.slice(start, end));
          const place = lines.toPoint(start + offsetOf(word.index + finding.index));
          const report = finding.fatal ? reportError : reportWarning;
          report(file, finding.reason, { place, ruleId: finding.ruleId });
        }
      }
    };

    // Printed front-matter values, found where they are written; a value YAML folded or
    // escaped is reported at its field's name.
    const matter = file.data.matter;
    const frontMatterEnd = manuscript.indexOf('\n---', 3);
    for (const [field, style] of matter && frontMatterEnd > 0 ? PRINTED_FIELDS : []) {
      const value = matter?.[field];
      for (const text of typeof value === 'string' ? [value] : (value ?? [])) {
        const written = manuscript.slice(0, frontMatterEnd).indexOf(text);
        const keyAt = Math.max(manuscript.indexOf(`\n${field}:`) + 1, 0);
        const [start, end] = written >= 0 ? [written, written + text.length] : [keyAt, keyAt];
        checkText(text, start, end, checkers[style]);
      }
    }

    const walk = (parent: Root | Element, bold: boolean, italic: boolean) => {
      for (const child of parent.children) {
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        // Text without a place was made by the pipeline (footnote marks), not written by the author.
        if (child.type === 'text' && start !== undefined && end !== undefined) {
          checkText(
            child.value,
            start,
            end,
            checkers[bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular'],
          );
        } else if (child.type === 'element') {
          walk(child, bold || BOLD.has(child.tagName), italic || ITALIC.has(child.tagName));
        }
      }
    };
    walk(tree, false, false);
    await saveCheckedWords();
  };
}
