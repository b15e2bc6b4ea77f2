import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedWords } from '../src/fonts/check-cache.ts';
import { checkWord } from '../src/fonts/check-word.ts';
import { VOWEL_LETTERS } from '../src/fonts/sequences.ts';
import { shapeWithFontkit, shapeWithHarfBuzz } from '../src/fonts/shape.ts';
import { loadFontStacks } from '../src/fonts/stack.ts';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { ROOT, mudran, tempDir } from './tools.ts';

const fonts = (await loadFontStacks()).regular;

/** `LINE:COLUMN: severity [rule]` of every message on a manuscript given as text. */
async function findingsIn(body: string, matter = 'title: परीक्षा'): Promise<string[]> {
  const input = path.join(await tempDir(), 'in.md');
  await writeFile(input, `---\n${matter}\n---\n\n${body}\n`);
  const file = await readManuscript(input, ROOT);
  await checkManuscript(file);
  return file.messages.map(
    (message) => `${message.line}:${message.column}: ${message.fatal ? 'error' : 'warning'} [${message.ruleId}]`,
  );
}

/** [index, rule] of each error in a word. */
function errorsIn(word: string, language?: string): [number, string][] {
  return checkWord(word, fonts, language)
    .filter((finding) => finding.fatal)
    .map((finding) => [finding.index, finding.ruleId]);
}

describe('the Devanagari lint on real text', () => {
  it('checks a 120,000-paragraph manuscript without running out of stack', async () => {
    const words = ['भारत', 'रूस', 'संबंध', 'आपसी', 'बताया', 'राष्ट्रपति', 'कहा'];
    const paragraphs = Array.from({ length: 120_000 }, (_, i) => `${words[i % 7]} ${words[(i * 3) % 7]} है।`);
    const input = path.join(await tempDir(), 'long.md');
    await writeFile(input, `---\ntitle: लंबी पांडुलिपि\n---\n\n${paragraphs.join('\n\n')}\n`);
    const run = await mudran(['check', input]);
    expect(run.stderr).not.toContain('call stack');
    expect(run.code, run.stderr).toBe(0);
  });

  it('reports each front-matter value at its own line, even when another field holds the same text', async () => {
    // Found by searching the front matter, both used to land on the subtitle's line.
    expect(await findingsIn('पाठ', 'subtitle: अाज\ntitle: "अाज"\nauthor: [राम, अाज]')).toEqual([
      '3:10: error [matra-after-vowel]',
      '2:12: error [matra-after-vowel]',
      '4:16: error [matra-after-vowel]',
    ]);
  });

  it('refuses every spelling of Unicode’s Devanagari “do not use” table, at its first wrong character', () => {
    const spoofs = Object.keys(VOWEL_LETTERS);
    expect(spoofs.length).toBeGreaterThanOrEqual(22);
    for (const spoof of spoofs) {
      expect(errorsIn(`क${spoof}र`), spoof).toEqual([[2, 'matra-after-vowel']]);
      expect(checkWord(`क${spoof}र`, fonts)[0]?.reason, spoof).toContain(`\`${VOWEL_LETTERS[spoof]}\``);
    }
    // र्इ for ई: harfbuzzjs (HB_TINY) draws it without complaint, Chromium with a dotted circle.
    expect(errorsIn('र्इ')).toEqual([[0, 'vowel-spoof']]);
    expect(errorsIn('कर्इ')).toEqual([[1, 'vowel-spoof']]);
    expect(checkWord('कर्इ', fonts)[0]?.reason).toContain('`ई`');
  });

  it.each([
    ['कंं', 2, 'double-sign'],
    ['कंँ', 2, 'double-sign'],
    ['कँं', 2, 'double-sign'],
    ['कःः', 2, 'double-sign'],
    ['कःं', 2, 'double-sign'],
    ['क्ं', 2, 'sign-after-virama'],
    ['क्ः', 2, 'sign-after-virama'],
    ['क्ँ', 2, 'sign-after-virama'],
    ['क्\u200Dं', 3, 'sign-after-virama'],
    ['ऱ़', 1, 'double-nukta'],
    ['ऴ़', 1, 'double-nukta'],
    // Each at the offending mark, not at the first mark of the cluster.
    ['क््', 2, 'double-virama'],
    ['क्\u200Dा', 3, 'matra-after-joiner'],
  ])('refuses %j at the mark that breaks it', (word, index, rule) => {
    expect(errorsIn(word)).toEqual([[index, rule]]);
    expect(checkWord(word, fonts).find((finding) => finding.fatal)?.reason).toMatch(/expected .*(delete|one)/);
  });

  it('reports each extra sign of `कंंं` where it stands', () => {
    expect(errorsIn('कंंं')).toEqual([
      [2, 'double-sign'],
      [3, 'double-sign'],
    ]);
  });

  it('accepts grammar notation: a mark on ◌ or a no-break space, or alone in a list of signs', async () => {
    expect(errorsIn('◌ि')).toEqual([]);
    expect(errorsIn('◌़')).toEqual([]);
    expect(errorsIn('\u00A0ि')).toEqual([]);
    expect(await findingsIn('मात्राएँ ये हैं: ा, ि, ी, ु और ू।')).toEqual([]);
    expect(await findingsIn('मात्रा ◌ा और&nbsp;ि दोनों ठीक हैं।')).toEqual([]);
    expect(await findingsIn('चिह्न ं ँ ः अलग-अलग हैं।')).toEqual([]);
  });

  it('keeps the error for a mark that starts a real word, on a no-break space too', async () => {
    expect(await findingsIn('शब्द ि अकेला है।')).toEqual(['5:6: error [mark-at-word-start]']);
    expect(await findingsIn('यह&nbsp;िकताब है।')).toEqual(['5:9: error [mark-at-word-start]']);
  });

  it('places findings exactly after character references and marks NFC reorders', async () => {
    expect(await findingsIn('&nbsp;&lt;&mdash; यह अा है।')).toEqual(['5:23: error [matra-after-vowel]']);
    expect(await findingsIn('क़्ष &#x939; अा')).toEqual(['5:15: error [matra-after-vowel]']);
    expect(await findingsIn('क॒॑ अा')).toEqual(['5:6: error [matra-after-vowel]']);
  });

  it('maps positions through random references and reorderable marks (property)', async () => {
    const pieces = fc.constantFrom(
      'भारत',
      'रूस',
      '&nbsp;',
      '&lt;',
      '&amp;',
      '&mdash;',
      '&#x939;',
      '&#2325;',
      'क्‍ष',
      // NFC puts nukta before virama, and the lower accent before the upper one.
      'क़्',
      'दे॒॑व',
      'ज़',
      ' ',
      '\\*',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(pieces, { maxLength: 12 }),
        fc.array(pieces, { maxLength: 6 }),
        async (before, after) => {
          const head = before.join('');
          const line = `${head} अा ${after.join('')}`;
          const column = [...`${head} अ`].length + 1;
          const errors = (await findingsIn(line)).filter((finding) => finding.includes('error'));
          expect(errors).toEqual([`5:${column}: error [matra-after-vowel]`]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shapes with the book’s language and each element’s: Marathi and Nepali forms', async () => {
    const [devanagari] = fonts;
    if (!devanagari) throw new Error('no Devanagari face');
    expect(shapeWithHarfBuzz(devanagari, 'श', 'mr')[0]?.name).toBe('uni0936.MAR');
    expect(shapeWithFontkit(devanagari, 'श', 'mr')[0]?.name).toBe('uni0936.MAR');
    expect(shapeWithHarfBuzz(devanagari, '५', 'ne')[0]?.name).toBe('uni096B.NEP');
    expect(shapeWithFontkit(devanagari, '५', 'ne')[0]?.name).toBe('uni096B.NEP');
    expect(shapeWithHarfBuzz(devanagari, 'श', 'hi')[0]?.name).toBe('uni0936');
    // Marathi's eyelash र is written र + virama + zero-width joiner.
    expect(errorsIn('सुर्‍या', 'mr')).toEqual([]);
    expect(await findingsIn('झाडाला पाणी घाला। <span lang="mr">शाळा सुर्‍या</span>', 'title: नेपाली\nlang: ne')).toEqual(
      [],
    );
    const keys = [...(await checkedWords()).keys()];
    expect(keys).toContain('regular ne');
    expect(keys).toContain('regular mr');
  });

  it('gives no warning for alternate Vedic accents, and a real mismatch once per word', async () => {
    expect(await findingsIn('कि॑ हो॒तारं॑ पुरोहि॑तं दे॒वता॑ सूर्य॑', 'title: वेद\nlang: sa')).toEqual([]);
    expect(await findingsIn('क्‍च क्‍च क्‍च\n\nफिर क्‍च')).toEqual(['5:1: warning [shaping-mismatch]']);
  });

  it('does not count tags in code, escaped tags or autolinks as open HTML', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `पंक्ति ${i}: \`<b>\` और \\<i\\> और <https://example.org/${i}>`);
    const fence = ['```html', ...Array.from({ length: 120 }, () => '<div>'), '```'];
    expect(await findingsIn([...lines, '', ...fence].join('\n'))).toEqual([]);
    // Real unclosed tags are still counted.
    const open = Array.from({ length: 120 }, () => '<span>').join('');
    expect(await findingsIn(`${open}पाठ`)).toContain('5:1: error [input-nesting]');
  });
});
