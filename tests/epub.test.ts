import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformManuscript } from '../src/pipeline/index.ts';
import { ace, epubcheckTs, readEpub, type EpubFiles } from './epub-tools.ts';
import { ARTICLE, ROOT, epubcheck, mudran, pdfInfo, tempDir } from './tools.ts';

const exec = promisify(execFile);

// 2025-12-01T00:00:00Z: every date inside the EPUB comes from here.
const EPOCH = 1764547200;
const MULTI_CHAPTER = path.join(ROOT, 'tests/fixtures/epub/multi-chapter/input.md');

interface Built {
  file: string;
  bytes: Uint8Array;
  epub: EpubFiles;
}

const built: Record<'article' | 'multi', Built> = {} as Record<'article' | 'multi', Built>;
let rebuilt: Uint8Array;
let bookPdf: string;

async function build(manuscript: string, formats: string): Promise<string> {
  const out = await tempDir();
  const run = await mudran(['build', manuscript, '--out', out, '--format', formats], {
    env: { SOURCE_DATE_EPOCH: String(EPOCH) },
  });
  if (run.code !== 0) throw new Error(run.stderr);
  return out;
}

async function load(file: string): Promise<Built> {
  const bytes = new Uint8Array(await readFile(file));
  return { file, bytes, epub: await readEpub(bytes) };
}

// Three real builds: minutes when five developers share two cores.
beforeAll(async () => {
  const [articleOut, multiOut, againOut] = await Promise.all([
    build(ARTICLE, 'epub,pdf'),
    build(MULTI_CHAPTER, 'epub'),
    build(ARTICLE, 'epub'),
  ]);
  built.article = await load(path.join(articleOut, 'russia-pakistan.epub'));
  built.multi = await load(path.join(multiOut, 'input.epub'));
  bookPdf = path.join(articleOut, 'russia-pakistan.pdf');
  rebuilt = new Uint8Array(await readFile(path.join(againOut, 'russia-pakistan.epub')));
}, 900_000);

const BOOKS = ['article', 'multi'] as const;

describe('the EPUB passes every checker', () => {
  it.each(BOOKS)(
    'EPUBCheck 4.2.6 reports nothing on the %s',
    async (book) => {
      const report = await epubcheck(built[book].file);
      expect(report.checker.checkerVersion).toBe('4.2.6');
      expect(report.messages).toEqual([]);
    },
    300_000,
  );

  it.each(BOOKS)('epubcheck-ts (EPUB 3.3) finds no error or warning in the %s', async (book) => {
    const report = await epubcheckTs(built[book].bytes);
    expect(report.messages).toEqual([]);
    expect(report.errors + report.warnings).toBe(0);
  });

  it.each(BOOKS)(
    'Ace by DAISY passes the %s',
    async (book) => {
      const report = await ace(built[book].file);
      expect(report.violations).toEqual([]);
      expect(report.outcome).toBe('pass');
    },
    300_000,
  );
});

describe('the container', () => {
  it('is byte-identical when built twice with SOURCE_DATE_EPOCH', () => {
    expect(rebuilt.length).toBe(built.article.bytes.length);
    expect(Buffer.compare(rebuilt, built.article.bytes)).toBe(0);
  });

  it('starts with the mimetype, stored uncompressed', () => {
    const header = Buffer.from(built.article.bytes.subarray(0, 38 + 20));
    expect(header.readUInt32LE(0)).toBe(0x04034b50);
    expect(header.readUInt16LE(8)).toBe(0); // stored
    expect(header.subarray(30, 38).toString('latin1')).toBe('mimetype');
    expect(header.subarray(38, 58).toString('latin1')).toBe('application/epub+zip');
  });

  it('dates every entry and dcterms:modified from SOURCE_DATE_EPOCH', async () => {
    const { epub } = built.article;
    for (const name of epub.names)
      expect(epub.zip.files[name]?.date.toISOString(), name).toBe('2025-12-01T00:00:00.000Z');
    expect(await epub.text('OEBPS/content.opf')).toContain(
      '<meta property="dcterms:modified">2025-12-01T00:00:00Z</meta>',
    );
  });

  it('names every file in ASCII by what it is and tells Apple Books to use the fonts', async () => {
    const { epub } = built.multi;
    expect(epub.names.filter((name) => !name.endsWith('/')).sort()).toEqual([
      'META-INF/com.apple.ibooks.display-options.xml',
      'META-INF/container.xml',
      'OEBPS/chapter-01.xhtml',
      'OEBPS/chapter-02.xhtml',
      'OEBPS/chapter-03.xhtml',
      'OEBPS/content.opf',
      'OEBPS/contents.xhtml',
      'OEBPS/cover.xhtml',
      'OEBPS/fonts/NotoSerif-Bold.ttf',
      'OEBPS/fonts/NotoSerif-Italic.ttf',
      'OEBPS/fonts/NotoSerif-Regular.ttf',
      'OEBPS/fonts/NotoSerifDevanagari-Bold.ttf',
      'OEBPS/fonts/NotoSerifDevanagari-Regular.ttf',
      'OEBPS/images/cover.png',
      'OEBPS/style.css',
      'OEBPS/title-page.xhtml',
      'OEBPS/toc.ncx',
      'OEBPS/toc.xhtml',
      'mimetype',
    ]);
    expect(await epub.text('META-INF/com.apple.ibooks.display-options.xml')).toContain(
      '<option name="specified-fonts">true</option>',
    );
  });

  it('has CSS that Adobe RMSDK accepts', async () => {
    const css = (await built.article.epub.text('OEBPS/style.css')).replace(/\/\*[\s\S]*?\*\//g, '');
    expect(css).toContain('@font-face');
    expect(css).not.toMatch(/\b(var|min|max|clamp|calc)\(/);
  });
});

describe('the package document', () => {
  let opf: string;
  beforeAll(async () => {
    opf = await built.article.epub.text('OEBPS/content.opf');
  });

  it('is in Hindi, with a stable identifier', () => {
    expect(opf).toMatch(/<package [^>]*xml:lang="hi"/);
    expect(opf).toContain('<dc:language>hi</dc:language>');
    expect(opf).toMatch(
      /<dc:identifier id="book-id">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}</,
    );
  });

  it('is named by its ISBN when it has one, under one title (issue 15 items 5, 8)', async () => {
    const multi = await built.multi.epub.text('OEBPS/content.opf');
    expect(multi).toContain('<dc:identifier id="book-id">urn:isbn:9780306406157</dc:identifier>');
    expect(multi.match(/<dc:title/g)).toHaveLength(1);
    expect(multi).toContain('<dc:title id="title">तीन अध्याय</dc:title>');
    expect(multi).toContain('<dc:description>अध्यायों और खंडों वाली एक परीक्षण पुस्तक</dc:description>');
  });

  it('makes the EPUB Accessibility 1.1 claim with its metadata', () => {
    for (const meta of [
      '<meta property="schema:accessMode">textual</meta>',
      '<meta property="schema:accessModeSufficient">textual</meta>',
      '<meta property="schema:accessibilityFeature">structuralNavigation</meta>',
      '<meta property="schema:accessibilityFeature">tableOfContents</meta>',
      '<meta property="schema:accessibilityFeature">pageNavigation</meta>',
      '<meta property="schema:accessibilityHazard">none</meta>',
      '<meta property="dcterms:conformsTo" id="conformance">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>',
      '<meta property="a11y:certifiedBy" refines="#conformance">मुद्रण</meta>',
    ]) {
      expect(opf).toContain(meta);
    }
    expect(opf).toMatch(/<meta property="schema:accessibilitySummary">[^<]*विषय-सूची[^<]*<\/meta>/);
  });

  it('declares the cover image and the print edition the page numbers come from', () => {
    expect(opf).toContain(
      '<item id="cover-image" href="images/cover.png" media-type="image/png" properties="cover-image"/>',
    );
    expect(opf).toMatch(/<dc:source id="print-source">[^<]+A5[^<]+russia-pakistan\.pdf\)<\/dc:source>/);
    expect(opf).toContain('<meta refines="#print-source" property="source-of">pagination</meta>');
  });

  it('has a guide for EPUB 2 readers', () => {
    for (const type of ['cover', 'title-page', 'toc', 'text']) expect(opf).toContain(`<reference type="${type}"`);
  });
});

describe('the content documents', () => {
  it.each(BOOKS)('of the %s are XHTML in Hindi, with raw UTF-8 Devanagari', async (book) => {
    const { epub } = built[book];
    const documents = epub.names.filter((name) => name.endsWith('.xhtml'));
    expect(documents.length).toBeGreaterThanOrEqual(4);
    for (const name of documents) {
      const text = await epub.text(name);
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), name).toBe(true);
      expect(text, name).toMatch(/<html [^>]*xml:lang="hi" lang="hi"/);
      expect(text, name).not.toMatch(/&#x?[0-9a-f]+;/i);
    }
  });

  it('hold every word of the manuscript', async () => {
    const file = new VFile({ path: ARTICLE, value: await readFile(ARTICLE, 'utf8') });
    const words = toString(await transformManuscript(file))
      .split(/\s+/)
      .filter(Boolean);
    const text = (await built.article.epub.text('OEBPS/chapter-01.xhtml'))
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#x26;/g, '&')
      .replace(/\s+/g, '');
    expect(words.length).toBeGreaterThan(500);
    expect(words.filter((word) => !text.includes(word))).toEqual([]);
  });

  it('mark chapters, notes and table headers for assistive technology', async () => {
    const { epub } = built.multi;
    const first = await epub.text('OEBPS/chapter-01.xhtml');
    const last = await epub.text('OEBPS/chapter-03.xhtml');
    expect(first).toContain('<section epub:type="chapter" role="doc-chapter" aria-labelledby="पहला-अध्याय">');
    expect(first).toContain('<th scope="col">शहर</th>');
    // Each note sits in the chapter that calls it, as an aside reading systems show as a pop-up
    // (issue 15 items 2, 3), and begins with its number, which leads back to the call (item 4: no ↩).
    expect(first).toMatch(/<a href="#fn-fn-नोट" id="fn-fnref-नोट" [^>]*epub:type="noteref" role="doc-noteref">1<\/a>/);
    expect(first).toMatch(
      /<section class="footnotes" aria-label="टिप्पणियाँ"><aside id="fn-fn-नोट" epub:type="footnote" role="doc-footnote"><p><a href="#fn-fnref-नोट" epub:type="backlink" role="doc-backlink" aria-label="पाठ पर लौटें">1<\/a> /,
    );
    expect(last).not.toContain('footnote');
    // A note called again in chapter 2 has a copy there; a note in a table cell sits after it.
    const second = await epub.text('OEBPS/chapter-02.xhtml');
    expect([...second.matchAll(/<aside id="([^"]+)" epub:type="footnote"/g)].map((m) => m[1])).toEqual([
      'fn-fn-नोट-2',
      'fn-fn-दूरी',
    ]);
    expect(second).toMatch(/<a href="#fn-fn-नोट-2" id="fn-fnref-नोट-2" [^>]*epub:type="noteref"/);
    // GFM column alignment as classes: EPUB's XHTML has no `align` (issue 15 item 7).
    expect(second).toContain('<th scope="col" class="align-left">राज्य</th>');
    expect(second).toContain('<td class="align-center">तिरुवनंतपुरम</td>');
    expect(second).toContain('<td class="align-right">2,600</td>');
    expect(second).not.toContain('align=');
    // Task-list boxes as text the fonts draw (MuPDF drew the form control blank).
    expect(second).toContain('<span class="task latin" role="img" aria-label="पूरा">[×]</span> पूरी हुई बात');
    expect(second).not.toContain('<input');
    expect(`${first}${last}`).not.toContain('↩');
  });

  it('show the rendered cover on its own page with Hindi alternative text', async () => {
    const { epub } = built.article;
    const cover = await epub.text('OEBPS/cover.xhtml');
    expect(cover).toContain(
      '<img src="images/cover.png" alt="आवरण: पुतिन ने पाकिस्तान के साथ संबंध को बताया ‘आपसी फायदेमंद’, समाचार डेस्क" role="doc-cover" />',
    );
    const png = Buffer.from(await epub.zip.file('OEBPS/images/cover.png')!.async('uint8array'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1600, 2560]);
  });
});

describe('a cover image named in the front matter', () => {
  it('is packed as it is, instead of the rendered one', { timeout: 600_000 }, async () => {
    const fixture = path.join(ROOT, 'tests/fixtures/epub/own-cover');
    const out = await build(path.join(fixture, 'input.md'), 'epub');
    const { epub } = await load(path.join(out, 'input.epub'));
    const packed = await epub.zip.file('OEBPS/images/cover.jpg')?.async('uint8array');
    expect(Buffer.compare(Buffer.from(packed ?? []), await readFile(path.join(fixture, 'cover.jpg')))).toBe(0);
    expect(epub.names).not.toContain('OEBPS/images/cover.png');
    expect(await epub.text('OEBPS/content.opf')).toContain(
      '<item id="cover-image" href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>',
    );
    expect(await epub.text('OEBPS/cover.xhtml')).toContain('<img src="images/cover.jpg" alt="आवरण: अपना आवरण, लेखक"');
  });
});

describe('the navigation', () => {
  it('nests sections under their chapters, in the nav and the NCX alike', async () => {
    const { epub } = built.multi;
    const expected = [
      [
        'chapter-01.xhtml',
        'पहला अध्याय',
        [
          ['chapter-01.xhtml#पहला-खंड', 'पहला खंड'],
          ['chapter-01.xhtml#दूसरा-खंड', 'दूसरा खंड'],
        ],
      ],
      ['chapter-02.xhtml', 'दूसरा अध्याय', [['chapter-02.xhtml#तीसरा-खंड', 'तीसरा खंड']]],
      // The notes are no section of the last chapter (issue 15 item 2).
      ['chapter-03.xhtml', 'तीसरा अध्याय', []],
    ];
    const nav = await epub.text('OEBPS/toc.xhtml');
    const toc = /<nav epub:type="toc" role="doc-toc"[^>]*>([\s\S]*?)<\/nav>/.exec(nav)?.[1] ?? '';
    const navTree = [...toc.matchAll(/<li><a href="([^"]+)">([^<]+)<\/a>(?:\s*<ol>([\s\S]*?)<\/ol>\s*)?<\/li>/g)].map(
      (match) => [
        match[1],
        match[2],
        [...(match[3] ?? '').matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((s) => [s[1], s[2]]),
      ],
    );
    expect(navTree).toEqual(expected);

    const ncx = await epub.text('OEBPS/toc.ncx');
    expect(ncx).toContain('<meta name="dtb:depth" content="2"/>');
    const points = [
      ...ncx.matchAll(
        /<navPoint id="([^"]+)"[^>]*>\s*<navLabel><text>([^<]+)<\/text><\/navLabel>\s*<content src="([^"]+)"\/>/g,
      ),
    ];
    expect(points.map((point) => [point[1], point[3], point[2]])).toEqual(
      expected.flatMap(([href, title, sections], index) => [
        [`nav-${index + 1}`, href, title],
        ...(sections as string[][]).map(([sectionHref, sectionTitle], sectionIndex) => [
          `nav-${index + 1}-${sectionIndex + 1}`,
          sectionHref,
          sectionTitle,
        ]),
      ]),
    );
  });

  it('has landmarks for the cover, title page, contents and body', async () => {
    const nav = await built.article.epub.text('OEBPS/toc.xhtml');
    const landmarks = /<nav epub:type="landmarks"[^>]*>([\s\S]*?)<\/nav>/.exec(nav)?.[1] ?? '';
    expect([...landmarks.matchAll(/<a epub:type="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[2]])).toEqual([
      ['cover', 'cover.xhtml'],
      ['titlepage', 'title-page.xhtml'],
      ['toc', 'contents.xhtml'],
      ['bodymatter', 'chapter-01.xhtml'],
    ]);
  });

  it('keeps the navigation document out of the reading order; the contents are a page of their own', async () => {
    // Issue 15 item 1: MuPDF, FBReader and pandoc show a spine nav's hidden landmarks and page-list.
    const opf = await built.article.epub.text('OEBPS/content.opf');
    const spine = [...(/<spine[^>]*>([\s\S]*?)<\/spine>/.exec(opf)?.[1] ?? '').matchAll(/idref="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(spine).toEqual(['cover', 'title-page', 'contents', 'chapter-01']);
    expect(opf).toContain('<item id="nav" href="toc.xhtml" media-type="application/xhtml+xml" properties="nav"/>');
    const contents = await built.article.epub.text('OEBPS/contents.xhtml');
    expect(contents).toContain(
      '<section class="contents" role="doc-toc" aria-labelledby="contents-title"><h1 id="contents-title">विषय-सूची</h1>',
    );
    expect(contents).not.toMatch(/मार्गदर्शिका|पृष्ठ-सूची/);
  });

  it('places each page-break where that page of the A5 book begins', async () => {
    const { epub } = built.article;
    const nav = await epub.text('OEBPS/toc.xhtml');
    const listed = [...nav.matchAll(/<li><a href="chapter-01\.xhtml#page-(\d+)">(\d+)<\/a><\/li>/g)].map((m) =>
      Number(m[1]),
    );
    const pageCount = Number((await pdfInfo(bookPdf))['Pages']);
    expect(listed.length).toBeGreaterThanOrEqual(1);
    expect(listed.at(-1)).toBe(pageCount);

    const chapter = await epub.text('OEBPS/chapter-01.xhtml');
    const breaks = [
      ...chapter.matchAll(/<span id="page-(\d+)" epub:type="pagebreak" role="doc-pagebreak" aria-label="\1" \/>/g),
    ];
    expect(breaks.map((match) => Number(match[1]))).toEqual(listed);
    for (const match of breaks) {
      const page = Number(match[1]);
      // The words right after the break are at the top of that printed page, not on the one before.
      const after = chapter.slice((match.index ?? 0) + match[0].length).replace(/<[^>]+>/g, ' ');
      const words = after.split(/\s+/).filter(Boolean).slice(0, 4).join('');
      const onPage = async (n: number) =>
        (await exec('pdftotext', ['-enc', 'UTF-8', '-f', String(n), '-l', String(n), bookPdf, '-'])).stdout.replace(
          /\s+/g,
          '',
        );
      expect(await onPage(page), `page ${page}`).toContain(words);
      expect(await onPage(page - 1), `page ${page - 1}`).not.toContain(words);
    }

    const ncx = await epub.text('OEBPS/toc.ncx');
    expect(ncx).toContain(`<meta name="dtb:maxPageNumber" content="${pageCount}"/>`);
    expect([...ncx.matchAll(/<pageTarget [^>]*value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(listed);
  });
});

describe('the Kobo edition (--format kepub)', () => {
  it('marks every sentence as kepubify does, keeps every word, and passes EPUBCheck', async () => {
    const out = await tempDir();
    const run = await mudran(['build', MULTI_CHAPTER, '--out', out, '--format', 'epub,kepub']);
    expect(run.code, run.stderr).toBe(0);
    const file = path.join(out, 'input.kepub.epub');
    const report = await epubcheck(file);
    expect(report.messages.filter((message) => /ERROR|FATAL/.test(message.severity))).toEqual([]);
    const kepub = await readEpub(await readFile(file));
    const epub = await readEpub(await readFile(path.join(out, 'input.epub')));
    const textOf = (xhtml: string) => xhtml.replace(/<[^>]+>/g, '').replace(/\s+/g, '');
    for (const chapter of ['OEBPS/chapter-01.xhtml', 'OEBPS/chapter-02.xhtml', 'OEBPS/chapter-03.xhtml']) {
      const marked = await kepub.text(chapter);
      expect(marked).toContain('<div id="book-columns"><div id="book-inner">');
      const ids = [...marked.matchAll(/<span class="koboSpan" id="(kobo\.\d+\.\d+)">/g)].map((match) => match[1]);
      expect(ids.length).toBeGreaterThan(1);
      expect(new Set(ids).size).toBe(ids.length);
      expect(textOf(marked)).toBe(textOf(await epub.text(chapter)));
    }
    // One sentence a span: the danda ends a sentence.
    expect(await kepub.text('OEBPS/chapter-01.xhtml')).toContain(
      '<p><span class="koboSpan" id="kobo.4.1">पहले खंड का पाठ। </span><span class="koboSpan" id="kobo.4.2">हर वाक्य एक दंड पर समाप्त होता है।</span></p>',
    );
  });
});
