// `mudran check` on a generated manuscript of about 100,000 words.
import path from 'node:path';
import { longManuscript } from './lib/generate.ts';
import { MUDRAN, ensureOk, header, measure, row, secondsText, tempDir } from './lib/measure.ts';

const dir = await tempDir();
const manuscript = path.join(dir, 'long.md');
let chapters = 1;
let words = await longManuscript(manuscript, chapters);
chapters = Math.ceil(100_000 / words);
while ((words = await longManuscript(manuscript, chapters)) < 100_000) chapters++;
const checked = await measure(MUDRAN, ['check', manuscript]);
ensureOk('mudran check', checked);

header('Checking');
row(`check, ${Math.round(words / 1000)},000 words`, secondsText(checked.seconds), '', '', '< 5 s', checked.seconds < 5);
