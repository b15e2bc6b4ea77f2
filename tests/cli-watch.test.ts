import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyMudran, MUDRAN, tempDir } from './tools.ts';

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

  it('rebuilds when a template under templates/epub/ is saved', async () => {
    // A copy of mudran, so the test can edit its templates.
    const copy = await copyMudran();
    const dir = await tempDir();
    await writeFile(path.join(dir, 'one.md'), '---\ntitle: एक\n---\n\nपाठ।\n');
    const watcher = spawn(path.join(copy, 'bin/mudran'), ['build', 'one.md', '--watch', '--format', 'epub'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    watcher.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Bounded generously (a rebuild takes seconds): a save that is never seen fails the test.
    const seen = async (pattern: RegExp, from = 0): Promise<void> => {
      const deadline = Date.now() + 180_000;
      while (!pattern.test(stderr.slice(from))) {
        if (watcher.exitCode !== null) throw new Error(`watch exited: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`not seen: ${String(pattern)} in ${stderr.slice(from)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      await seen(/watching for changes/);
      const mark = stderr.length;
      await appendFile(path.join(copy, 'templates/epub/chapter.xhtml.ejs'), '\n');
      await seen(/wrote dist\/one\.epub/, mark);
    } finally {
      watcher.kill('SIGTERM');
      if (watcher.exitCode === null) await once(watcher, 'exit');
    }
  });
});
