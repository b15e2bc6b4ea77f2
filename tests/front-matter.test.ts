import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { formatMessages } from '../src/report/messages.ts';
import { ROOT, mudran, tempDir } from './tools.ts';

const FIXTURES = path.join(ROOT, 'tests/fixtures/front-matter');
const cases = (await readdir(FIXTURES)).sort();

describe('front matter', () => {
  it.each(cases)('%s: reports exactly the expected messages', async (name) => {
    const input = path.join(FIXTURES, name, 'input.md');
    const expected = (await readFile(path.join(FIXTURES, name, 'messages.txt'), 'utf8')).trim().split('\n');
    const file = await readManuscript(input, ROOT);
    await checkManuscript(file);
    expect(formatMessages(file).map((line) => line.slice(input.length + 1))).toEqual(expected);
  });

  it('reads the article’s fields', async () => {
    const file = await readManuscript(path.join(ROOT, 'manuscript/russia-pakistan.md'), ROOT);
    const book = await checkManuscript(file);
    expect(file.messages).toEqual([]);
    expect(book?.matter).toMatchObject({ lang: 'hi', date: '2026-11-28', author: 'समाचार डेस्क' });
    expect(book?.matter.title).toContain('आपसी फायदेमंद');
  });

  it('stops the build with exit 1, prints FILE:LINE:COLUMN, and writes nothing', async () => {
    const out = await tempDir();
    const input = path.join(FIXTURES, 'wrong-type', 'input.md');
    const run = await mudran(['build', input, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${input}:4:11: error: Unexpected value for \`keywords\``);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(await readdir(out)).toEqual([]);
  });

  it('lets warnings through: exit 0 from check', async () => {
    const run = await mudran(['check', path.join(FIXTURES, 'unknown-field', 'input.md')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/:3:1: warning: .*`auther`.* \[frontmatter-unknown-field\]/);
  });
});
