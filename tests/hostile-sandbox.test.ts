import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'hast';
import { h } from 'hastscript';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import type { Book } from '../src/model/book.ts';
import { launchBrowser } from '../src/print/browser.ts';
import { reportRefusals, sandboxPage } from '../src/print/sandbox.ts';
import { formatMessages } from '../src/report/messages.ts';
import { startRecorder, type Recorder } from './hostile-tools.ts';
import { ROOT, pdfText, tempDir } from './tools.ts';

// The second wall: even HTML that never went through the sanitiser (as if it had a hole)
// runs no script and reaches nothing; each refused request is reported at its element.
let browser: Browser;
let server: Recorder;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startRecorder()]);
});

afterAll(async () => {
  await Promise.all([browser.close(), server.close()]);
});

function at(line: number) {
  return { start: { line, column: 1, offset: line * 100 }, end: { line, column: 20, offset: line * 100 + 19 } };
}

describe('the print page sandbox', () => {
  it('drives Chromium over a pipe: none of its processes listens on a TCP port', async () => {
    expect(browser.process()?.spawnargs).toContain('--remote-debugging-pipe');
    expect(browser.wsEndpoint()).toBe('');
    const page = await browser.newPage();
    await page.setContent('<p>पाठ</p>');
    const root = browser.process()?.pid ?? -1;
    const listening = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // st 0A is LISTEN; field 9 is the socket's inode.
        if (fields[3] === '0A' && fields[9]) listening.add(fields[9]);
      }
    }
    const chromium = [root, ...(await descendants(root))];
    const held: string[] = [];
    for (const pid of chromium) {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
      for (const fd of fds) {
        const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && listening.has(inode)) held.push(`${pid}:${inode}`);
      }
    }
    await page.close();
    expect(chromium.length).toBeGreaterThan(1);
    expect(held).toEqual([]);
  });

  it('runs no script, fetches nothing outside, and reports each refusal at its line', async () => {
    const remote = `${server.url}/remote.png`;
    const tree: Root = {
      type: 'root',
      children: [
        { ...h('img', { src: remote, alt: '' }), position: at(3) },
        { ...h('a', { href: 'file:///etc/hostname' }, 'x'), position: at(5) },
      ],
    };
    const file = new VFile({ path: path.join(ROOT, 'book.md'), value: '' });
    const book: Book = {
      name: 'book',
      file,
      matter: { title: 't', lang: 'hi', trim: 'A5', digits: 'international' },
      tree,
      chapters: [],
      images: new Map(),
      imageSizes: new Map(),
    };
    const html = `<!doctype html><html><head><link rel="stylesheet" href="fonts.css">
      <link rel="stylesheet" href="${server.url}/style.css"><style>@import url(${server.url}/import.css);</style></head>
      <body><p>पाठ <script>document.write('PWNED')</script></p><img src="${remote}">
      <img src="file:///etc/hostname"><iframe src="${server.url}/frame"></iframe>
      <p style="background: url(${server.url}/bg.png)">ख</p><img src="../../etc/passwd.png"></body></html>`;
    const page = await browser.newPage();
    try {
      const sandbox = await sandboxPage(page, book, html, 'book');
      await page.goto(sandbox.url, { waitUntil: 'load' });
      const out = path.join(await tempDir(), 'page.pdf');
      await page.pdf({ path: out });
      const refused = await sandbox.finish();
      // The sandbox returns what it refused; it writes nothing into the manuscript's file.
      expect(file.messages).toEqual([]);
      reportRefusals(file, refused);
      expect(await pdfText(out)).not.toContain('PWNED');
    } finally {
      await page.close();
    }
    expect(server.requests).toEqual([]);
    const lines = formatMessages(file).map((line) => line.slice(file.path.length + 1));
    expect(lines).toContain(
      `3:1: warning: Unexpected request for \`${remote}\` from the page, expected only the book’s own files; refused [request-refused]`,
    );
    for (const url of [
      `${server.url}/style.css`,
      `${server.url}/import.css`,
      `${server.url}/frame`,
      `${server.url}/bg.png`,
    ]) {
      expect(
        lines.some((line) => line.includes(`\`${url}\``)),
        url,
      ).toBe(true);
    }
    expect(lines.some((line) => line.includes('mudran.invalid/etc/passwd.png'))).toBe(true);
    // Reported once, although two elements asked for it.
    expect(lines.filter((line) => line.includes(`\`${remote}\``))).toHaveLength(1);
  });
});

/** Every process below `root`. */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat) parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const below: number[] = [];
  for (const pid of parents.keys()) {
    let at = parents.get(pid);
    while (at !== undefined && at > 1 && at !== root) at = parents.get(at);
    if (at === root) below.push(pid);
  }
  return below;
}
