import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, spawnPreview, tempDir } from './tools.ts';

// The real entry point: `mudran preview` on a copy of the article in a folder of its own.
let server: ChildProcess;
let url: string;
let dir: string;
let manuscript: string;
let events: ReadableStreamDefaultReader<Uint8Array>;

beforeAll(async () => {
  dir = await tempDir();
  manuscript = path.join(dir, 'article.md');
  await copyFile(ARTICLE, manuscript);
  ({ server, url } = await spawnPreview('article.md', dir));
  const response = await fetch(`${url}events`);
  if (!response.body) throw new Error('no event stream');
  events = response.body.getReader();
});

afterAll(async () => {
  await events?.cancel().catch(() => undefined);
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
});

/** Resolves at the server's next `change` event. */
async function nextChange(): Promise<void> {
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: change')) {
    const { value, done } = await events.read();
    if (done) throw new Error('event stream closed');
    text += decoder.decode(value);
  }
}

/**
 * The page once it passes `check`, waiting for change events in between: a save may reach
 * the server as several file events (truncate, then write), each with its own reload.
 */
async function pageOnceChanged(check: (html: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const html = await page();
    if (check(html)) return html;
    await nextChange();
  }
  throw new Error('the page never showed the change');
}

async function page(pathname = ''): Promise<string> {
  const response = await fetch(`${url}${pathname}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('mudran preview', () => {
  it('answers on 127.0.0.1 with the book’s print page, its stylesheets and fonts', async () => {
    const html = await page();
    expect(html).toContain('<link rel="stylesheet" href="book.css" />');
    expect(html).toContain('पाकिस्तान के नजदीक जाता दिख रहा रूस');
    expect(await page('handout.html')).toContain('href="handout.css"');
    expect(await page('book.css')).toContain('@page');
    const font = await fetch(`${url}fonts/NotoSerifDevanagari-Regular.ttf`);
    expect(font.headers.get('content-type')).toBe('font/ttf');
    expect((await fetch(`${url}..%2Fpackage.json`)).status).toBe(404);
  });

  it('tells the page to reload when the manuscript is saved, and serves the new text', async () => {
    const reload = nextChange();
    await appendFile(manuscript, '\nसंपादक ने यह नया अनुच्छेद अभी जोड़ा।\n');
    await reload;
    const html = await pageOnceChanged((text) => text.includes('संपादक ने'));
    expect(html).toContain('<p>संपादक ने यह नया अनुच्छेद अभी जोड़ा।</p>');
  });

  it('reloads when the project config changes', async () => {
    const text = await readFile(manuscript, 'utf8');
    await writeFile(manuscript, text.replace(/^subtitle: .*\n/m, ''));
    await pageOnceChanged((html) => !html.includes('class="subtitle"'));
    await writeFile(path.join(dir, 'mudran.config.json'), '{ "defaults": { "subtitle": "परियोजना का उपशीर्षक" } }');
    const html = await pageOnceChanged((page) => page.includes('class="subtitle"'));
    expect(html).toContain('<p class="subtitle">परियोजना का उपशीर्षक</p>');
  });

  it('shows the manuscript’s errors with file, line and column in the page, and keeps serving', async () => {
    const text = await readFile(manuscript, 'utf8');
    await writeFile(manuscript, text.replace(/^title: .*$/m, 'title:'));
    const html = await pageOnceChanged((page) => page.includes('frontmatter-title'));
    expect(html).toMatch(
      /<pre class="mudran-messages">article\.md:2:7: error: No `title` in the front matter, expected the book’s title \[frontmatter-title\]<\/pre>/,
    );
    // The last good text stays on screen under the messages.
    expect(html).toContain('संपादक ने यह नया अनुच्छेद अभी जोड़ा।');

    await writeFile(manuscript, text);
    const fixed = await pageOnceChanged((page) => !page.includes('<pre class="mudran-messages">'));
    expect(fixed).toContain('<h1>पुतिन ने पाकिस्तान के साथ संबंध को बताया ‘आपसी फायदेमंद’</h1>');
  });

  it('keeps script out of the print page itself: only the preview adds its reload script', async () => {
    const html = await page();
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain("new EventSource('/events')");
  });
});
