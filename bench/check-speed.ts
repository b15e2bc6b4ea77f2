/**
 * How long `mudran check` takes on the article and on a 100,000-word manuscript made of the
 * article's words (written to a temporary folder): the real CLI's wall time (best of 3, Node
 * start and TypeScript loading included) and, in this process, the checks' own wall and CPU
 * time (CPU time stays honest on a busy machine). Run with `make bench-check`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const ARTICLE = path.join(ROOT, 'manuscript/russia-pakistan.md');
const WORDS = 100_000;
const RUNS = 3;

/** The article's body words, repeated into paragraphs of 80 words and chapters of 5,000. */
function longManuscript(article: string): string {
  const body = article.replace(/^---\n[\s\S]*?\n---\n/, '').replace(/^#+ .*$/gm, '');
  const words = body.split(/\s+/).filter(Boolean);
  const parts = ['---\ntitle: एक लाख शब्द\n---\n'];
  for (let i = 0; i < WORDS; i += 80) {
    if (i % 5000 === 0) parts.push(`# अध्याय ${i / 5000 + 1}\n`);
    const paragraph = Array.from({ length: Math.min(80, WORDS - i) }, (_, j) => words[(i + j) % words.length]);
    parts.push(`${paragraph.join(' ')}\n`);
  }
  return parts.join('\n');
}

/** One in-process check: wall and CPU seconds (the first one also loads the fonts). */
async function timeInProcess(file: string): Promise<string> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await checkManuscript(await readManuscript(file, ROOT));
  const used = process.cpuUsage(cpu);
  return `${((performance.now() - start) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`;
}

/**
 * Best of a few runs of the real CLI, in seconds. Each run gets a fresh TMPDIR, so no word
 * checked by an earlier run is reused (see src/fonts/check-cache.ts).
 */
async function timeCli(file: string): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const tmp = await mkdtemp(path.join(folder, 'tmp-'));
    const start = performance.now();
    await exec(path.join(ROOT, 'bin/mudran'), ['check', file], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      maxBuffer: 64 * 1024 * 1024,
    });
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

const folder = await mkdtemp(path.join(os.tmpdir(), 'mudran-bench-'));
// This process's own checks start cold too; the second reuses the words of the first.
process.env['TMPDIR'] = await mkdtemp(path.join(folder, 'tmp-'));
try {
  const article = await readFile(ARTICLE, 'utf8');
  const long = path.join(folder, 'long.md');
  const text = longManuscript(article);
  await writeFile(long, text);
  const distinct = new Set(text.split(/\s+/)).size;
  const articleWords = article.split(/\s+/).length;
  console.log(`in process, article (${articleWords} words, fonts loaded cold): ${await timeInProcess(ARTICLE)}`);
  console.log(
    `in process, ${WORDS.toLocaleString('en')} words (${distinct} distinct, already checked by the article): ${await timeInProcess(long)}`,
  );
  console.log(`bin/mudran check article, cold: ${(await timeCli(ARTICLE)).toFixed(2)} s wall`);
  console.log(`bin/mudran check ${WORDS.toLocaleString('en')} words, cold: ${(await timeCli(long)).toFixed(2)} s wall`);
} finally {
  await rm(folder, { recursive: true, force: true });
}
