import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { glyphTexts, piecesOf, type PlacedGlyph } from '../../src/pdf/text-layer/glyph-text.ts';

const joined = (texts: ReturnType<typeof glyphTexts>) =>
  texts.map((each) => `${each.before ?? ''}${each.text}${each.after ?? ''}`).join('');

describe('the glyph-text algorithm of the text layer', () => {
  it('gives a reordered cluster (ि drawn before क्ष) its text in logical order, word marked whole', () => {
    const cluster = { text: 'क्षि', glyphs: 2 };
    const texts = glyphTexts([
      { x: 0, y: 0, size: 10, width: 300, ownText: 'ि', cluster, run: 0 },
      { x: 3, y: 0, size: 10, width: 600, ownText: 'क्ष', cluster, run: 0 },
      { x: 9, y: 0, size: 10, width: 250, ownText: ' ', run: 0 },
      { x: 11.5, y: 0, size: 10, width: 500, ownText: 'न', run: 0 },
    ]);
    expect(joined(texts)).toBe('क्षि न');
    expect(texts[0]?.word).toBe('क्षि');
    expect(texts[1]?.wordEnd).toBe(true);
    expect(texts[3]).toMatchObject({ word: 'न', wordEnd: true });
    // Each glyph reaches the next one: no gap that an extractor would read as a space.
    expect(texts[0]?.width).toBe(300);
  });

  it('keeps every word’s text whole, however its clusters are drawn (any split concatenates to the word)', () => {
    const word = fc.array(fc.constantFrom('क', 'ष', 'त्र', 'ि', 'ी', 'ं', 'र्', 'ज़', 'ु'), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const glyphs: PlacedGlyph[] = [];
        let x = 0;
        words.forEach((pieces, index) => {
          if (index > 0) {
            glyphs.push({ x, y: 0, size: 10, width: 250, ownText: ' ', run: 0 });
            x += 2.5;
          }
          const cluster = { text: pieces.join(''), glyphs: pieces.length };
          // Drawn right to left inside the word: the order of glyphs is not the order of the text.
          for (const piece of [...pieces].reverse()) {
            glyphs.push({ x, y: 0, size: 10, width: 400, ownText: piece, cluster, run: 0 });
            x += 4;
          }
        });
        // Canonically the same: consonant + nukta may come out as its precomposed letter.
        expect(joined(glyphTexts(glyphs)).normalize('NFD')).toBe(
          words
            .map((pieces) => pieces.join(''))
            .join(' ')
            .normalize('NFD'),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('never splits consonant + nukta or a joiner from what follows', () => {
    expect(piecesOf('\u0915\u093C\u093F')).toEqual(['\u0958', '\u093F']);
    expect(piecesOf('\u0915\u093C')).toEqual(['\u0958']);
    expect(piecesOf('र\u200Dि')).toEqual(['र', '\u200Dि']);
  });
});
