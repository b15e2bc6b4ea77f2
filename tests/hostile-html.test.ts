import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../src/print/browser.ts';
import { readEpub } from './epub-tools.ts';
import { startRecorder, type Recorder } from './hostile-tools.ts';
import { epubcheck, mudran, pdfText, spawnPreview, tempDir } from './tools.ts';

let recorder: Recorder;
beforeAll(async () => {
  recorder = await startRecorder();
});
afterAll(async () => {
  await recorder.close();
});

/** A value that runs script wherever it is written unescaped: text, attribute, `<style>`, `<title>`. */
const vector = (url: string) =>
  `</style></title>"'><script>fetch('${url}/x')</script><img src=x onerror="fetch('${url}/y')"><style>`;

/** Every word of the EPUB's content documents, markup removed. */
async function epubWords(file: string): Promise<Set<string>> {
  const epub = await readEpub(await readFile(file));
  const texts = await Promise.all(epub.names.filter((name) => name.endsWith('.xhtml')).map((name) => epub.text(name)));
  return new Set(
    texts
      .join(' ')
      .replace(/<[^>]*>/g, ' ')
      .split(/[\s।,]+/u),
  );
}

describe('hostile front matter and raw HTML', () => {
  it('runs no script from the front matter or headings in the preview, whose page has a strict policy', async () => {
    const dir = await tempDir();
    const value = vector(recorder.url);
    const quoted = JSON.stringify(value);
    await writeFile(
      path.join(dir, 'x.md'),
      `---\ntitle: ${quoted}\nsubtitle: ${quoted}\nauthor: ${quoted}\npublisher: ${quoted}\nsource: ${quoted}\n---\n\n# अध्याय ${value.replace(/[<>]/g, '')}\n\nपाठ।\n\n# दूसरा\n\nपाठ।\n`,
    );
    const { server, url } = await spawnPreview('x.md', dir);
    const browser = await launchBrowser();
    try {
      for (const page of ['book.html', 'handout.html']) {
        const response = await fetch(`${url}${page}`);
        const policy = response.headers.get('content-security-policy') ?? '';
        expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
        expect(policy).toContain("connect-src 'self'");
        const html = await response.text();
        expect(html).not.toContain("<script>fetch('");
        const tab = await browser.newPage();
        await tab.setJavaScriptEnabled(true);
        await tab.goto(`${url}${page}`, { waitUntil: 'load' });
        await new Promise((resolve) => setTimeout(resolve, 500));
        await tab.close();
      }
    } finally {
      await browser.close();
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    expect(recorder.requests).toEqual([]);

    // The same manuscript builds into every output without a request or an invalid EPUB.
    const out = await tempDir();
    const run = await mudran(['build', 'x.md', '--out', out, '--format', 'epub,pdf,handout'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(recorder.requests).toEqual([]);
    expect((await epubcheck(path.join(out, 'x.epub'))).checker).toMatchObject({ nFatal: 0, nError: 0 });
    expect(await pdfText(path.join(out, 'x-handout.pdf'))).toContain('onerror');
  });

  it('keeps every word after raw HTML that would swallow it, in the EPUB and both PDFs, with a warning at the tag', async () => {
    const cases = [
      'पहला <title> भीतर </p>\n\nअनुच्छेदएक बचा।',
      '<div>\n\nअनुच्छेददो बचा।',
      'पहला <iframe/> शब्दतीन बचा।',
      'पहला <object> शब्दचार बचा।',
      '## शीर्षक <style>\n\nअनुच्छेदपाँच बचा।',
      '<textarea>\n\nअनुच्छेदछह बचा।',
      'पहला <xmp> शब्दसात बचा।',
      'पहला <plaintext> शब्दआठ बचा।',
    ];
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'x.md'),
      `---\ntitle: निगलने वाला HTML\n---\n\n${cases.map((text, i) => `# अध्याय ${i + 1}\n\n${text}\n\nअंतिम${i + 1} शब्द।`).join('\n\n')}\n`,
    );
    const checked = await mudran(['check', 'x.md'], { cwd: dir });
    expect(checked.code, checked.stderr).toBe(0);
    for (const tag of ['title', 'iframe', 'object', 'style', 'textarea', 'xmp', 'plaintext']) {
      expect(checked.stderr).toMatch(
        new RegExp(`x\\.md:\\d+:\\d+: warning: Unexpected \`<${tag}>\` that is never closed`),
      );
    }
    const out = await tempDir();
    const run = await mudran(['build', 'x.md', '--out', out, '--format', 'epub,pdf,handout'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const expected = [
      'अनुच्छेदएक',
      'अनुच्छेददो',
      'शब्दतीन',
      'शब्दचार',
      'अनुच्छेदपाँच',
      'अनुच्छेदछह',
      'शब्दसात',
      'शब्दआठ',
      ...cases.map((_, i) => `अंतिम${i + 1}`),
    ];
    const epub = await epubWords(path.join(out, 'x.epub'));
    for (const word of expected) expect(epub.has(word), `EPUB: ${word}`).toBe(true);
    for (const pdf of ['x.pdf', 'x-handout.pdf']) {
      const text = await pdfText(path.join(out, pdf));
      for (const word of expected) expect(text, `${pdf}: ${word}`).toContain(word);
    }
  });

  it('writes `]]>` from prose, code and the title into well-formed XHTML', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: "अंत ]]> शीर्षक"\n---\n\nपाठ ]]> और \`]]>\` भी।\n`);
    const out = await tempDir();
    const run = await mudran(['build', 'x.md', '--out', out, '--format', 'epub'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const report = await epubcheck(path.join(out, 'x.epub'));
    expect(report.messages.filter((message) => message.severity !== 'INFO' && message.severity !== 'USAGE')).toEqual(
      [],
    );
  });

  it.each([
    ['a link whose text is a bare address', '<a href="https://www.example.org">www.example.org</a>'],
    ['an unclosed <i> in a footnote', 'पाठ[^1] आगे।\n\n[^1]: नोट <i> खुला\n\nअगला अनुच्छेद।'],
  ])('reports %s at its place instead of crashing', async (_, body) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: परीक्षा\n---\n\n${body}\n`);
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect(run.stderr).not.toMatch(/Cannot read|at .*\.js:\d+/);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^x\.md:[57]:\d+: warning: .*\[html-(element|attribute|unclosed)\]$/m);
  });

  it('counts 101 autolinks and tags in a code fence as no open HTML', async () => {
    const dir = await tempDir();
    const links = Array.from({ length: 101 }, (_, i) => `कड़ी <https://example.org/${i}>`).join('\n');
    const fence = ['```html', ...Array.from({ length: 101 }, () => '<section>'), '```'].join('\n');
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: कड़ियाँ\n---\n\n${links}\n\n${fence}\n`);
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
  });

  it('keeps links whose scheme is written in capitals (schemes are case-insensitive), with no warning', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'x.md'),
      '---\ntitle: कड़ियाँ\n---\n\nदेखें <Http://example.org/a> और [यह](HTTPS://example.org/b), पर [यह नहीं](JavaScript:alert(1))।\n',
    );
    const run = await mudran(['build', 'x.md', '--format', 'epub', '--out', 'out'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const attributes = run.stderr.match(/\[html-attribute\]/g) ?? [];
    expect(attributes, run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(/javascript:alert/i);
    const epub = await readEpub(await readFile(path.join(dir, 'out/x.epub')));
    const chapters = (
      await Promise.all(epub.names.filter((name) => name.endsWith('.xhtml')).map((name) => epub.text(name)))
    ).join('\n');
    expect(chapters).toContain('href="http://example.org/a"');
    expect(chapters).toContain('href="https://example.org/b"');
  });
});

describe('hostile files and front matter', () => {
  it('refuses a YAML alias bomb at the front matter, exit 1', async () => {
    const dir = await tempDir();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: बम\n${levels.join('\n')}\n---\n\nपाठ।\n`);
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^x\.md:2:1: error: Unexpected YAML aliases .*\[frontmatter-yaml\]$/m);
  });

  it('refuses a FIFO and a link to /dev/zero as manuscripts at once, exit 2, in one line', async () => {
    const dir = await tempDir();
    await new Promise<void>((resolve, reject) =>
      spawn('mkfifo', [path.join(dir, 'fifo.md')]).once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error('mkfifo')),
      ),
    );
    await symlink('/dev/zero', path.join(dir, 'zero.md'));
    for (const name of ['fifo.md', 'zero.md']) {
      const started = Date.now();
      const run = await mudran(['check', name], { cwd: dir });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trim()).toBe(
        `mudran: ${name}: cannot read manuscript (not a regular file: a pipe or a device)`,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
    }
  });

  it.each(['2026-13-45', '2026-02-30', '2026-00'])('refuses the date %s at its line', async (date) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: तिथि\ndate: ${date}\n---\n\nपाठ।\n`);
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^x\.md:3:7: error: Unexpected value for `date`, expected a date that exists/m);
  });

  it('prints terminal escapes and newlines from the manuscript as visible escapes, one line a message', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: नियंत्रण\n---\n\nपाठ \u001B[2J\u001B]0;title\u0007 अा।\n`);
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect([...run.stderr].filter((char) => char !== '\n' && /\p{Cc}/u.test(char))).toEqual([]);
    const messages = run.stderr.split('\n').filter((line) => line.startsWith('x.md:'));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toContain('\\x1B');
  });
});

describe('links', () => {
  it('lead only into the book or to absolute addresses, in every output; the others print as text with a warning', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'x.md'),
      [
        '---\ntitle: कड़ियाँ\n---\n',
        '## कड़ियाँ\n',
        '[अगला अध्याय](chapter2.md), [ऊपर](../index.html) और [बाहर](https://example.org/) और [यहीं](#कड़ियाँ)।\n',
        '[कहीं नहीं](#अनुपस्थित) और <a href="https://exa mple.org">टूटा पता</a> और [मूल](/uri)।\n',
      ].join('\n'),
    );
    const out = await tempDir();
    const run = await mudran(['build', 'x.md', '--out', out, '--format', 'pdf,handout,epub'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('[link-target]'));
    expect(warnings.map((line) => line.replace(/: warning: .*/, ''))).toEqual([
      'x.md:7:1',
      'x.md:7:29',
      'x.md:9:1',
      'x.md:9:28',
      'x.md:9:75',
    ]);
    expect(run.stderr).toContain('Unexpected link to a file (`chapter2.md`)');
    expect(run.stderr).toContain('Unexpected link to `#अनुपस्थित`');
    expect(run.stderr).toContain('Unexpected malformed address `https://exa mple.org`');
    for (const pdf of ['x.pdf', 'x-handout.pdf']) {
      // Uncompressed, out of object streams, so every link's URI can be read.
      const plain = path.join(out, `plain-${pdf}`);
      await promisify(execFile)('qpdf', ['--qdf', '--object-streams=disable', path.join(out, pdf), plain]);
      const bytes = (await readFile(plain)).toString('latin1');
      expect(bytes, pdf).not.toContain('mudran.invalid');
      expect(
        [...bytes.matchAll(/\/URI \(([^)]*)\)/g)].map((match) => match[1]),
        pdf,
      ).toEqual(['https://example.org/']);
      expect(await pdfText(path.join(out, pdf))).toContain('अगला अध्याय');
    }
    const epub = await readEpub(await readFile(path.join(out, 'x.epub')));
    const chapter = await epub.text('OEBPS/chapter-01.xhtml');
    expect([...chapter.matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) => match[1])).toEqual([
      'https://example.org/',
      '#कड़ियाँ',
    ]);
    expect(chapter).toContain('टूटा पता');
    const report = await epubcheck(path.join(out, 'x.epub'));
    expect(report.messages.filter((message) => /ERROR|FATAL/.test(message.severity))).toEqual([]);
  });
});

describe('a book with nothing to list', () => {
  it('warns at empty headings and removes them; a text that is all removed markup still makes a valid EPUB', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'headings.md'), '---\ntitle: शीर्षक\n---\n\n## \n#\n### ###\n\nपाठ।\n');
    await writeFile(path.join(dir, 'empty.md'), '---\ntitle: खाली\n---\n\n<!DOCTYPE html>\n');
    const out = await tempDir();
    const run = await mudran(['build', 'headings.md', 'empty.md', '--out', out, '--format', 'epub'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/^headings\.md:\d+:1: warning: Unexpected empty heading.*\[heading-empty\]$/gm)).toEqual([
      'headings.md:5:1: warning: Unexpected empty heading, expected its text; removed [heading-empty]',
      'headings.md:6:1: warning: Unexpected empty heading, expected its text; removed [heading-empty]',
      'headings.md:7:1: warning: Unexpected empty heading, expected its text; removed [heading-empty]',
    ]);
    for (const name of ['headings', 'empty']) {
      const report = await epubcheck(path.join(out, `${name}.epub`));
      expect(
        report.messages.filter((message) => /ERROR|FATAL/.test(message.severity)),
        name,
      ).toEqual([]);
    }
  });
});

describe('a disclosure', () => {
  it('prints what it holds: <details> is open in the PDFs and the EPUB', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'x.md'),
      '---\ntitle: खुला\n---\n\n<details><summary>और पढ़ें</summary>छिपा हुआ पाठ।</details>\n',
    );
    const out = await tempDir();
    const run = await mudran(['build', 'x.md', '--out', out, '--format', 'pdf,handout,epub'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    for (const pdf of ['x.pdf', 'x-handout.pdf']) {
      expect(await pdfText(path.join(out, pdf)), pdf).toContain('छिपा हुआ पाठ');
    }
    const epub = await readEpub(await readFile(path.join(out, 'x.epub')));
    expect(await epub.text('OEBPS/chapter-01.xhtml')).toContain('<details open="">');
  });
});

describe('the cover named in the front matter', () => {
  it.each([
    ['outside the folder', '../../../../etc/hostname.png', 'outside the manuscript’s folder', 'image-outside-folder'],
    ['missing', 'नहीं.jpg', 'No cover', 'image-missing'],
    ['a link out of the folder', 'link.png', 'outside the manuscript’s folder', 'image-outside-folder'],
    ['text named .jpg', 'text.jpg', 'expected a JPEG image', 'image-type'],
  ])('is checked like an image: %s is an error at its line in check and build', async (_, cover, reason, rule) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'text.jpg'), 'not an image\n');
    await symlink('/etc/hostname', path.join(dir, 'link.png'));
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: आवरण\ncover: ${cover}\n---\n\nपाठ।\n`);
    for (const command of [
      ['check', 'x.md'],
      ['build', 'x.md', '--out', 'out', '--format', 'epub'],
    ]) {
      const run = await mudran(command, { cwd: dir });
      expect(run.code, run.stderr).toBe(1);
      const line = run.stderr.split('\n').find((message) => message.startsWith('x.md:3:8: error: '));
      expect(line, run.stderr).toContain(reason);
      expect(line).toContain(`[${rule}]`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  });
});

describe('bounded parsing cost', () => {
  it.each([
    ['50 KB of `a*`', 'a*'.repeat(25_000)],
    ['100,000 emphasis pairs', '*क* '.repeat(100_000)],
    ['200 KB of backticks', '`'.repeat(200_000)],
  ])('refuses %s in one paragraph with a positioned error, in seconds', async (_, paragraph) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: भारी\n---\n\nपहला अनुच्छेद।\n\n${paragraph}\n`);
    const started = Date.now();
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^x\.md:7:1: error: Unexpected \d+ emphasis or code marks .*\[input-delimiters\]$/m);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('bounded shaping cost', () => {
  it('refuses a 1 MB word in the title at its place, in seconds', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.md'), `---\ntitle: ${'क'.repeat(1_000_000)}\n---\n\nपाठ।\n`);
    const started = Date.now();
    const run = await mudran(['check', 'x.md'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^x\.md:2:8: error: Unexpected word of 1000000 characters, .*\[input-word-length\]$/m);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
