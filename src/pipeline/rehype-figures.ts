import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { bookDigits } from '../model/digits.ts';

/** "Figure" in the book's language; English for a language not listed. */
const FIGURE_LABELS: Readonly<Record<string, string>> = {
  hi: 'चित्र',
  ne: 'चित्र',
  mai: 'चित्र',
  bho: 'चित्र',
  mr: 'आकृती',
  sa: 'चित्रम्',
  en: 'Figure',
};

export function figureLabel(lang: string): string {
  return FIGURE_LABELS[lang.split('-')[0]!.toLowerCase()] ?? 'Figure';
}

/** `{.bleed}` after an image, alone with it in its paragraph. */
const BLEED = /^\s*\{\s*\.bleed\s*\}\s*$/;

/**
 * An image alone in its paragraph becomes a numbered figure, `<figure id="figure-1">` with the
 * image and a caption "चित्र 1: …" from the image's title (else its `alt`), numbered in the
 * book's digits and labelled in its language; links reach it as `#figure-1`. An image inside a
 * line of text stays in the line. `![…](…){.bleed}` makes a full-bleed figure: in the book it
 * spans the page from edge to edge, and in the press file into the bleed.
 */
export default function rehypeFigures() {
  return (tree: Root, file: VFile) => {
    const matter = file.data.matter;
    const label = figureLabel(matter?.lang ?? 'hi');
    const taken = new Set<string>();
    visit(tree, 'element', (node) => {
      if (typeof node.properties['id'] === 'string') taken.add(node.properties['id']);
    });
    let number = 0;
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'p' || !parent || index === undefined) return;
      const content = node.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''));
      const image = content[0];
      // `![alt](photo.jpg){.bleed}`: the attribute Pandoc's readers know, for a full-bleed figure
      // (its Latin letters may be in a language run by now).
      const rest = content.slice(1);
      const bleed = rest.length > 0 && BLEED.test(rest.map((child) => toString(child)).join(''));
      if ((content.length !== 1 && !bleed) || image?.type !== 'element' || image.tagName !== 'img') return;
      number += 1;
      const caption = String(image.properties['title'] ?? image.properties['alt'] ?? '').trim();
      delete image.properties['title'];
      const id = taken.has(`figure-${number}`) ? undefined : `figure-${number}`;
      const heading = `${label} ${bookDigits(number, matter?.digits ?? 'international')}`;
      const figure: Element = h(bleed ? 'figure.figure.bleed' : 'figure.figure', id ? { id } : {}, [
        image,
        h('figcaption', [h('span.figure-label', caption ? `${heading}:` : heading), caption ? ` ${caption}` : '']),
      ]);
      if (node.position) figure.position = node.position;
      if (bleed) {
        const use = file.data.images?.find((candidate) => candidate.position === image.position);
        if (use) use.bleed = true;
      }
      parent.children[index] = figure;
    });
  };
}
