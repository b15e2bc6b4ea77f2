import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { toHtmlString, transformManuscript } from '../src/pipeline/index.ts';
import { handoutDocument } from '../src/print/document.ts';
import { ROOT, mudran, tempDir } from './tools.ts';

const exec = promisify(execFile);
const FIXTURES = path.join(ROOT, 'tests/fixtures/typography');
const cases = (await readdir(FIXTURES)).sort();

describe('Hindi typography', () => {
  it.each(cases)('%s: turns input.md into output.html', async (name) => {
    const input = path.join(FIXTURES, name, 'input.md');
    const before = await readFile(input, 'utf8');
    const file = await readManuscript(input, ROOT);
    const html = toHtmlString(await transformManuscript(file));
    expect(file.messages).toEqual([]);
    expect(`${html}\n`).toBe(await readFile(path.join(FIXTURES, name, 'output.html'), 'utf8'));
    // The transforms work on the tree: the manuscript file is never rewritten.
    expect(await readFile(input, 'utf8')).toBe(before);
  });

  it('never leaves a danda after a breakable space, nor a straight quote, in the article', async () => {
    const file = await readManuscript(path.join(ROOT, 'manuscript/russia-pakistan.md'), ROOT);
    const html = toHtmlString(await transformManuscript(file));
    expect(html).not.toMatch(/[ \n][।॥]/u);
    expect(html).not.toMatch(/"(?![^<]*>)/u);
    expect(html).toContain('“हम शंघाई');
    expect(html).toContain('<span lang="en">PSM</span>');
  });

  it('marks English in the printed page and in the EPUB', async () => {
    const input = path.join(FIXTURES, 'english-hindi', 'input.md');
    const book = await checkManuscript(await readManuscript(input, ROOT));
    if (!book) throw new Error('the fixture has errors');
    expect(await handoutDocument(book)).toContain('<span lang="en">Spread the love</span>');

    const out = await tempDir();
    const run = await mudran(['build', input, '--out', out, '--format', 'epub']);
    expect(run.code, run.stderr).toBe(0);
    const { stdout } = await exec('unzip', ['-p', path.join(out, 'input.epub'), 'OEBPS/chapter-*.xhtml']);
    expect(stdout).toMatch(/<span lang="en">(Spread the love|Spread&#x20;the&#x20;love)<\/span>/);
    expect(stdout).toMatch(/<span lang="en">Moscow(?: |&#x20;)Times<\/span>/);
  });
});
