import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { toString } from 'hast-util-to-string';
import { transformManuscript } from '../src/pipeline/index.ts';
import { ARTICLE, epubcheck, mudran, pdfFonts, pdfInfo, pdfText, tempDir, type Run } from './tools.ts';

// One real build of the article (EPUB, A5 book, A4 handout) checked with the real tools.
let out: string;
let run: Run;
let manuscriptWords: string[];
const TITLE = 'पुतिन ने पाकिस्तान के साथ संबंध को बताया ‘आपसी फायदेमंद’';

beforeAll(async () => {
  out = await tempDir();
  run = await mudran(['build', ARTICLE, '--out', out]);
  const file = new VFile({ path: ARTICLE, value: await readFile(ARTICLE, 'utf8') });
  manuscriptWords = toString(await transformManuscript(file))
    .split(/\s+/)
    .filter(Boolean);
});

describe('building the article', () => {
  it('exits 0 and writes the three outputs named after the manuscript', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'russia-pakistan-handout.pdf',
      'russia-pakistan.epub',
      'russia-pakistan.pdf',
    ]);
  });

  it('writes an EPUB that EPUBCheck 4.2.6 passes with nothing to report', async () => {
    const report = await epubcheck(path.join(out, 'russia-pakistan.epub'));
    expect(report.checker.checkerVersion).toBe('4.2.6');
    expect(report.messages).toEqual([]);
    expect(report.checker.nError + report.checker.nFatal + report.checker.nWarning).toBe(0);
  });

  it.each([
    ['russia-pakistan.pdf', 419.5, 595.3, /A5/],
    ['russia-pakistan-handout.pdf', 595.3, 841.9, /A4/],
  ])(
    'prints %s at its page size, titled, tagged, with an outline and language hi',
    async (name, width, height, paper) => {
      const file = path.join(out, name);
      const info = await pdfInfo(file);
      const size = /^([\d.]+) x ([\d.]+) pts/.exec(info['Page size'] ?? '');
      // Chrome rounds the page to whole CSS pixels: within 1 pt of the paper size.
      expect(Math.abs(Number(size?.[1]) - width)).toBeLessThan(1);
      expect(Math.abs(Number(size?.[2]) - height)).toBeLessThan(1);
      expect(info['Page size']).toMatch(paper);
      expect(info['Title']).toBe(TITLE);
      expect(info['Tagged']).toBe('yes');

      const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false });
      const lang = pdf.catalog.lookup(PDFName.of('Lang'));
      expect(lang instanceof PDFString ? lang.decodeText() : String(lang)).toBe('hi');
      expect(pdf.catalog.lookup(PDFName.of('Outlines'))).toBeInstanceOf(PDFDict);
    },
  );

  it.each(['russia-pakistan.pdf', 'russia-pakistan-handout.pdf'])(
    'embeds every font of %s as TrueType, none Type 3',
    async (name) => {
      const fonts = await pdfFonts(path.join(out, name));
      expect(fonts.map((font) => font.name).join(' ')).toMatch(/NotoSerifDevanagari-Regular/);
      for (const font of fonts) {
        expect(font, font.name).toMatchObject({ embedded: true });
        expect(font.type, font.name).toMatch(/TrueType/);
      }
    },
  );

  it.each(['russia-pakistan.pdf', 'russia-pakistan-handout.pdf'])(
    'gives back every word of the manuscript from %s once whitespace is ignored',
    async (name) => {
      const text = (await pdfText(path.join(out, name))).replace(/\s+/g, '').normalize('NFC');
      const missing = manuscriptWords.filter((word) => !text.includes(word.normalize('NFC')));
      expect(manuscriptWords.length).toBeGreaterThan(500);
      expect(missing).toEqual([]);
    },
  );
});
