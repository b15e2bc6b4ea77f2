import { describe, expect, it } from 'vitest';
import { findBrokenSequences, VOWEL_LETTERS } from '../../src/fonts/sequences.ts';

const rules = (text: string) => findBrokenSequences(text.normalize('NFC')).map(({ ruleId, index }) => [ruleId, index]);

describe('the Devanagari sequence rules', () => {
  it('find each typing mistake at its exact index', () => {
    expect(rules('अा')).toEqual([['matra-after-vowel', 1]]);
    expect(rules('र्इ')).toEqual([['vowel-spoof', 0]]);
    expect(rules('कंं')).toEqual([['double-sign', 2]]);
    expect(rules('क्ं')).toEqual([['sign-after-virama', 2]]);
    expect(rules('क्््')).toEqual([
      ['double-virama', 2],
      ['double-virama', 3],
    ]);
    expect(rules('क\u093C\u093C')).toEqual([['double-nukta', 2]]);
    expect(rules('क\u200Dि')).toEqual([
      ['stray-joiner', 1],
      ['matra-after-joiner', 2],
    ]);
  });

  it('name the letter meant for every vowel + sign in Unicode’s do-not-use table', () => {
    for (const [sequence, letter] of Object.entries(VOWEL_LETTERS)) {
      const [finding] = findBrokenSequences(sequence);
      expect(finding?.ruleId, sequence).toBe('matra-after-vowel');
      expect(finding?.reason, sequence).toContain(letter);
    }
  });

  it('raise nothing on real text, conjuncts, nukta forms and notation on ◌ or a no-break space', () => {
    for (const text of ['क्षत्रिय', 'ज़िंदगी', 'श्रीमान्', 'ऑफ़िस', 'प्रेम', '◌ं', '\u00A0ि', 'र्‍य', 'क्‍ष']) {
      expect(rules(text), text).toEqual([]);
    }
  });
});
