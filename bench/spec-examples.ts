/**
 * Markdown spec examples through `check` and `build --format epub` (see tests/spec-examples.ts):
 * CommonMark's 652 from npm, and any other spec.txt given with `--spec FILE`, such as GFM's
 * `test/spec.txt` from github/cmark-gfm (not on npm; fetch the repository). Run by `make bench`.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { commonMarkExamples, runSpecExamples, specExamples } from '../tests/spec-examples.ts';

const { values } = parseArgs({ options: { spec: { type: 'string', multiple: true } } });
const specs: [string, Promise<Awaited<ReturnType<typeof commonMarkExamples>>>][] = [
  ['CommonMark (npm commonmark-spec)', commonMarkExamples()],
  ...(values.spec ?? []).map((file): [string, ReturnType<typeof commonMarkExamples>] => [
    file,
    readFile(file, 'utf8').then(specExamples),
  ]),
];
for (const [name, examples] of specs) {
  const report = await runSpecExamples(await examples, await mkdtemp(path.join(os.tmpdir(), 'mudran-spec-')));
  console.log(
    `${name}: ${report.examples} examples; crashes ${report.crashes.length}; unplaced messages ${report.unplaced.length}`,
  );
  for (const line of [...report.crashes, ...report.unplaced]) console.log(`  ${line}`);
  console.log(`  with errors (not built): ${report.withErrors.length}; built: ${report.built}`);
  for (const [message, numbers] of report.invalid) {
    console.log(`  ${numbers.length} EPUBs invalid: ${message} (e.g. ${numbers.slice(0, 5).join(', ')})`);
  }
  console.log(`  examples with words lost: ${report.lostWords.size}`);
  for (const [number, words] of report.lostWords) console.log(`    ${number}: ${words.slice(0, 8).join(' ')}`);
}
