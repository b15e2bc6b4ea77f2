/**
 * Devanagari sequences that shapers draw without complaint (or with only a dotted circle)
 * but that are always typing mistakes. The text is NFC.
 */

export interface Finding {
  /** UTF-16 index of the offending character in the checked text. */
  index: number;
  ruleId: string;
  reason: string;
  fatal: boolean;
}

const CONSONANT = /[\u0915-\u0939\u0958-\u095F\u0978-\u097F]/u;
const INDEPENDENT_VOWEL = /[\u0904-\u0914\u0960\u0961\u0972-\u0977]/u;
const MATRA = /[\u093A\u093B\u093E-\u094C\u094E\u094F\u0955-\u0957\u0962\u0963]/u;
const NUKTA = '\u093C';
const HALANT = '\u094D';
const SIGN = /[\u0900-\u0903]/u;
const JOINER = /^(?:\u200C|\u200D)$/u;
/** A Devanagari letter or mark: what a mark may follow. Digits and dandas are not. */
const DEVANAGARI_LETTER = /^(?=\p{Script=Devanagari})[\p{L}\p{M}]$/u;
/** A consonant that already carries a nukta (precomposed ऩ ऱ ऴ stay composed in NFC). */
const NUKTA_CONSONANT = /[\u0929\u0931\u0934\u0958-\u095F]/u;
/**
 * What grammars write a mark on to show it alone: the dotted circle (as mudran's own
 * messages do) and the no-break space, Unicode's recommended base. Chromium prints the mark
 * on it as intended, so it is notation, not a typo, unless a real word follows.
 */
const NOTATION_BASE = /^[\u25CC\u00A0]$/u;

/**
 * Independent vowel + vowel sign → the single letter the writer meant: the Unicode Standard's
 * Devanagari "do not use" table (chapter 12), which Chromium's HarfBuzz enforces with a dotted
 * circle, plus `इि`. Every other vowel sign after an independent vowel is an error as well.
 */
export const VOWEL_LETTERS: Readonly<Record<string, string>> = {
  अॆ: 'ऄ',
  अा: 'आ',
  अॉ: 'ऑ',
  अॊ: 'ऒ',
  अो: 'ओ',
  अौ: 'औ',
  अॅ: 'ॲ',
  अऺ: 'ॳ',
  अऻ: 'ॴ',
  अॏ: 'ॵ',
  अॖ: 'ॶ',
  अॗ: 'ॷ',
  आॅ: 'ऑ',
  आॆ: 'ऒ',
  आे: 'ओ',
  आै: 'औ',
  आऺ: 'ॴ',
  उु: 'ऊ',
  एॅ: 'ऍ',
  एॆ: 'ऎ',
  एे: 'ऐ',
  इि: 'ई',
};

/** The one "do not use" spelling that is not vowel + vowel sign: `र्इ` for `ई` (also in `कर्इ`). */
const RA_VIRAMA_I = 'र्इ';

const show = (text: string) => `\`${text}\``;
/** A mark shown on its own is unreadable: draw it on the dotted circle, as dictionaries do. */
const mark = (char: string) => show(`\u25CC${char}`);

/** Every broken sequence in `text`, one finding per offending character. */
export function findBrokenSequences(text: string): Finding[] {
  const findings: Finding[] = [];
  const chars = [...text];
  let index = 0;
  const error = (ruleId: string, reason: string, at = index) =>
    findings.push({ index: at, ruleId, reason, fatal: true });
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    const before = chars[i - 1];
    const afterLetter = before !== undefined && (DEVANAGARI_LETTER.test(before) || JOINER.test(before));
    if (before !== undefined && NOTATION_BASE.test(before) && /^\p{M}$/u.test(char) && !startsWord(chars, i)) {
      // A mark shown on its own: grammar notation.
    } else if (JOINER.test(char)) {
      if (before !== HALANT && (afterLetter || DEVANAGARI_LETTER.test(chars[i + 1] ?? ''))) {
        const name = char === '\u200D' ? 'zero-width joiner' : 'zero-width non-joiner';
        error(
          'stray-joiner',
          `Unexpected ${name} not after a virama, expected it only right after \`्\` (as in \`क्‍ष\`): delete it`,
        );
      }
    } else if (char === 'इ' && chars.slice(i - 2, i).join('') === 'र्') {
      // Reported at the र that starts the spelling.
      error(
        'vowel-spoof',
        `Unexpected \`${RA_VIRAMA_I}\`, expected the single letter \`ई\` (Unicode’s “do not use” spelling; Chromium prints it with a dotted circle)`,
        index - 'र्'.length,
      );
    } else if (char === NUKTA) {
      if (before !== undefined && MATRA.test(before)) {
        error(
          'nukta-after-matra',
          `Unexpected nukta after the vowel sign ${mark(before)}, expected it right after the consonant: type the consonant, the nukta, then the vowel sign`,
        );
      } else if (before === NUKTA || (before !== undefined && NUKTA_CONSONANT.test(before))) {
        error(
          'double-nukta',
          `Unexpected second nukta ${mark(NUKTA)} on a letter that already has one, expected one nukta: delete this one`,
        );
      } else if (before === undefined || !CONSONANT.test(before)) {
        error(
          'lone-nukta',
          `Unexpected nukta ${mark(NUKTA)} not after a consonant, expected it right after one (\`क़\`) or deleted`,
        );
      }
    } else if (MATRA.test(char) || SIGN.test(char) || char === HALANT) {
      if (!afterLetter || before === undefined) {
        error(
          'mark-at-word-start',
          `Unexpected ${MATRA.test(char) ? 'vowel sign' : 'sign'} ${mark(char)} with no letter before it, expected it after a consonant: is a space or letter misplaced?`,
        );
      } else if (MATRA.test(char)) {
        checkMatraAfter(before, char, error);
      } else if (SIGN.test(char)) {
        checkSignAfter(before, chars[i - 2], char, error);
      } else if (before === HALANT) {
        error('double-virama', `Unexpected second virama ${mark(HALANT)}, expected one: delete this one`);
      } else if (MATRA.test(before) || SIGN.test(before) || INDEPENDENT_VOWEL.test(before)) {
        error(
          'misplaced-virama',
          `Unexpected virama ${mark(HALANT)} after ${INDEPENDENT_VOWEL.test(before) ? `the vowel \`${before}\`` : mark(before)}, expected it right after a consonant`,
        );
      }
    }
    index += char.length;
  }
  return findings;
}

/** Whether the marks from `i` on are followed by a Devanagari letter: they start a real word. */
function startsWord(chars: readonly string[], i: number): boolean {
  let next = i;
  while (next < chars.length && /^\p{M}$/u.test(chars[next] ?? '')) next++;
  return CONSONANT.test(chars[next] ?? '') || INDEPENDENT_VOWEL.test(chars[next] ?? '');
}

/** Candrabindu, anusvara and visarga: one per syllable, never on a dead consonant. */
function checkSignAfter(
  before: string,
  twoBefore: string | undefined,
  sign: string,
  error: (ruleId: string, reason: string) => void,
): void {
  if (SIGN.test(before)) {
    error(
      'double-sign',
      `Unexpected sign ${mark(sign)} after ${mark(before)}, expected one sign per syllable (two overlap into one in print): delete one`,
    );
  } else if (before === HALANT || (JOINER.test(before) && twoBefore === HALANT)) {
    error(
      'sign-after-virama',
      `Unexpected sign ${mark(sign)} after the virama ${mark(HALANT)}, expected it on a full syllable: delete the virama or the sign`,
    );
  }
}

function checkMatraAfter(before: string, matra: string, error: (ruleId: string, reason: string) => void): void {
  if (INDEPENDENT_VOWEL.test(before)) {
    const letter = VOWEL_LETTERS[before + matra];
    error(
      'matra-after-vowel',
      `Unexpected vowel sign ${mark(matra)} after the vowel \`${before}\`, expected ${letter ? `the single letter \`${letter}\`` : 'a consonant before the vowel sign, or the vowel alone'}`,
    );
  } else if (MATRA.test(before)) {
    error(
      'double-matra',
      `Unexpected second vowel sign ${mark(matra)} after ${mark(before)}, expected one vowel sign per letter: delete one`,
    );
  } else if (SIGN.test(before)) {
    error(
      'sign-before-matra',
      `Unexpected vowel sign ${mark(matra)} after ${mark(before)}, expected the vowel sign first (\`का${before}\`, not \`क${before}ा\`)`,
    );
  } else if (JOINER.test(before)) {
    error(
      'matra-after-joiner',
      `Unexpected vowel sign ${mark(matra)} after a zero-width joiner, expected the joiner only between a virama and the next consonant: delete one`,
    );
  } else if (before === HALANT) {
    error(
      'halant-before-matra',
      `Unexpected vowel sign ${mark(matra)} after the virama ${mark(HALANT)}, expected one or the other: delete the virama or the vowel sign`,
    );
  }
}
