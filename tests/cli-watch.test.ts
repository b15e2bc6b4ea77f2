import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUDRAN, tempDir } from './tools.ts';

describe('mudran build --watch', () => {
  it('rebuilds only the manuscript that was saved, on the browser it started once', async () => {
    const dir = await tempDir();
    for (const name of ['one', 'two']) {
      await writeFile(path.join(dir, `${name}.md`), `---\ntitle: ${name}\n---\n\nपाठ।\n`);
    }
    const watcher = spawn(MUDRAN, ['build', 'one.md', 'two.md', '--watch', '--format', 'epub', '--out', 'out'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const seen = (pattern: RegExp, from = 0): Promise<void> =>
      new Promise((resolve, reject) => {
        const look = (): void => {
          if (pattern.test(stderr.slice(from))) resolve();
        };
        watcher.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          look();
        });
        watcher.once('exit', () => reject(new Error(`watch exited: ${stderr}`)));
        look();
      });
    try {
      await seen(/watching for changes/);
      expect(stderr.match(/^wrote out\/(one|two)\.epub/gm)?.sort()).toEqual([
        'wrote out/one.epub',
        'wrote out/two.epub',
      ]);
      const mark = stderr.length;
      await appendFile(path.join(dir, 'two.md'), '\nनया अनुच्छेद।\n');
      await seen(/checked two\.md[\s\S]*wrote out\/two\.epub/, mark);
      expect(stderr.slice(mark)).not.toMatch(/one\.(md|epub)/);
      // The session's Chromium serves the rebuild: it was started once, before the first build.
      expect(stderr.slice(0, mark).match(/started the browser/g)).toHaveLength(1);
      expect(stderr.slice(mark)).not.toMatch(/started the browser/);
    } finally {
      watcher.kill('SIGTERM');
      if (watcher.exitCode === null) await once(watcher, 'exit');
    }
  });
});
