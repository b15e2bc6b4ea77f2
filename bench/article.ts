// The article's full build (EPUB, book, handout) against Debian's Chromium printing the same
// article from its command line, and mudran's EPUB against Pandoc's. Runs alternate so both
// sides share whatever else the machine is doing; medians of RUNS.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { plainHtml } from './lib/generate.ts';
import {
  ARTICLE,
  BuildServer,
  MUDRAN,
  chromiumPrint,
  ensureOk,
  header,
  measure,
  median,
  row,
  secondsText,
  tempDir,
} from './lib/measure.ts';

const RUNS = Number(process.env['RUNS'] ?? 3);
const dir = await tempDir();
const html = path.join(dir, 'article.html');
await plainHtml(ARTICLE, html);

const hasPandoc = (() => {
  try {
    execFileSync('pandoc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const help: number[] = [];
const build: number[] = [];
const buildCpu: number[] = [];
const oneShot: number[] = [];
const oneShotCpu: number[] = [];
const cold: number[] = [];
const coldCpu: number[] = [];
const chromium: number[] = [];
const chromiumCpu: number[] = [];
const epub: number[] = [];
const pandoc: number[] = [];
// The build server a `make` finds running after the first one (its caches warm too).
const server = await BuildServer.start(await tempDir());
ensureOk(
  'mudran build (warming the server)',
  await measure(MUDRAN, ['build', ARTICLE, '--out', path.join(dir, 'warm-up')], { server }),
);
try {
  for (let run = 0; run < RUNS; run++) {
    const helped = await measure(MUDRAN, ['--help']);
    ensureOk('mudran --help', helped);
    help.push(helped.seconds);
    // Cold: the first build of a session: no build server running, no checked words or font
    // subsets from an earlier run (a fresh TMPDIR). It starts the server (stopped after, its CPU counted).
    const first = await measure(MUDRAN, ['build', ARTICLE, '--out', path.join(dir, `cold-${run}`)], {
      cold: true,
      server: 'start',
    });
    ensureOk('mudran build (cold)', first);
    cold.push(first.seconds);
    coldCpu.push(first.cpuSeconds);
    // Warm: the author's loop, rebuilding after an edit, served by the running build server.
    const built = await measure(MUDRAN, ['build', ARTICLE, '--out', path.join(dir, `out-${run}`)], { server });
    ensureOk('mudran build', built);
    build.push(built.seconds);
    buildCpu.push(built.cpuSeconds);
    const printed = await chromiumPrint(html, path.join(dir, `chromium-${run}.pdf`));
    ensureOk('chromium --print-to-pdf', printed);
    chromium.push(printed.seconds);
    chromiumCpu.push(printed.cpuSeconds);
    // Warm caches without a server (MUDRAN_SERVER=0, as in CI): the command starts its own Chromium.
    const alone = await measure(MUDRAN, ['build', ARTICLE, '--out', path.join(dir, `alone-${run}`)], {
      tmpdir: server.tmpdir,
    });
    ensureOk('mudran build (MUDRAN_SERVER=0)', alone);
    oneShot.push(alone.seconds);
    oneShotCpu.push(alone.cpuSeconds);
    const packed = await measure(
      MUDRAN,
      ['build', ARTICLE, '--format', 'epub', '--out', path.join(dir, `epub-${run}`)],
      { server },
    );
    ensureOk('mudran build --format epub', packed);
    epub.push(packed.seconds);
    if (hasPandoc) {
      const converted = await measure('pandoc', [ARTICLE, '-o', path.join(dir, `pandoc-${run}.epub`)]);
      ensureOk('pandoc', converted);
      pandoc.push(converted.seconds);
    }
  }
} finally {
  await server.stop();
}

// The author's loop: `build --watch` rebuilds the article after each save, on the Chromium
// it started once. Timed from the save to the last output written.
const rebuild = await watchRebuilds(RUNS);

header(
  `The article (${path.relative(process.cwd(), ARTICLE)}), medians of ${RUNS} runs; full build = EPUB + book + handout`,
);
/** The full build's wall time (judged against the goal) and CPU time, each against bare Chromium's. */
function buildRows(caches: string, wall: number[], cpu: number[]): void {
  const ratio = median(wall) / median(chromium);
  row(
    `full build, ${caches}`,
    secondsText(median(wall)),
    `${secondsText(median(chromium))} chromium`,
    `${ratio.toFixed(2)}×`,
    '≤ 0.8×',
    ratio <= 0.8,
  );
  row(
    `full build, ${caches}, CPU time`,
    secondsText(median(cpu)),
    `${secondsText(median(chromiumCpu))} chromium`,
    `${(median(cpu) / median(chromiumCpu)).toFixed(2)}×`,
    '',
  );
}
buildRows('cold (first build, starts the server)', cold, coldCpu);
buildRows('warm, build server running', build, buildCpu);
buildRows('warm, no server (MUDRAN_SERVER=0)', oneShot, oneShotCpu);
{
  const ratio = median(rebuild) / median(chromium);
  row(
    'rebuild after a save (build --watch)',
    secondsText(median(rebuild)),
    `${secondsText(median(chromium))} chromium`,
    `${ratio.toFixed(2)}×`,
    '≤ 0.8×',
    ratio <= 0.8,
  );
}
if (hasPandoc) {
  row(
    'EPUB only (build --format epub), server',
    secondsText(median(epub)),
    `${secondsText(median(pandoc))} pandoc`,
    `${(median(epub) / median(pandoc)).toFixed(2)}×`,
    '',
  );
} else {
  row('EPUB only (build --format epub), server', secondsText(median(epub)), 'no pandoc', '', '');
}
row('mudran --help', secondsText(median(help)), '', '', '');

/** Seconds from each save of the manuscript to `build --watch` having written all three outputs again. */
async function watchRebuilds(runs: number): Promise<number[]> {
  const folder = await tempDir();
  const manuscript = path.join(folder, 'article.md');
  await copyFile(ARTICLE, manuscript);
  const watcher = spawn(MUDRAN, ['build', manuscript, '--watch', '--out', path.join(folder, 'out')], {
    cwd: folder,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  watcher.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const seen = async (done: (text: string) => boolean, from: number): Promise<void> => {
    while (!done(stderr.slice(from))) {
      if (watcher.exitCode !== null) throw new Error(`build --watch exited: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const allWritten = (text: string) =>
    ['.epub', '.pdf', '-handout.pdf'].every((end) => text.includes(`article${end} (`));
  const seconds: number[] = [];
  try {
    await seen((text) => /watching for changes/.test(text), 0);
    for (let run = 0; run < runs; run++) {
      const mark = stderr.length;
      const start = performance.now();
      await appendFile(manuscript, `\nसंशोधन ${run + 1}।\n`);
      await seen(allWritten, mark);
      seconds.push((performance.now() - start) / 1000);
    }
  } finally {
    watcher.kill('SIGTERM');
    if (watcher.exitCode === null) await once(watcher, 'exit');
  }
  return seconds;
}
