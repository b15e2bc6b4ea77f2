/**
 * The CommonMark spec's 652 examples (npm `commonmark-spec`, installed by `npm ci`, not copied
 * here), each as a manuscript: how many `check` crashes on (none may), how many have errors
 * (missing images, characters no font draws), and of those without errors how many EPUBs
 * epubcheck-ts finds invalid, by message. Known today: links to files the EPUB does not hold,
 * and empty lists or titles (issue 21 item 9, issue 15 item 7). Run by `make bench`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { epubcheckTs } from '../tests/epub-tools.ts';

const exec = promisify(execFile);
const MUDRAN = path.resolve(import.meta.dirname, '../bin/mudran');
const { tests: examples } = createRequire(import.meta.url)('commonmark-spec') as {
  tests: { markdown: string; number: number; section: string }[];
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'mudran-spec-'));
const clean: number[] = [];
let crashes = 0;
let unplaced = 0;
for (const example of examples) {
  const name = `e${example.number}.md`;
  await writeFile(path.join(dir, name), `---\ntitle: उदाहरण ${example.number}\n---\n\n${example.markdown}`);
  try {
    const file = await readManuscript(name, dir);
    await checkManuscript(file);
    unplaced += file.messages.filter((message) => !message.line || !message.ruleId).length;
    if (!file.messages.some((message) => message.fatal)) clean.push(example.number);
  } catch (error) {
    crashes += 1;
    console.error(`example ${example.number}: ${String(error)}`);
  }
}
await exec(MUDRAN, ['build', ...clean.map((n) => `e${n}.md`), '--format', 'epub', '--out', 'out', '--quiet'], {
  cwd: dir,
  env: { ...process.env, MUDRAN_SERVER: '0' },
  maxBuffer: 64 * 1024 * 1024,
});
const kinds = new Map<string, number[]>();
for (const n of clean) {
  const report = await epubcheckTs(await readFile(path.join(dir, 'out', `e${n}.epub`)));
  for (const message of new Set(report.messages.map((m) => m.message.replace(/"[^"]*"|: .*$/g, '…')))) {
    kinds.set(message, [...(kinds.get(message) ?? []), n]);
  }
}
console.log(`CommonMark spec examples: ${examples.length}; check crashed on ${crashes}; unplaced messages ${unplaced}`);
console.log(`with errors (not built): ${examples.length - clean.length}; built: ${clean.length}`);
for (const [message, numbers] of [...kinds].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`  ${numbers.length} EPUBs: ${message} (e.g. ${numbers.slice(0, 5).join(', ')})`);
}
