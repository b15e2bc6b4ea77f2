import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseToUnicode, writeToUnicode } from '../../src/pdf/text-layer/index.ts';

/** Text a glyph may stand for: Devanagari letters and marks, Latin, and astral characters. */
const glyphText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x0900, max: 0x097f }),
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0x1f600, max: 0x1f64f }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((codes) => String.fromCodePoint(...codes));

describe('ToUnicode CMaps', () => {
  it('read back exactly what was written, for any glyph-to-text map (more than one block of 100)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.integer({ min: 1, max: 0xfffe }).map(String), glyphText, { maxKeys: 250 }),
        (entries) => {
          const map = new Map(Object.entries(entries).map(([cid, text]) => [Number(cid), text]));
          expect(parseToUnicode(writeToUnicode(map))).toEqual(map);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('read bfrange entries, both the incrementing and the array form, as Chrome and others write them', () => {
    const cmap = [
      '2 beginbfrange',
      '<0010> <0012> <0915>',
      '<0020> <0021> [<0915094D0937> <D83DDE00>]',
      'endbfrange',
      '1 beginbfchar',
      '<0003> <0020>',
      'endbfchar',
    ].join('\n');
    expect(parseToUnicode(cmap)).toEqual(
      new Map([
        [0x03, ' '],
        [0x10, 'क'],
        [0x11, 'ख'],
        [0x12, 'ग'],
        [0x20, 'क्ष'],
        [0x21, '😀'],
      ]),
    );
  });
});
