// The article's full build (EPUB, book, handout) against Debian's Chromium printing the same
// article from its command line, and mudran's EPUB against Pandoc's. Runs alternate so both
// sides share whatever else the machine is doing; medians of RUNS.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { plainHtml } from './lib/generate.ts';
import {
  ARTICLE,
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
const chromium: number[] = [];
const chromiumCpu: number[] = [];
const epub: number[] = [];
const pandoc: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const helped = await measure(MUDRAN, ['--help']);
  ensureOk('mudran --help', helped);
  help.push(helped.seconds);
  const built = await measure(MUDRAN, ['build', ARTICLE, '--out', path.join(dir, `out-${run}`)]);
  ensureOk('mudran build', built);
  build.push(built.seconds);
  buildCpu.push(built.cpuSeconds);
  const printed = await chromiumPrint(html, path.join(dir, `chromium-${run}.pdf`));
  ensureOk('chromium --print-to-pdf', printed);
  chromium.push(printed.seconds);
  chromiumCpu.push(printed.cpuSeconds);
  const packed = await measure(MUDRAN, ['build', ARTICLE, '--format', 'epub', '--out', path.join(dir, `epub-${run}`)]);
  ensureOk('mudran build --format epub', packed);
  epub.push(packed.seconds);
  if (hasPandoc) {
    const converted = await measure('pandoc', [ARTICLE, '-o', path.join(dir, `pandoc-${run}.epub`)]);
    ensureOk('pandoc', converted);
    pandoc.push(converted.seconds);
  }
}

header(`The article (${path.relative(process.cwd(), ARTICLE)}), medians of ${RUNS} runs`);
const buildRatio = median(build) / median(chromium);
row(
  'full build (EPUB + book + handout)',
  secondsText(median(build)),
  `${secondsText(median(chromium))} chromium`,
  `${buildRatio.toFixed(2)}×`,
  '≤ 0.8×',
  buildRatio <= 0.8,
);
row(
  'full build, CPU time (user + system)',
  secondsText(median(buildCpu)),
  `${secondsText(median(chromiumCpu))} chromium`,
  `${(median(buildCpu) / median(chromiumCpu)).toFixed(2)}×`,
  '',
);
if (hasPandoc) {
  row(
    'EPUB only (build --format epub)',
    secondsText(median(epub)),
    `${secondsText(median(pandoc))} pandoc`,
    `${(median(epub) / median(pandoc)).toFixed(2)}×`,
    '',
  );
} else {
  row('EPUB only (build --format epub)', secondsText(median(epub)), 'no pandoc', '', '');
}
row('mudran --help', secondsText(median(help)), '', '', '');
