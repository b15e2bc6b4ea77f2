import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { createWordChecker } from '../fonts/check-word.ts';
import type { StackFont } from '../fonts/stack.ts';
import { reportError, reportWarning } from './messages.ts';
import { sourceOffsets } from './source-offsets.ts';

export interface ShapingCheckOptions {
  /** The body font stack in CSS order, opened once outside the pipeline. */
  fonts: readonly StackFont[];
}

/**
 * Checks every word of the text against the fonts that will print it: broken Devanagari
 * sequences, characters no font draws, marks the shaper can only put on a dotted circle,
 * and words that fontkit and HarfBuzz shape differently. Each finding is a message at its
 * line and column in the manuscript. Runs before typography changes the text, so every
 * character still has its place in the manuscript.
 */
export default function rehypeShapingCheck(options: ShapingCheckOptions) {
  const checkWord = createWordChecker(options.fonts);
  return (tree: Root, file: VFile) => {
    const manuscript = String(file.value);
    const lines = location(file);
    visit(tree, 'text', (node) => {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      // Text without a place was made by the pipeline (footnote marks), not written by the author.
      if (start === undefined || end === undefined) return;
      let offsetOf: ((index: number) => number) | undefined;
      for (const word of node.value.matchAll(/\S+/g)) {
        for (const finding of checkWord(word[0])) {
          offsetOf ??= sourceOffsets(node.value, manuscript.slice(start, end));
          const place = lines.toPoint(start + offsetOf(word.index + finding.index));
          const report = finding.fatal ? reportError : reportWarning;
          report(file, finding.reason, { place, ruleId: finding.ruleId });
        }
      }
    });
  };
}
