import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../src/input/manuscript.ts';
import { BrowserSession } from '../src/print/browser.ts';
import { longManuscript } from '../bench/lib/generate.ts';
import { ARTICLE, alive, copyMudran, mudran, pdfInfo, tempDir } from './tools.ts';

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

  it('says garbage on the browser’s pipe in one line, exit 2 (puppeteer parses it where no try reaches)', async () => {
    const fake = await fakeBrowser(`printf 'garbage{\\0' >&4\nsleep 5`);
    const run = await mudran(['build', ARTICLE, '--out', await tempDir(), '--format', 'pdf', '--quiet'], {
      env: { PUPPETEER_EXECUTABLE_PATH: fake.executable },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'mudran: the browser failed unexpectedly: Unexpected token \'g\', "garbage{" is not valid JSON (--debug shows where)',
    ]);
  });

  it('gives a long book more time than one step: a print longer than MUDRAN_BROWSER_TIMEOUT_MS builds', async () => {
    // About 1,200 pages; the time limit of a step is 5 s, and loading and printing the book
    // takes longer (puppeteer's own print was bounded by the step limit, or by 180 s at most).
    const dir = await tempDir();
    const manuscript = path.join(dir, 'long.md');
    await longManuscript(manuscript, 600);
    const run = await mudran(['build', manuscript, '--out', dir, '--format', 'pdf', '--quiet'], {
      env: { MUDRAN_BROWSER_TIMEOUT_MS: '5000', MUDRAN_TRACE: '1' },
    });
    expect(run.code, run.stderr).toBe(0);
    const at = (step: string) =>
      [...run.stderr.matchAll(new RegExp(`^\\s*(\\d+) ms  print long \\((\\d+) characters\\): ${step}$`, 'gm'))].map(
        (match) => Number(match[1]),
      );
    const printing = at('printing');
    const printed = at('printed');
    expect(printed).toHaveLength(2);
    expect(Math.max(...printed.map((end, index) => end - (printing[index] ?? end)))).toBeGreaterThan(5000);
    expect((await pdfInfo(path.join(dir, 'long.pdf')))['Pages']).toMatch(/^1\d{3}$/);
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

  it('refuses an output folder the system will never make (/proc/nope) at once, exit 2, before the browser starts', async () => {
    const started = performance.now();
    const run = await mudran(['build', ARTICLE, '--out', '/proc/nope', '--format', 'pdf', '--quiet'], {
      env: { MUDRAN_TRACE: '1' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^mudran: cannot create the output folder \/proc\/nope: .* \(choose another with --out\)$/m,
    );
    expect(run.stderr).not.toMatch(/browser …/);
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it.each([
    ['cut short', (bytes: Buffer) => bytes.subarray(0, 30_000), /its \w+ table ends past the file's end/],
    ['not a font', () => Buffer.alloc(3000, 7), /Unknown font format/],
  ])('exits 2 naming the font file when one of mudran’s fonts is %s, in check and build', async (_, damage, why) => {
    const copy = await copyMudran();
    const font = path.join(copy, 'fonts/NotoSerifDevanagari-Regular.ttf');
    await writeFile(font, damage(await readFile(font)));
    const manuscript = path.join(copy, 'manuscript/russia-pakistan.md');
    for (const args of [
      ['check', manuscript],
      ['build', manuscript, '--out', path.join(copy, 'dist'), '--quiet'],
    ]) {
      const run = await exec(path.join(copy, 'bin/mudran'), args, { env: { ...process.env, MUDRAN_SERVER: '0' } }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(run.code, run.stderr).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`mudran: the font ${font} is damaged or not a font (`);
      expect(lines[0]).toMatch(why);
      expect(lines[0]).toMatch(/put back mudran's own copy/);
    }
  });

  it('says how full the temporary folder is, and where, before it prints', async () => {
    const full = await tempDir('mudran-full-');
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]);
    try {
      await writeFile(path.join(full, 'filler'), Buffer.alloc(256 * 1024)).catch(() => undefined);
      const run = await mudran(['build', ARTICLE, '--out', await tempDir(), '--quiet'], { env: { TMPDIR: full } });
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toMatch(
        new RegExp(
          `^mudran: the temporary folder ${full} has \\d+ kB free; printing needs 64 MB there: free some space or set TMPDIR to another folder$`,
        ),
      );
    } finally {
      await exec('umount', [full]);
    }
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
