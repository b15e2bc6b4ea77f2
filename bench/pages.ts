// Long books: a generated ~300- and ~600-page A5 book, full build. Time per page of the
// book PDF, linearity (600 vs 300), and peak memory of mudran with its browser.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { longManuscript, plainHtml } from './lib/generate.ts';
import {
  BuildServer,
  MUDRAN,
  chromiumPrint,
  ensureOk,
  header,
  measure,
  row,
  secondsText,
  tempDir,
} from './lib/measure.ts';

// Chapters of the article's text that fill about 300 A5 pages (each chapter opens a page).
const CHAPTERS_300 = Number(process.env['CHAPTERS_300'] ?? 150);

const dir = await tempDir();
const results: {
  pages: number;
  seconds: number;
  cpuSeconds: number;
  peakBytes: number;
  peakProportionalBytes: number;
}[] = [];
let baseline = 0;
let warmSeconds = 0;
let servedSeconds = 0;
let servedCpuSeconds = 0;
let servedPeakProportionalBytes = 0;
let baselineCpu = 0;
for (const chapters of [CHAPTERS_300, CHAPTERS_300 * 2]) {
  const manuscript = path.join(dir, `book-${chapters}.md`);
  await longManuscript(manuscript, chapters);
  const out = path.join(dir, `out-${chapters}`);
  // Cold: a TMPDIR of its own, empty, so no cache of an earlier run helps.
  const caches = await mkdtemp(path.join(dir, 'tmp-'));
  const built = await measure(MUDRAN, ['build', manuscript, '--out', out], { tmpdir: caches });
  ensureOk(`mudran build of ${chapters} chapters`, built);
  // Peak memory in a run of its own: sampling /proc every 50 ms costs the timed runs seconds.
  const sampled =
    chapters === CHAPTERS_300
      ? undefined
      : await measure(MUDRAN, ['build', manuscript, '--out', `${out}-sampled`], { cold: true, memory: true });
  if (sampled) ensureOk(`mudran build of ${chapters} chapters, memory sampled`, sampled);
  if (chapters !== CHAPTERS_300) {
    // The same book built a second time by a build server: what the first build left in it counts.
    const server = await BuildServer.start(caches);
    try {
      ensureOk(
        `mudran build of ${chapters} chapters, warming the server`,
        await measure(MUDRAN, ['build', manuscript, '--out', out], { server }),
      );
      const again = await measure(MUDRAN, ['build', manuscript, '--out', out], { server, memory: true });
      ensureOk(`mudran build of ${chapters} chapters, served, memory sampled`, again);
      servedPeakProportionalBytes = again.peakProportionalBytes;
    } finally {
      await server.stop();
    }
  }
  if (chapters === CHAPTERS_300) {
    // Warm: the author rebuilding after an edit, with the first run's caches, without a server
    // (MUDRAN_SERVER=0, as in CI) and served by a build server that built the book once before.
    const again = await measure(MUDRAN, ['build', manuscript, '--out', out], { tmpdir: caches });
    ensureOk(`mudran build of ${chapters} chapters, again`, again);
    warmSeconds = again.seconds;
    const server = await BuildServer.start(caches);
    try {
      ensureOk(
        `mudran build of ${chapters} chapters, warming the server`,
        await measure(MUDRAN, ['build', manuscript, '--out', out], { server }),
      );
      const served = await measure(MUDRAN, ['build', manuscript, '--out', out], { server });
      ensureOk(`mudran build of ${chapters} chapters, served`, served);
      servedSeconds = served.seconds;
      servedCpuSeconds = served.cpuSeconds;
    } finally {
      await server.stop();
    }
  }
  const info = execFileSync('pdfinfo', [path.join(out, `book-${chapters}.pdf`)], { encoding: 'utf8' });
  results.push({
    pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]),
    seconds: built.seconds,
    cpuSeconds: built.cpuSeconds,
    peakBytes: sampled?.peakBytes ?? 0,
    peakProportionalBytes: sampled?.peakProportionalBytes ?? 0,
  });
  if (chapters === CHAPTERS_300) {
    const html = path.join(dir, 'book.html');
    await plainHtml(manuscript, html);
    const printed = await chromiumPrint(html, path.join(dir, 'chromium.pdf'));
    ensureOk('chromium --print-to-pdf', printed);
    baseline = printed.seconds;
    baselineCpu = printed.cpuSeconds;
  }
}
const [short, long] = results;
if (!short || !long) throw new Error('no results');

header('Long books (full build: EPUB + book + handout), one run each');
const perPage = short.seconds / short.pages;
row(
  `${short.pages}-page book, cold (no server, fresh caches): per page`,
  `${(perPage * 1000).toFixed(1)} ms`,
  `${((baseline / short.pages) * 1000).toFixed(1)} ms chromium`,
  `${(short.seconds / baseline).toFixed(2)}×`,
  '≤ 50 ms/page',
  perPage <= 0.05,
);
for (const [label, seconds] of [
  ['warm, build server running', servedSeconds],
  ['warm, no server', warmSeconds],
] as const) {
  row(
    `${short.pages}-page book, ${label}: per page`,
    `${((seconds / short.pages) * 1000).toFixed(1)} ms`,
    `${((baseline / short.pages) * 1000).toFixed(1)} ms chromium`,
    `${(seconds / baseline).toFixed(2)}×`,
    '≤ 50 ms/page',
    seconds / short.pages <= 0.05,
  );
}
row(`${short.pages}-page book, cold: wall time`, secondsText(short.seconds), secondsText(baseline), '', '');
row(
  `${short.pages}-page book, cold: CPU time`,
  secondsText(short.cpuSeconds),
  secondsText(baselineCpu),
  `${(short.cpuSeconds / baselineCpu).toFixed(2)}×`,
  '',
);
row(
  `${short.pages}-page book, build server running: CPU time`,
  secondsText(servedCpuSeconds),
  secondsText(baselineCpu),
  `${(servedCpuSeconds / baselineCpu).toFixed(2)}×`,
  '',
);
const growth = long.seconds / short.seconds;
row(
  `${long.pages} vs ${short.pages} pages: time growth`,
  `${growth.toFixed(2)}×`,
  `${(long.pages / short.pages).toFixed(2)}× pages`,
  '',
  '≤ 2.1×',
  growth <= 2.1,
);
// PSS counts a page shared by Chromium's processes once; the RSS sum counts it in each of them.
const pss = Math.max(short.peakProportionalBytes, long.peakProportionalBytes) / 1024 ** 3;
row(`peak memory (process tree PSS, ${long.pages} pages)`, `${pss.toFixed(2)} GiB`, '', '', '< 1.5 GiB', pss < 1.5);
const servedPss = servedPeakProportionalBytes / 1024 ** 3;
row(
  `peak memory, built again by a build server (PSS, ${long.pages} pages)`,
  `${servedPss.toFixed(2)} GiB`,
  '',
  '',
  '< 1.5 GiB',
  servedPss < 1.5,
);
const rss = Math.max(short.peakBytes, long.peakBytes) / 1024 ** 3;
row(`peak memory (process tree RSS sum)`, `${rss.toFixed(2)} GiB`, '', '', 'shared pages counted per process');
