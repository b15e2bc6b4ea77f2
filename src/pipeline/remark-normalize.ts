import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { reportWarning } from '../model/messages.ts';

/** क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़ as one code point each (U+0958–U+095F). */
const PRECOMPOSED_NUKTA = /[\u0958-\u095F]/gu;
/** The same letters typed as consonant + nukta (U+093C), which is what NFC makes of them. */
const DECOMPOSED_NUKTA = /[कखगजडढफय]\u093C/gu;

/**
 * Puts every text of the tree (and the front matter) in NFC, so search, comparison and
 * shaping see one spelling of each letter. The manuscript file is untouched and node
 * positions still point into it. A manuscript that types nukta letters both ways gets a
 * warning at each occurrence of the rarer form.
 */
export default function remarkNormalize() {
  return (tree: Root, file: VFile) => {
    warnMixedNukta(file);
    visit(tree, (node) => {
      if ('value' in node && typeof node.value === 'string') node.value = node.value.normalize('NFC');
      if ('alt' in node && typeof node.alt === 'string') node.alt = node.alt.normalize('NFC');
      if ('title' in node && typeof node.title === 'string') node.title = node.title.normalize('NFC');
    });
    if (file.data.matter) file.data.matter = normalizeStrings(file.data.matter);
  };
}

function warnMixedNukta(file: VFile): void {
  const text = String(file.value);
  const precomposed = [...text.matchAll(PRECOMPOSED_NUKTA)];
  const decomposed = [...text.matchAll(DECOMPOSED_NUKTA)];
  if (precomposed.length === 0 || decomposed.length === 0) return;
  const rarerIsPrecomposed = precomposed.length <= decomposed.length;
  const lines = location(file);
  for (const match of rarerIsPrecomposed ? precomposed : decomposed) {
    const letter = match[0];
    const codes = [...letter]
      .map((char) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
      .join(' + ');
    reportWarning(
      file,
      rarerIsPrecomposed
        ? `Unexpected precomposed nukta letter \`${letter}\` (${codes}) where the rest of the manuscript types letter + nukta, expected one form throughout (mudran prints both as letter + nukta)`
        : `Unexpected letter + nukta \`${letter}\` (${codes}) where the rest of the manuscript uses precomposed nukta letters, expected one form throughout (mudran prints both as letter + nukta)`,
      { place: lines.toPoint(match.index), ruleId: 'mixed-nukta' },
    );
  }
}

function normalizeStrings<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) return value.map((item: unknown) => normalizeStrings(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizeStrings(item)])) as T;
  }
  return value;
}
