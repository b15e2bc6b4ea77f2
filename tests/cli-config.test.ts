import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../src/report/messages.ts';
import { placedText } from './pdf-text.ts';
import { ARTICLE, mudran, tempDir } from './tools.ts';

/** A project folder with a manuscript that leaves `publisher` and `lang` to the config. */
async function project(config: string): Promise<string> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'mudran.config.json'), config);
  await writeFile(path.join(dir, 'book.md'), '---\ntitle: शीर्षक\n---\n\nपाठ।\n');
  return dir;
}

describe('mudran.config.json', () => {
  it.each([
    [
      'a value of the wrong type',
      '{\n  "defaults": {\n    "publisher": "मुद्रण",\n    "lang": 7\n  }\n}\n',
      'mudran.config.json:4:13: error: Unexpected value for `defaults.lang`, expected a text [config-type]',
    ],
    [
      'a front-matter value the schema refuses',
      '{ "defaults": { "date": "कल" } }',
      'mudran.config.json:1:25: error: Unexpected value for `defaults.date`, expected a date such as 2026-11-28 [config-type]',
    ],
    [
      'an unknown format',
      '{\n  "formats": ["epub", "mobi"]\n}',
      'mudran.config.json:2:23: error: Unexpected value for `formats.1`, expected one of epub, kepub, pdf, handout, booklet, press [config-type]',
    ],
    [
      'an unknown field',
      '{\n  "output": "dist"\n}',
      'mudran.config.json:2:3: error: Unexpected field `output`, expected one of out, formats, defaults, style [config-unknown-field]',
    ],
    [
      'broken JSON',
      '{\n  "out": "dist",\n}',
      'mudran.config.json:3:1: error: Unexpected JSON (PropertyNameExpected), expected a JSON object [config-json]',
    ],
  ])('names the file, line and column of %s, exit 1', async (_, config, message) => {
    const dir = await project(config);
    const run = await mudran(['check', 'book.md'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toContain(message);
  });

  it('fills front-matter defaults and build options, the manuscript winning', async () => {
    const dir = await project('{ "out": "out", "formats": ["epub"], "defaults": { "title": "अनदेखा", "lang": "sa" } }');
    const run = await mudran(['build', 'book.md', '--json'], { cwd: dir });
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.outputs.map((output) => output.path)).toEqual([path.join('out', 'book.epub')]);
    expect(await readdir(path.join(dir, 'out'))).toEqual(['book.epub']);
    const unzip = await import('node:child_process').then(({ execFileSync }) =>
      execFileSync('unzip', ['-p', path.join(dir, 'out/book.epub'), 'OEBPS/content.opf'], { encoding: 'utf8' }),
    );
    expect(unzip).toContain('<dc:language>sa</dc:language>');
    expect(unzip).toContain('शीर्षक');
    expect(unzip).not.toContain('अनदेखा');
  });

  it('is optional: the article checks the same without one', async () => {
    const run = await mudran(['check', ARTICLE, '--json'], { cwd: await tempDir() });
    expect(run.code).toBe(0);
  });
});

describe('the project’s own stylesheet', () => {
  it('changes the type size of the book and the EPUB, and is an error at its line when it is not there', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'book.md'),
      '---\ntitle: अपनी शैली\n---\n\n' + 'गर्मियों में नदी पतली धारा बनकर रेत के बीच से गुज़रती है। '.repeat(30) + '\n',
    );
    await writeFile(path.join(dir, 'mine.css'), 'html { font-size: 12pt !important; line-height: 26px !important; }\n');
    await writeFile(path.join(dir, 'mudran.config.json'), '{\n  "style": "mine.css"\n}\n');
    const run = await mudran(['build', 'book.md', '--out', 'out', '--format', 'pdf,epub'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const pages = await placedText(await readFile(path.join(dir, 'out', 'book.pdf')));
    const body = pages.flatMap((page) => page.runs.filter((run) => run.text.normalize('NFC').includes('गर्मियों')));
    expect(body.length).toBeGreaterThan(5);
    for (const line of body) expect(line.size).toBeCloseTo(12, 1);
    const epub = await JSZip.loadAsync(await readFile(path.join(dir, 'out', 'book.epub')));
    expect(await epub.file('OEBPS/style.css')!.async('string')).toContain('font-size: 12pt !important');

    await writeFile(path.join(dir, 'mudran.config.json'), '{\n  "style": { "print": "nowhere.css" }\n}\n');
    const missing = await mudran(['build', 'book.md', '--out', 'out', '--format', 'pdf'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'mudran.config.json:2:23: error: No stylesheet `nowhere.css` in the project’s folder, expected a CSS file at that path [config-style]',
    );
  });
});
