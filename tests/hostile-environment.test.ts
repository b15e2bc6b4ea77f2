import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../src/input/manuscript.ts';
import { BrowserSession } from '../src/print/browser.ts';
import { ARTICLE, alive, copyMudran, mudran, tempDir } from './tools.ts';

const exec = promisify(execFile);

/** An executable standing in for Chromium; it records its pid so the test can see it ended. */
async function fakeBrowser(body: string): Promise<{ executable: string; pids: string }> {
  const folder = await tempDir('fake-chromium-');
  const executable = path.join(folder, 'chromium');
  const pids = path.join(folder, 'pids');
  await writeFile(executable, `#!/bin/sh\necho $$ >> ${pids}\n${body}\n`);
  await chmod(executable, 0o755);
  return { executable, pids };
}

describe('clear failures', () => {
  it('refuses a 20 MB manuscript at 1:1 with exit 1, before parsing it', async () => {
    const input = path.join(await tempDir(), 'big.md');
    await writeFile(input, `---\ntitle: बड़ा\n---\n\n${'पाठ का एक वाक्य।\n'.repeat(500_000)}`);
    const run = await mudran(['check', input]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /big\.md:1:1: error: Unexpected manuscript of 2\d\.\d MB, expected at most 8\.0 MB.* \[input-size\]/,
    );
  });

  it('tries a browser that crashes at start twice, then exits 2 naming it', async () => {
    const fake = await fakeBrowser('exit 1');
    const run = await mudran(['build', ARTICLE, '--out', await tempDir(), '--format', 'pdf'], {
      env: { PUPPETEER_EXECUTABLE_PATH: fake.executable },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`mudran: Chromium (${fake.executable}) did not start, twice:`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect((await readFile(fake.pids, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('gives a browser that hangs at start a time limit, one retry, then exits 2; nothing is left running', async () => {
    const fake = await fakeBrowser('exec sleep 60');
    const run = await mudran(['build', ARTICLE, '--out', await tempDir(), '--format', 'pdf'], {
      env: { PUPPETEER_EXECUTABLE_PATH: fake.executable, MUDRAN_BROWSER_TIMEOUT_MS: '2000' },
    });
    const pids = (await readFile(fake.pids, 'utf8')).trim().split('\n').map(Number);
    const survivors = pids.filter(alive);
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/did not start, twice: .*Timed out after 2000 ms/);
    expect(pids).toHaveLength(2);
    expect(survivors).toEqual([]);
  });

  it('replaces a browser that dies in the middle of the work, once', async () => {
    const session = new BrowserSession();
    try {
      const first = await session.start();
      first.process()?.kill('SIGKILL');
      const title = await session.run(async (browser) => {
        const page = await browser.newPage();
        await page.setContent('<title>ठीक</title>');
        return page.title();
      });
      expect(title).toBe('ठीक');
      const dying = session.run(async (browser) => {
        browser.process()?.kill('SIGKILL');
        const page = await browser.newPage();
        return page.title();
      });
      await expect(dying).rejects.toThrow(EnvironmentError);
      await expect(dying).rejects.toThrow(/Chromium crashed or hung twice while printing/);
    } finally {
      await session.close();
    }
  });

  it.each([
    ['a file where the folder should be', (file: string) => file],
    ['a folder inside a file', (file: string) => path.join(file, 'dist')],
  ])('exits 2 when the output folder cannot be made: %s', async (_, outOf) => {
    const file = path.join(await tempDir(), 'not-a-folder');
    await writeFile(file, 'x');
    const run = await mudran(['build', ARTICLE, '--out', outOf(file), '--format', 'epub']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^mudran: cannot (create the output folder|write)/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 naming the font file when one of mudran’s fonts is missing', async () => {
    // A copy of mudran without one font.
    const copy = await copyMudran();
    await rm(path.join(copy, 'fonts/NotoSerifDevanagari-Regular.ttf'));
    const manuscript = path.join(copy, 'manuscript/russia-pakistan.md');
    await mkdir(path.join(copy, 'dist'));
    for (const format of ['pdf', 'epub']) {
      const run = await exec(path.join(copy, 'bin/mudran'), [
        'build',
        manuscript,
        '--out',
        path.join(copy, 'dist'),
        '--format',
        format,
      ]).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^mudran: .*NotoSerifDevanagari-Regular.ttf/m);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
