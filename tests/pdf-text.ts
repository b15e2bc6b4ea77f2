import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as mupdf from 'mupdf';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const exec = promisify(execFile);

/** The three text extractors readers meet: poppler (desktop viewers, search tools), MuPDF, pdf.js (Firefox). */
export const EXTRACTORS = ['poppler', 'mupdf', 'pdfjs'] as const;
export type Extractor = (typeof EXTRACTORS)[number];

/** The whole text of a PDF as one extractor reads it, pages in order. */
export async function extractText(pdf: Uint8Array, extractor: Extractor): Promise<string> {
  switch (extractor) {
    case 'poppler':
      return popplerText(pdf);
    case 'mupdf':
      return mupdfText(pdf);
    case 'pdfjs':
      return pdfjsText(pdf);
  }
}

async function popplerText(pdf: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mudran-pdftotext-'));
  try {
    const file = path.join(dir, 'in.pdf');
    await writeFile(file, pdf);
    const { stdout } = await exec('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function mupdfText(pdf: Uint8Array): string {
  const document = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    const pages: string[] = [];
    for (let index = 0; index < document.countPages(); index++) {
      const page = document.loadPage(index);
      const text = page.toStructuredText('');
      pages.push(text.asText());
      text.destroy();
      page.destroy();
    }
    return pages.join('\n');
  } finally {
    document.destroy();
  }
}

/** What Firefox's find bar and text layer see: the items joined, a line break at each end of line. */
async function pdfjsText(pdf: Uint8Array): Promise<string> {
  // pdf.js takes ownership of (and detaches) the buffer it is given.
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      page.cleanup();
    }
    return pages.join('\n');
  } finally {
    await document.destroy();
  }
}

/** Words as a reader searches for them: NFC, split at white space, outer punctuation trimmed. */
export function wordsOf(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/\s+/u)
    .map((word) => word.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter((word) => word !== '');
}

export interface Recall {
  recall: number;
  /** Manuscript words the extracted text does not give back, each as often as it is missing. */
  missing: string[];
}

/** The share of the expected words (counted with repeats) found as whole words in the extracted text. */
export function wordRecall(expected: readonly string[], extracted: string): Recall {
  const available = new Map<string, number>();
  for (const word of wordsOf(extracted)) available.set(word, (available.get(word) ?? 0) + 1);
  const missing: string[] = [];
  for (const word of expected.flatMap((each) => wordsOf(each))) {
    const left = available.get(word) ?? 0;
    if (left > 0) available.set(word, left - 1);
    else missing.push(word);
  }
  const total = expected.flatMap((each) => wordsOf(each)).length;
  return { recall: total === 0 ? 1 : (total - missing.length) / total, missing };
}

/** A run of text as pdf.js places it: baseline origin and size in PDF points, y up from the foot. */
export interface PlacedText {
  text: string;
  x: number;
  y: number;
  size: number;
  width: number;
}

/** Every page's text runs with their places, and each page's size, read by pdf.js. */
export async function placedText(pdf: Uint8Array): Promise<{ width: number; height: number; runs: PlacedText[] }[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const pages = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const [, , width, height] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const runs: PlacedText[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        const [, , c, d, x, y] = item.transform as number[];
        runs.push({ text: item.str, x: x!, y: y!, size: Math.hypot(c!, d!), width: item.width });
      }
      pages.push({ width, height, runs });
      page.cleanup();
    }
    return pages;
  } finally {
    await document.destroy();
  }
}
