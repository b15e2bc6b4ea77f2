import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, mudran, ROOT, tempDir } from './tools.ts';

const exec = promisify(execFile);

/** A second local user for the cross-user cases, made here (as root) and removed after. */
const OTHER = 'mudran-other';
let otherUid = 0;
let madeOther = false;

beforeAll(async () => {
  const known = await exec('id', ['-u', OTHER]).then(
    ({ stdout }) => Number(stdout.trim()),
    () => undefined,
  );
  if (known === undefined) {
    await exec('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER]);
    madeOther = true;
  }
  otherUid = Number((await exec('id', ['-u', OTHER])).stdout.trim());
});

afterAll(async () => {
  if (madeOther) await exec('userdel', [OTHER]);
});

/** Runs a shell script as the other user. */
async function asOther(script: string): Promise<void> {
  await exec('runuser', ['-u', OTHER, '--', 'sh', '-c', script]);
}

/** A temporary folder anyone may write, like /tmp (sticky). */
async function sharedTmp(): Promise<string> {
  const folder = await tempDir('mudran-shared-');
  await chmod(folder, 0o1777);
  return folder;
}

/** A file only this user (root) can read, in a folder only root can enter. */
async function secretFile(): Promise<{ file: string; text: string }> {
  const folder = await tempDir('mudran-secret-');
  await chmod(folder, 0o700);
  const file = path.join(folder, 'secret');
  const text = 'ROOT-ONLY-SECRET-4b1d';
  await writeFile(file, `${text}\n`.repeat(200), { mode: 0o600 });
  return { file, text };
}

const uid = process.getuid?.() ?? 0;
const cacheOf = (tmp: string, kind: string) => path.join(tmp, `mudran-${uid}`, kind);
const KINDS = ['check', 'fonts', 'covers'];
const BROKEN = path.join(ROOT, 'tests/fixtures/shaping/broken/input.md');
const ENV = { MUDRAN_SERVER: '0', SOURCE_DATE_EPOCH: '1764547200' };

/** The article built as an EPUB with TMPDIR=tmp: the run and the EPUB's bytes. */
async function epubWith(tmp: string) {
  const out = await tempDir();
  const run = await mudran(['build', ARTICLE, '--out', out, '--format', 'epub'], { env: { ...ENV, TMPDIR: tmp } });
  const epub = await readFile(path.join(out, 'russia-pakistan.epub')).catch(() => Buffer.alloc(0));
  return { run, epub };
}

/** The names of the cache entries a cold build and check of the article make. */
async function entryNames(): Promise<Record<string, string[]>> {
  const tmp = await tempDir();
  await epubWith(tmp);
  return Object.fromEntries(
    await Promise.all(KINDS.map(async (kind) => [kind, await readdir(cacheOf(tmp, kind))] as const)),
  );
}

const cacheWarnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('caches are off'));

describe('caches another user cannot reach', () => {
  it('builds without a cache folder another user made first, and says so once', async () => {
    const names = await entryNames();
    const clean = await epubWith(await tempDir());
    const tmp = await sharedTmp();
    const secret = await secretFile();
    // The attack: the other user makes the victim's cache folders first, with every entry the
    // victim's build will look for linked to a file only the victim can read.
    const planted = cacheOf(tmp, '');
    await asOther(
      [
        `mkdir -m 0777 ${planted} && cd ${planted}`,
        ...KINDS.flatMap((kind) => [
          `mkdir -m 0777 ${kind}`,
          ...(names[kind] ?? []).map((name) => `ln -s ${secret.file} ${kind}/${name}`),
        ]),
      ].join(' && '),
    );
    const attacked = await epubWith(tmp);
    expect(attacked.run.code, attacked.run.stderr).toBe(0);
    expect(cacheWarnings(attacked.run.stderr)).toEqual([
      `mudran: warning: caches are off: ${planted.replace(/\/$/, '')} belongs to another user (uid ${otherUid}); remove it or set TMPDIR to a folder of your own`,
    ]);
    expect(attacked.epub.includes(secret.text)).toBe(false);
    expect(attacked.epub.equals(clean.epub)).toBe(true);
    // Nothing of the other user's was used, changed or removed.
    expect((await readdir(path.join(planted, 'fonts'))).sort()).toEqual([...(names['fonts'] ?? [])].sort());
    // The check reports what a clean check does.
    const checked = await mudran(['check', BROKEN], { env: { ...ENV, TMPDIR: tmp } });
    const cleanCheck = await mudran(['check', BROKEN], { env: { ...ENV, TMPDIR: await tempDir() } });
    expect(checked.code).toBe(1);
    expect(checked.stderr.split('\n').filter((line) => line.startsWith(BROKEN))).toEqual(
      cleanCheck.stderr.split('\n').filter((line) => line.startsWith(BROKEN)),
    );
  });

  it('refuses a cache folder of its own that others can enter, or a link in its place', async () => {
    const open = await tempDir();
    await mkdir(cacheOf(open, ''), { mode: 0o777 });
    await chmod(cacheOf(open, ''), 0o777);
    const run = (await epubWith(open)).run;
    expect(run.code).toBe(0);
    expect(cacheWarnings(run.stderr)).toEqual([
      expect.stringContaining(`can be entered by other users (mode 777)`) as string,
    ]);
    const linked = await tempDir();
    const elsewhere = await tempDir();
    await symlink(elsewhere, cacheOf(linked, ''));
    const second = (await epubWith(linked)).run;
    expect(second.code).toBe(0);
    expect(cacheWarnings(second.stderr)).toEqual([expect.stringContaining('is a symbolic link') as string]);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('never trusts an entry of its own that is a link, damaged or cut short: it rebuilds it', async () => {
    const tmp = await tempDir();
    const first = await epubWith(tmp);
    expect(first.run.code).toBe(0);
    const secret = await secretFile();
    const [font] = await readdir(cacheOf(tmp, 'fonts'));
    const [cover] = await readdir(cacheOf(tmp, 'covers'));
    const [words] = await readdir(cacheOf(tmp, 'check'));
    // A font entry linked to another file, a cover cut short, and checked words that invent an
    // error for every word of the article (written without their digest).
    await rm(path.join(cacheOf(tmp, 'fonts'), font!));
    await symlink(secret.file, path.join(cacheOf(tmp, 'fonts'), font!));
    const coverFile = path.join(cacheOf(tmp, 'covers'), cover!);
    await writeFile(coverFile, (await readFile(coverFile)).subarray(0, 5000));
    const wordsFile = path.join(cacheOf(tmp, 'check'), words!);
    const stored = JSON.parse((await readFile(wordsFile)).subarray(0, -32).toString('utf8')) as Record<
      string,
      [string, unknown[]][]
    >;
    const invented = [{ index: 0, ruleId: 'matra-after-vowel', reason: 'Unexpected invented error', fatal: true }];
    for (const entries of Object.values(stored)) for (const entry of entries) entry[1] = invented;
    await writeFile(wordsFile, JSON.stringify(stored));

    const again = await epubWith(tmp);
    expect(again.run.code, again.run.stderr).toBe(0);
    expect(again.run.stderr).not.toContain('invented');
    expect(cacheWarnings(again.run.stderr)).toEqual([]);
    expect(again.epub.includes(secret.text)).toBe(false);
    expect(again.epub.equals(first.epub)).toBe(true);
    // Each bad entry was replaced by a whole one.
    const rebuilt = await readFile(path.join(cacheOf(tmp, 'fonts'), font!));
    expect(rebuilt.includes(secret.text)).toBe(false);
    expect((await readFile(coverFile)).length).toBeGreaterThan(5000);
  });
});

describe('what a killed run leaves', () => {
  it('is gone after the next run: no browser profile or socket folder stays in TMPDIR', async () => {
    const tmp = await tempDir();
    const out = await tempDir();
    // A build killed while its browser runs (SIGKILL: nothing of it can clean up).
    const child = execFile(path.join(ROOT, 'bin/mudran'), ['build', ARTICLE, '--out', out], {
      env: { ...process.env, ...ENV, TMPDIR: tmp },
    });
    const profiles = cacheOf(tmp, 'chrome');
    const deadline = performance.now() + 60_000;
    while ((await readdir(profiles).catch(() => [])).length === 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const left = await readdir(profiles);
    expect(left).toHaveLength(1);
    // Chromium keeps nothing of puppeteer's own in TMPDIR: its profile is in the private folder.
    expect((await readdir(tmp)).filter((entry) => entry.startsWith('puppeteer_dev_chrome_profile'))).toEqual([]);
    // Chromium ends when its pipe closes; the next run removes what the killed one made.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const next = await mudran(['build', ARTICLE, '--out', out, '--format', 'pdf'], { env: { ...ENV, TMPDIR: tmp } });
    expect(next.code, next.stderr).toBe(0);
    expect(await readdir(profiles)).toEqual([]);
    expect((await readdir(tmp)).sort()).toEqual([`mudran-${uid}`]);
  });
});
