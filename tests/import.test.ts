import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readPlainText, toMarkdown, withoutDateline } from '../src/input/import-text.ts';
import type { JsonReport } from '../src/report/messages.ts';
import { ARTICLE, MUDRAN, mudran, tempDir } from './tools.ts';

const SEED = '/work/shared/seed/article.txt';

/** The Markdown after the front matter. */
function body(markdown: string): string {
  return markdown.replace(/^---\n[\s\S]*?\n---\n/, '').trim();
}

describe('importing a plain-text article', () => {
  it('turns the seed into the article manuscript’s body, dropping the share line', async () => {
    const dir = await tempDir();
    const run = await mudran(['import', SEED, '--out', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${SEED}:1: dropped share-widget line “Spread the love”`);
    const imported = await readFile(path.join(dir, 'article.md'), 'utf8');
    expect(body(imported)).toBe(body(await readFile(ARTICLE, 'utf8')));
    expect(imported).not.toContain('Spread the love');
    // The title is the first sentence without its dateline (मॉस्को:), every value quoted.
    expect(imported).toMatch(
      /^---\ntitle: "रूस के राष्ट्रपति व्लादिमीर पुतिन [^"\n]*"\ndate: "\d{4}-\d\d-\d\d"\nlang: "hi"\nsource: "article\.txt"\n---\n/,
    );
    expect(run.stderr).toContain(`next: mudran check ${path.join(dir, 'article.md')}`);
    const checked = await mudran(['check', path.join(dir, 'article.md'), '--json']);
    expect((JSON.parse(checked.stdout) as JsonReport).messages).toEqual([]);
  });

  it('takes the title from --title, or from a heading-like first line', async () => {
    const dir = await tempDir();
    const run = await mudran(['import', SEED, '--out', dir, '--title', 'पुतिन और पाकिस्तान']);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'article.md'), 'utf8')).toMatch(/^---\ntitle: "पुतिन और पाकिस्तान"\n/);
    expect(readPlainText('रूस की नीति\n\nपहला वाक्य।\n').title).toBe('रूस की नीति');
  });

  it('names the manuscript with --name, quotes a title with a colon, and writes no source for a pipe', async () => {
    const dir = await tempDir();
    const run = await mudran(['import', SEED, '--out', dir, '--name', 'rp', '--title', 'मॉस्को: संबंध']);
    expect(run.code, run.stderr).toBe(0);
    const imported = await readFile(path.join(dir, 'rp.md'), 'utf8');
    expect(imported).toMatch(/^---\ntitle: "मॉस्को: संबंध"\n/);
    expect((await mudran(['check', path.join(dir, 'rp.md')])).code).toBe(0);
    // The text through a pipe: its file is /dev/stdin, which says nothing of where it came from.
    await promisify(execFile)('sh', ['-c', `"$0" import /dev/stdin --out "$1" --name piped < "$2"`, MUDRAN, dir, SEED]);
    expect(await readFile(path.join(dir, 'piped.md'), 'utf8')).not.toMatch(/^source:/m);
    expect(withoutDateline('मॉस्को: रूस के राष्ट्रपति')).toBe('रूस के राष्ट्रपति');
    expect(withoutDateline('नई दिल्ली: संसद में')).toBe('संसद में');
    expect(withoutDateline('रूस और पाकिस्तान')).toBe('रूस और पाकिस्तान');
  });

  it.each([
    ['Share this:', true],
    ['Facebook Twitter WhatsApp', true],
    ['शेयर करें', true],
    ['Tweet', true],
    ['रूस और पाकिस्तान', false],
  ])('drops share-widget line %j: %s', (line, dropped) => {
    const result = readPlainText(`पहला वाक्य।\n${line}\nदूसरा वाक्य।\n`);
    expect(result.dropped.map((entry) => entry.text)).toEqual(dropped ? [line] : []);
  });

  it('makes short standalone lines headings, and sentences, long lines and quotes paragraphs', () => {
    const { tree } = readPlainText(
      ['पहला वाक्य।', 'नई दिशा', 'यह एक वाक्य है।', 'उन्होंने कहा, "ठीक है।"', 'क्या यह सच है?', 'क '.repeat(50)].join('\n'),
    );
    expect(tree.children.map((node) => node.type)).toEqual([
      'paragraph',
      'heading',
      'paragraph',
      'paragraph',
      'paragraph',
      'paragraph',
    ]);
  });

  it('escapes text that Markdown would read as syntax', () => {
    const { tree } = readPlainText('पहला वाक्य।\n# नहीं शीर्षक *बल* [कड़ी](x) <b>।\n');
    const markdown = toMarkdown(tree);
    expect(markdown).toContain('\\# नहीं शीर्षक \\*बल\\* \\[कड़ी]\\(x) \\<b>।');
  });
});
