/**
 * The examples of a Markdown spec (CommonMark's from npm `commonmark-spec`, installed by `npm ci`;
 * GFM's `test/spec.txt` from github/cmark-gfm, given as a path) run through `check` and
 * `build --format epub`, one manuscript each: what crashed, which messages had no place, which
 * EPUBs the EPUB rules reject, and which words of the spec's own HTML for an example are missing
 * from its EPUB. Shared by tests/spec-examples.test.ts and bench/spec-examples.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { bookSchema } from '../src/pipeline/rehype-sanitize-book.ts';
import { epubcheckMany, readEpub } from './epub-tools.ts';
import { mudran } from './tools.ts';

export interface SpecExample {
  number: number;
  section: string;
  markdown: string;
  html: string;
}

/** The examples of a spec.txt, as the spec's own test runners read them (`→` is a tab). */
export function specExamples(text: string): SpecExample[] {
  const examples: SpecExample[] = [];
  let section = '';
  const tests = text.replace(/\r\n?/g, '\n').replace(/^<!-- END TESTS -->[\s\S]*/m, '');
  for (const match of tests.matchAll(/^`{32} example[^\n]*\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$/gm)) {
    if (match[3] !== undefined) {
      section = match[3];
      continue;
    }
    const tab = (part: string | undefined) => (part ?? '').replaceAll('→', '\t');
    examples.push({ number: examples.length + 1, section, markdown: tab(match[1]), html: tab(match[2]) });
  }
  return examples;
}

export async function commonMarkExamples(): Promise<SpecExample[]> {
  const specFile = path.join(import.meta.dirname, '../node_modules/commonmark-spec/spec.txt');
  return specExamples(await readFile(specFile, 'utf8'));
}

export interface SpecReport {
  examples: number;
  crashes: string[];
  unplaced: string[];
  /** Examples with errors (an image the folder lacks, a character no font draws): not built. */
  withErrors: number[];
  built: number;
  /** EPUB rule → the examples whose EPUB broke it. */
  invalid: Map<string, number[]>;
  /** Example → words of the spec's HTML its EPUB does not hold. */
  lostWords: Map<number, string[]>;
}

/** Runs every example in `dir` (which it fills): check in process, one build for all, each EPUB read back. */
export async function runSpecExamples(examples: readonly SpecExample[], dir: string): Promise<SpecReport> {
  const report: SpecReport = {
    examples: examples.length,
    crashes: [],
    unplaced: [],
    withErrors: [],
    built: 0,
    invalid: new Map(),
    lostWords: new Map(),
  };
  const clean: SpecExample[] = [];
  for (const example of examples) {
    const name = `e${example.number}.md`;
    await writeFile(path.join(dir, name), `---\ntitle: उदाहरण ${example.number}\n---\n\n${example.markdown}`);
    try {
      const file = await readManuscript(name, dir);
      await checkManuscript(file);
      for (const message of file.messages) {
        if (!message.line || !message.ruleId) report.unplaced.push(`${example.number}: ${message.reason}`);
      }
      if (file.messages.some((message) => message.fatal)) report.withErrors.push(example.number);
      else clean.push(example);
    } catch (error) {
      report.crashes.push(`${example.number}: ${String(error)}`);
    }
  }
  const run = await mudran(
    ['build', ...clean.map((example) => `e${example.number}.md`), '--format', 'epub', '--out', 'out', '--quiet'],
    { cwd: dir },
  );
  if (run.code !== 0) report.crashes.push(`build: exit ${run.code}: ${run.stderr}`);
  const epubOf = (example: SpecExample) => path.join(dir, 'out', `e${example.number}.epub`);
  const checked = await epubcheckMany(clean.map(epubOf));
  for (const example of clean) {
    const bytes = await readFile(epubOf(example));
    report.built += 1;
    const kinds = (checked.get(epubOf(example)) ?? []).map((line) =>
      line.replace(/^(\w+\([\w-]+\)).*?\): /, '$1 ').replace(/"[^"]*"/g, '…'),
    );
    for (const kind of new Set(kinds)) report.invalid.set(kind, [...(report.invalid.get(kind) ?? []), example.number]);
    const lost = missingWords(specWords(example.html), await epubWords(bytes));
    if (lost.length) report.lostWords.set(example.number, lost);
  }
  return report;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words a reader sees in a tree, image descriptions included, not descending into `skipped` elements. */
function wordsOf(tree: Root, skipped: ReadonlySet<string> = new Set()): string[] {
  const words: string[] = [];
  const walk = (node: Root | RootContent) => {
    if (node.type === 'text') words.push(...(node.value.match(WORD) ?? []));
    if (node.type !== 'element' && node.type !== 'root') return;
    if (node.type === 'element') {
      if (skipped.has(node.tagName)) return;
      const alt = node.tagName === 'img' ? node.properties['alt'] : undefined;
      if (typeof alt === 'string') words.push(...(alt.match(WORD) ?? []));
    }
    for (const child of node.children) walk(child);
  };
  walk(tree);
  return words;
}

/** The words of the spec's HTML, leaving out what a book removes with its content. */
function specWords(html: string): string[] {
  return wordsOf(fromHtml(html, { fragment: true }), new Set(bookSchema.strip));
}

/** Every word of the EPUB's chapters. */
async function epubWords(bytes: Uint8Array): Promise<string[]> {
  const epub = await readEpub(bytes);
  const chapters = epub.names.filter((entry) => /chapter-\d+\.xhtml$/.test(entry));
  return (await Promise.all(chapters.map(async (name) => wordsOf(fromHtml(await epub.text(name)))))).flat();
}

/** Words of `expected` that `actual` holds fewer times than `expected` does. */
function missingWords(expected: readonly string[], actual: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const word of actual) counts.set(word, (counts.get(word) ?? 0) + 1);
  const missing: string[] = [];
  for (const word of expected) {
    const left = counts.get(word) ?? 0;
    if (left > 0) counts.set(word, left - 1);
    else missing.push(word);
  }
  return missing;
}
