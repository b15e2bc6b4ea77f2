import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import { describe, expect, it } from 'vitest';
import { checkWord, createWordChecker } from '../src/fonts/check-word.ts';
import { loadFontStacks } from '../src/fonts/stack.ts';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { transformManuscript } from '../src/pipeline/index.ts';
import { formatMessages } from '../src/report/messages.ts';
import { ARTICLE, ROOT, mudran, tempDir } from './tools.ts';

const FIXTURES = path.join(ROOT, 'tests/fixtures/shaping');
const cases = (await readdir(FIXTURES)).sort();
const fonts = (await loadFontStacks()).regular;

/** Messages as `LINE:COLUMN: severity: reason [rule]`, without the file name. */
async function messagesOf(input: string): Promise<string[]> {
  const file = await readManuscript(input, ROOT);
  await checkManuscript(file);
  return formatMessages(file).map((line) => line.slice(input.length + 1));
}

describe('shaping checks', () => {
  it.each(cases)('%s: reports exactly the expected messages', async (name) => {
    const input = path.join(FIXTURES, name, 'input.md');
    const expected = (await readFile(path.join(FIXTURES, name, 'messages.txt'), 'utf8')).split('\n').filter(Boolean);
    expect(await messagesOf(input)).toEqual(expected);
  });

  it('finds the broken fixture’s case on every one of its lines, with every rule', async () => {
    const input = path.join(FIXTURES, 'broken', 'input.md');
    const bodyLines = (await readFile(input, 'utf8')).trimEnd().split('\n').length - 4;
    const messages = await messagesOf(input);
    const lines = new Set(messages.map((message) => Number(message.split(':')[0])));
    expect(lines.size).toBe(bodyLines);
    const rules = new Set(messages.map((message) => /\[([\w-]+)\]$/.exec(message)?.[1]));
    expect([...rules].sort()).toEqual([
      'broken-cluster',
      'double-matra',
      'halant-before-matra',
      'lone-nukta',
      'mark-at-word-start',
      'matra-after-vowel',
      'misplaced-virama',
      'missing-glyph',
      'mixed-nukta',
      'nukta-after-matra',
      'shaping-mismatch',
      'sign-before-matra',
      'stray-joiner',
    ]);
  });

  it('finds nothing to report in the article', async () => {
    expect(await messagesOf(ARTICLE)).toEqual([]);
  });

  it('prints one spelling of nukta letters whichever way they were typed', async () => {
    const file = await readManuscript(path.join(FIXTURES, 'mixed-nukta', 'input.md'), ROOT);
    const text = toString(await transformManuscript(file));
    expect(text).toContain('ज\u093Cमीन');
    expect(text).not.toMatch(/[\u0958-\u095F]/u);
  });

  it.each([
    // The conjunct HarfBuzz forms as ड्ड + ्र and fontkit as ड् + ड्र.
    ['ड्ड्र', /fontkit gives uni0921 uni094D uni0921094D0930, HarfBuzz gives uni0921094D0921 uni094D0930/],
    // Half forms before a zero-width joiner.
    ['क्\u200Dच', /fontkit gives .*, HarfBuzz gives /],
    ['घ्\u200Dक', /fontkit gives .*, HarfBuzz gives /],
    // fontkit 2.0.4 throws on a mark after a Devanagari digit (foliojs/fontkit#367).
    ['०ु', /fontkit fails \(.+\)/],
  ])('warns where fontkit and HarfBuzz shape %j differently', (word, reason) => {
    const mismatches = checkWord(word, fonts).filter((finding) => finding.ruleId === 'shaping-mismatch');
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]?.reason).toMatch(reason);
    expect(mismatches[0]?.fatal).toBe(false);
  });

  it.each(['क्\u200Dष', 'र्\u200Dक', 'हिंदी', 'पाकिस्तान', 'श्रृंगार', 'Moscow'])(
    'lets the correct word %j through',
    (word) => {
      expect(checkWord(word, fonts)).toEqual([]);
    },
  );

  it('shapes each distinct word once', () => {
    const check = createWordChecker(fonts);
    expect(check('पाकिस्तान')).toBe(check('पाकिस्तान'));
  });

  it('reports the same from words checked by an earlier run as from a cold check', async () => {
    // A fresh TMPDIR: the first run shapes every word and keeps the findings, the second reuses them.
    const tmp = await tempDir();
    const input = path.join(FIXTURES, 'broken', 'input.md');
    const cold = await mudran(['check', input], { env: { TMPDIR: tmp } });
    const folder = path.join(tmp, `mudran-${process.getuid?.()}`, 'check');
    const kept = await readdir(folder);
    expect(kept).toHaveLength(1);
    const warm = await mudran(['check', input], { env: { TMPDIR: tmp } });
    expect(cold.code).toBe(1);
    expect(warm.code).toBe(1);
    const messages = (run: { stderr: string }) => run.stderr.split('\n').filter((line) => line.startsWith(input));
    expect(messages(cold).length).toBeGreaterThan(10);
    expect(messages(warm)).toEqual(messages(cold));
    // A damaged cache is one to rebuild, not a failure.
    await writeFile(path.join(folder, kept[0] ?? ''), '{"regular": [["क", ');
    expect(messages(await mudran(['check', input], { env: { TMPDIR: tmp } }))).toEqual(messages(cold));
  });

  it('stops `check` and `build` with exit 1 and writes nothing', async () => {
    const input = path.join(FIXTURES, 'broken', 'input.md');
    const checked = await mudran(['check', input]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`${input}:5:5: error: Unexpected vowel sign`);
    const out = await tempDir();
    const built = await mudran(['build', input, '--out', out, '--format', 'epub']);
    expect(built.code).toBe(1);
    expect(await readdir(out)).toEqual([]);
  });

  it('lets warnings through: the mixed-nukta manuscript builds', async () => {
    const out = await tempDir();
    const run = await mudran([
      'build',
      path.join(FIXTURES, 'mixed-nukta', 'input.md'),
      '--out',
      out,
      '--format',
      'epub',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: .*\[mixed-nukta\]/);
  });
});
