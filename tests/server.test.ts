import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { longManuscript } from '../bench/lib/generate.ts';
import { ARTICLE, alive, mudran, onTerminal, ROOT, tempDir } from './tools.ts';

/** Each test's server lives in a TMPDIR of its own; every one is stopped at the end. */
const places: NodeJS.ProcessEnv[] = [];
async function serverEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env = {
    MUDRAN_SERVER: '1',
    TMPDIR: await tempDir('mudran-server-test-'),
    SOURCE_DATE_EPOCH: '1700000000',
    ...extra,
  };
  places.push(env);
  return env;
}

afterAll(async () => {
  await Promise.all(places.map((env) => mudran(['server', 'stop'], { env })));
});

async function serverPid(env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const { stderr } = await mudran(['server', 'status'], { env });
  const pid = /running: pid (\d+)/.exec(stderr)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** The pids of `root`'s descendants (a server's Chromium and its renderers). */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = /\) \S+ (\d+)/.exec(stat)?.[1];
    if (parent) parents.set(Number(entry), Number(parent));
  }
  const found: number[] = [];
  for (const pid of parents.keys()) {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) {
      if (at === root) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

async function digests(folder: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) {
    sums[name] = createHash('sha256')
      .update(await readFile(path.join(folder, name)))
      .digest('hex');
  }
  return sums;
}

describe('the build server', () => {
  it('builds the same bytes as a build in its own process, and keeps its browser for the next build', async () => {
    const env = await serverEnv();
    const out = await tempDir();
    const first = await mudran(['build', ARTICLE, '--out', path.join(out, 'first')], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^started a build server/m);
    const pid = await serverPid(env);
    expect(pid).toBeDefined();
    const browser = await descendants(pid ?? 0);
    expect(browser.length).toBeGreaterThan(0);

    const second = await mudran(['build', ARTICLE, '--out', path.join(out, 'second')], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/started a build server|started the browser/);
    expect(second.stderr).toMatch(/^wrote .*russia-pakistan\.pdf \(\d+ kB, 4 pages\)/m);
    // The same server and the same Chromium served it.
    expect(await serverPid(env)).toBe(pid);
    expect((await descendants(pid ?? 0)).filter((child) => browser.includes(child)).length).toBeGreaterThan(0);
    expect((await mudran(['server', 'status'], { env })).stderr).toMatch(/2 runs served/);

    const local = await mudran(['build', ARTICLE, '--out', path.join(out, 'local')], {
      env: { ...env, MUDRAN_SERVER: '0' },
    });
    expect(local.code, local.stderr).toBe(0);
    const sums = await digests(path.join(out, 'local'));
    expect(Object.keys(sums)).toEqual(['russia-pakistan-handout.pdf', 'russia-pakistan.epub', 'russia-pakistan.pdf']);
    expect(await digests(path.join(out, 'first'))).toEqual(sums);
    expect(await digests(path.join(out, 'second'))).toEqual(sums);
  });

  it("runs in the client's folder and environment, and returns its messages, report and exit code", async () => {
    const env = await serverEnv();
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.md'), '---\ntitle: टूटा\n---\n\nक ि\n');
    const bad = await mudran(['build', 'bad.md', '--out', 'out'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^bad\.md:5:3: error: .*\[mark-at-word-start\]$/m);
    expect(await readdir(dir)).toEqual(['bad.md']);

    const missing = await mudran(['check', 'absent.md'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^mudran: absent\.md: cannot read manuscript/m);

    const report = await mudran(['check', 'bad.md', '--json'], { cwd: dir, env });
    expect(report.code).toBe(1);
    const parsed = JSON.parse(report.stdout) as { messages: { line: number; column: number; rule: string }[] };
    expect(parsed.messages).toEqual([expect.objectContaining({ line: 5, column: 3, rule: 'mark-at-word-start' })]);

    // The client's terminal and its NO_COLOR reach the server.
    const manuscript = path.join(dir, 'bad.md');
    expect(await onTerminal(['check', manuscript], env)).toContain(`${manuscript}:5:3: \u001b[31merror\u001b[0m: `);
    const plain = await onTerminal(['check', manuscript], { ...env, NO_COLOR: '1' });
    expect(plain).toContain(`${manuscript}:5:3: error: `);
    expect(plain).not.toContain('\u001b[');
    expect((await mudran(['server', 'status'], { env })).stderr).toMatch(/5 runs served/);
  });

  it('gives way to a client with other settings, stops with its browser when asked, and ends when idle', async () => {
    const env = await serverEnv();
    const started = await mudran(['server', 'start'], { env });
    expect(started.stderr).toMatch(/^started a build server \(pid \d+\)/m);
    const first = await serverPid(env);
    expect(first).toBeDefined();

    // A process-wide setting differs: the old server says it is stale and ends; a new one serves.
    const other = { ...env, MUDRAN_BROWSER_TIMEOUT_MS: '250000' };
    const handout = await mudran(['build', ARTICLE, '--format', 'handout', '--out', await tempDir()], { env: other });
    expect(handout.code, handout.stderr).toBe(0);
    expect(handout.stderr).toMatch(/^started a build server/m);
    const second = await serverPid(other);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await until(() => !alive(first ?? 0), 60_000)).toBe(true);

    const browser = await descendants(second ?? 0);
    expect(browser.length).toBeGreaterThan(0);
    const stopped = await mudran(['server', 'stop'], { env: other });
    expect(stopped.stderr).toMatch(new RegExp(`^stopped the build server \\(pid ${second}\\)`, 'm'));
    expect(await until(() => [second ?? 0, ...browser].every((pid) => !alive(pid)), 60_000)).toBe(true);
    expect((await mudran(['server', 'status'], { env: other })).stderr).toMatch(/^no build server is running/m);

    const idle = { ...env, MUDRAN_SERVER_IDLE_SECONDS: '1' };
    // The pid as `start` printed it: a second command could come after the idle second.
    const third = Number(
      /started a build server \(pid (\d+)\)/.exec((await mudran(['server', 'start'], { env: idle })).stderr)?.[1],
    );
    expect(third).toBeGreaterThan(0);
    expect(await until(() => !alive(third), 60_000)).toBe(true);
    expect((await mudran(['server', 'status'], { env: idle })).stderr).toMatch(/^no build server is running/m);
  });

  it('runs a request exactly once: never one its client gave up on; says when a client waits, and who started the server', async () => {
    const env = await serverEnv();
    // Three clients at once and no server yet: each may start one, only the one that serves says so.
    const outs = await Promise.all([0, 1, 2].map(() => tempDir()));
    const runs = await Promise.all(
      outs.map((out) => mudran(['build', ARTICLE, '--out', out, '--format', 'epub'], { env })),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const said = (pattern: RegExp) => runs.filter((run) => pattern.test(run.stderr)).length;
    expect(said(/^started a build server/m)).toBe(1);
    // A client that comes while a long run goes on says it waits, and status says the server is busy.
    const book = path.join(await tempDir(), 'book.md');
    await longManuscript(book, 150);
    const long = mudran(['build', book, '--out', await tempDir(), '--format', 'pdf'], { env });
    expect(
      await until(
        async () => /busy for \d+ s with a run/.test((await mudran(['server', 'status'], { env })).stderr),
        120_000,
      ),
    ).toBe(true);
    const queued = await mudran(['check', ARTICLE], { env });
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stderr).toMatch(/^waiting for the build server \(1 run ahead\)$/m);
    expect((await long).code).toBe(0);
    // The server finishes a run after its client has its exit code (it frees memory): idle again.
    expect(await until(async () => /idle for/.test((await mudran(['server', 'status'], { env })).stderr), 60_000)).toBe(
      true,
    );

    // A client that hears 'accepted' and goes away without 'start' (it gave up waiting) is not served.
    const { compiledEntry } = await import('../bin/compile.js');
    const { serverPlace } = await import('../src/server/place.ts');
    const runEnv = { ...process.env, ...env } as Record<string, string>;
    const tmp = process.env['TMPDIR'];
    process.env['TMPDIR'] = env['TMPDIR'];
    const place = await serverPlace(await compiledEntry(), runEnv).finally(() => {
      if (tmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = tmp;
    });
    const abandoned = path.join(await tempDir(), 'abandoned');
    const socket = await new Promise<Socket>((resolve, reject) => {
      const connection = createConnection(place?.socket ?? '', () => resolve(connection));
      connection.once('error', reject);
    });
    const accepted = await new Promise<string>((resolve) => {
      socket.setEncoding('utf8');
      socket.once('data', (chunk: string) => resolve(chunk));
      socket.write(
        `${JSON.stringify({ type: 'run', key: place?.key, argv: ['build', ARTICLE, '--out', abandoned], cwd: ROOT, env: runEnv, stdoutIsTTY: false, stderrIsTTY: false })}\n`,
      );
    });
    expect(JSON.parse(accepted)).toMatchObject({ type: 'accepted', ahead: 0 });
    socket.destroy();
    const after = await mudran(['check', ARTICLE], { env });
    expect(after.code, after.stderr).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await mudran(['server', 'status'], { env })).stderr).toMatch(/, 6 runs served, idle for/);
    await expect(readdir(abandoned)).rejects.toThrow(/ENOENT/);
  });

  it('ends a run when it returns, never wedges on a bad output folder, and bounds its browser', async () => {
    const env = await serverEnv({ MUDRAN_SERVER_BROWSER_MB: '1' });
    // The EPUB cannot be written (a folder has its name): exit 2, and the PDFs' work ends with
    // the run, in the client's folder, not after it.
    const out = await tempDir();
    await mkdir(path.join(out, 'russia-pakistan.epub'));
    const failed = await mudran(['build', ARTICLE, '--out', out], { env });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^mudran: cannot write .*russia-pakistan\.epub/m);
    const listing = async () =>
      Promise.all(
        (await readdir(out)).sort().map(async (name) => `${name} ${(await stat(path.join(out, name))).mtimeMs}`),
      );
    const atReturn = await listing();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await listing()).toEqual(atReturn);

    // An output folder the system never makes: said at once; the server goes on serving.
    const proc = await mudran(['build', ARTICLE, '--out', '/proc/nope'], { env });
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/^mudran: cannot create the output folder \/proc\/nope/m);
    const built = await mudran(['build', ARTICLE, '--out', await tempDir(), '--format', 'pdf'], { env });
    expect(built.code, built.stderr).toBe(0);
    // Over its browser budget (1 MB here), the server's Chromium is replaced after each run:
    // none is left running between runs (the server ends it after its client has the exit code).
    const pid = (await serverPid(env)) ?? 0;
    expect(await until(async () => (await descendants(pid)).length === 0, 15_000)).toBe(true);
    const logs = path.join(env['TMPDIR'] ?? '', `mudran-server-${process.getuid?.()}`);
    const [log] = (await readdir(logs)).filter((name) => name.endsWith('.log'));
    expect(await readFile(path.join(logs, log ?? ''), 'utf8')).toMatch(
      /replacing the browser: its processes held \d+ MB \(budget 1 MB\)/,
    );
    expect((await mudran(['server', 'stop'], { env })).stderr).toMatch(/^stopped the build server/m);
  });

  it('is not used in CI, nor from a folder other users could enter', async () => {
    const ci = { ...(await serverEnv()), MUDRAN_SERVER: undefined, CI: 'true' };
    const inCi = await mudran(['check', ARTICLE], { env: ci });
    expect(inCi.code, inCi.stderr).toBe(0);
    expect(inCi.stderr).not.toMatch(/build server/);
    expect((await mudran(['server', 'status'], { env: ci })).stderr).toMatch(/^no build server is running/m);

    const env = await serverEnv();
    const folder = path.join(env['TMPDIR'] ?? '', `mudran-server-${process.getuid?.() ?? 0}`);
    await mkdir(folder);
    await chmod(folder, 0o777);
    const shared = await mudran(['check', ARTICLE], { env });
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stderr).not.toMatch(/build server/);
    expect(await readdir(folder)).toEqual([]);
    const refused = await mudran(['server', 'start'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^mudran: the build server needs a private folder/m);
  });
});
