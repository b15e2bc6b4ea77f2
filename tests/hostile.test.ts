import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, prepareCorpus, startRecorder, type CorpusCase, type Recorder } from './hostile-tools.ts';
import { mudran, pdfText, tempDir, type Run } from './tools.ts';

// The hostile corpus (tests/fixtures/hostile/<case>/input.md + expected.txt), checked by the
// real CLI; the cases that pass are then built together while a server on 127.0.0.1 waits
// for any request they could make.
let server: Recorder;
let cases: CorpusCase[];
let check: Run;
let out: string;
let build: Run;
let passing: CorpusCase[];

beforeAll(async () => {
  server = await startRecorder();
  cases = await prepareCorpus(server.url);
  check = await mudran(['check', ...cases.map((entry) => entry.input)]);
  passing = cases.filter((entry) => entry.exit === 0);
  out = await tempDir();
  // The handout is the same page in another size: the book PDF stands for both.
  build = await mudran(['build', ...passing.map((entry) => entry.input), '--out', out, '--format', 'epub,pdf']);
}, 600_000);

afterAll(async () => {
  await server.close();
});

/** The lines the CLI printed about one manuscript, without its path. */
function messagesFor(run: Run, input: string): string[] {
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith(`${input}:`))
    .map((line) => line.slice(input.length + 1));
}

describe('the hostile corpus', () => {
  it('has at least 30 cases, each with an expected exit code', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const entry of cases) expect([0, 1], entry.name).toContain(entry.exit);
    expect(cases.filter((entry) => entry.exit === 1).length).toBeGreaterThan(10);
    expect((await readdir(path.dirname(cases[0]?.input ?? ''))).length).toBeGreaterThan(0);
  });

  it('gives each case exactly its expected messages, with no stack trace', () => {
    expect(check.code).toBe(1);
    expect(check.stderr).not.toMatch(/^\s+at /m);
    for (const entry of cases) {
      const messages = messagesFor(check, entry.input);
      expect(messages, entry.name).toEqual(entry.messages);
      // Exit 1 exactly when the case has an error.
      expect(
        messages.some((line) => /: error: /.test(line)),
        entry.name,
      ).toBe(entry.exit === 1);
    }
  });

  it('builds the cases that pass, with the same messages and no refused request', async () => {
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).not.toMatch(/^\s+at /m);
    for (const entry of passing) expect(messagesFor(build, entry.input), entry.name).toEqual(entry.messages);
    expect(build.stderr).not.toContain('[request-refused]');
    expect((await readdir(out)).length).toBe(passing.length * 2);
  });

  it('lets nothing reach the network: the server on 127.0.0.1 received no request', () => {
    expect(build.code).toBe(0);
    expect(server.requests).toEqual([]);
  });

  it('prints PDFs with no script output and no local file content', async () => {
    const hostname = (await readFile('/etc/hostname', 'utf8')).trim();
    for (const entry of passing) {
      for (const name of [`${entry.name}.pdf`]) {
        const text = await pdfText(path.join(out, name));
        expect(text, name).toContain('परीक्षा पुस्तक');
        expect(text, name).not.toMatch(/PWNED|SECRET-TOKEN|root:x:0/);
        expect(text.includes(hostname), name).toBe(false);
      }
    }
  });

  it('packs EPUBs with no script, no event handler, no remote or local-file URL', async () => {
    const hostname = (await readFile('/etc/hostname', 'utf8')).trim();
    for (const entry of passing) {
      const zip = await JSZip.loadAsync(await readFile(path.join(out, `${entry.name}.epub`)));
      for (const [name, item] of Object.entries(zip.files)) {
        if (item.dir) continue;
        const bytes = await item.async('nodebuffer');
        expect(bytes.includes(SECRET), `${entry.name}: ${name}`).toBe(false);
        if (!name.endsWith('.xhtml')) continue;
        const text = bytes.toString('utf8');
        expect(text, `${entry.name}: ${name}`).not.toMatch(/<script|\son\w+=|javascript:|127\.0\.0\.1|file:|PWNED/i);
        expect(text.includes(hostname), `${entry.name}: ${name}`).toBe(false);
      }
    }
  });

  it('keeps what books need: figures, captions, lang, dir, ids, classes, tables, local images', async () => {
    const kept = await JSZip.loadAsync(await readFile(path.join(out, 'book-html-kept.epub')));
    const chapter = (await kept.file('OEBPS/chapter-01.xhtml')?.async('string')) ?? '';
    for (const markup of [
      '<figure id="f1" class="wide" lang="en" dir="ltr">',
      '<figcaption>',
      '<caption>',
      '<abbr title="one">',
      '<mark>',
    ]) {
      expect(chapter).toContain(markup);
    }
    const local = await JSZip.loadAsync(await readFile(path.join(out, 'image-local.epub')));
    // The manuscript's one image, beside the rendered cover.
    const images = Object.keys(local.files).filter((name) => name.startsWith('OEBPS/images/image-'));
    expect(images).toHaveLength(1);
    const expected = await readFile(
      path.join(path.dirname(passing.find((entry) => entry.name === 'image-local')?.input ?? ''), 'चित्र/pic.png'),
    );
    expect(await local.file(images[0] ?? '')?.async('nodebuffer')).toEqual(expected);
  });
});
