import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs } from '../../src/print/browser.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The CLI under test; MUDRAN=/elsewhere/bin/mudran measures another checkout. */
export const MUDRAN = process.env['MUDRAN'] ?? path.join(ROOT, 'bin/mudran');
export const ARTICLE = path.join(ROOT, 'manuscript/russia-pakistan.md');

export interface Measured {
  seconds: number;
  /**
   * CPU time of the process and everything it started, from a cgroup of its own (see
   * cpuAccounting): steadier than wall time on a busy machine.
   */
  cpuSeconds: number;
  /** Peak of the summed resident memory (RSS) of the process and all its descendants. */
  peakBytes: number;
  /**
   * Peak of their summed proportional set size (PSS): each shared page counted once, split
   * among the processes sharing it. Chromium's processes share its libraries and zygote
   * memory, which an RSS sum counts once per process.
   */
  peakProportionalBytes: number;
  code: number | null;
  stderr: string;
}

/**
 * Runs a command in a cgroup of its own (for the CPU of its whole tree), timing its wall clock and
 * with `memory`, sampling its process tree's memory every 50 ms. `cold` runs it with a fresh, empty TMPDIR,
 * so none of mudran's caches (checked words, font subsets, in $TMPDIR/mudran-*) helps; `tmpdir`
 * names the TMPDIR to run with (a second run in one is warm).
 */
export async function measure(
  command: string,
  args: string[],
  {
    cwd = ROOT,
    cold = false,
    memory = false,
    tmpdir,
    server,
  }: { cwd?: string; cold?: boolean; memory?: boolean; tmpdir?: string; server?: 'start' | BuildServer } = {},
): Promise<Measured> {
  const scratch = await tempDir();
  const fresh = cold ? await mkdtemp(path.join(scratch, 'tmp-')) : undefined;
  const folder = server instanceof BuildServer ? server.tmpdir : (fresh ?? tmpdir);
  // mudran's build server only where asked for: with `start` the command starts one (and it is
  // stopped before the CPU is read, so its whole work is counted); with a BuildServer the
  // command is served by that one, whose CPU meanwhile is added.
  const env = { ...process.env, ...(folder ? { TMPDIR: folder } : {}), MUDRAN_SERVER: server ? '1' : '0' };
  const serverCpuBefore = server instanceof BuildServer ? await server.cpuSeconds() : 0;
  const accounting = await cpuAccounting();
  const start = performance.now();
  // The shell joins the cgroup and becomes the command: everything it starts is counted.
  const child = spawn('/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', accounting.procs, command, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakBytes = 0;
  let peakProportionalBytes = 0;
  // Reading /proc every 50 ms costs CPU of its own: only where peak memory is reported.
  let sampling = memory;
  const sampler = (async () => {
    while (sampling) {
      if (child.pid !== undefined) {
        const used = await treeMemory(child.pid);
        if (server instanceof BuildServer) {
          // The server's Chromium and heap do the work: its whole tree counts.
          const serving = await treeMemory(server.pid);
          used.rss += serving.rss;
          used.pss += serving.pss;
        }
        peakBytes = Math.max(peakBytes, used.rss);
        peakProportionalBytes = Math.max(peakProportionalBytes, used.pss);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - start) / 1000;
  sampling = false;
  await sampler;
  if (server === 'start') await stopServer(env);
  let cpuSeconds = await accounting.finish();
  if (server instanceof BuildServer) cpuSeconds += (await server.cpuSeconds()) - serverCpuBefore;
  await rm(scratch, { recursive: true, force: true });
  return { seconds, cpuSeconds, peakBytes, peakProportionalBytes, code, stderr };
}

async function stopServer(env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(MUDRAN, ['server', 'stop'], { env, stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
}

/**
 * A running mudran build server (`mudran server start`) with its TMPDIR, in a cgroup of its own
 * so the CPU it spends serving a measured command can be added to that command's.
 */
export class BuildServer {
  private constructor(
    readonly tmpdir: string,
    readonly pid: number,
    private readonly accounting: Accounting,
  ) {}

  static async start(tmpdir: string): Promise<BuildServer> {
    const accounting = await cpuAccounting();
    const env = { ...process.env, TMPDIR: tmpdir, MUDRAN_SERVER: '1' };
    const child = spawn('/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', accounting.procs, MUDRAN, 'server', 'start'], {
      env,
      stdio: 'ignore',
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`mudran server start failed (exit ${String(code)})`);
    const status = spawnSync(MUDRAN, ['server', 'status'], { env, encoding: 'utf8' });
    const pid = Number(/running: pid (\d+)/.exec(status.stderr)?.[1]);
    if (!pid) throw new Error(`mudran server status: ${status.stderr}`);
    return new BuildServer(tmpdir, pid, accounting);
  }

  cpuSeconds(): Promise<number> {
    return this.accounting.usage();
  }

  async stop(): Promise<void> {
    await stopServer({ ...process.env, TMPDIR: this.tmpdir, MUDRAN_SERVER: '1' });
    await this.accounting.finish();
  }
}

interface Accounting {
  /** The file a process writes its pid into to join. */
  procs: string;
  /** CPU seconds used so far. */
  usage: () => Promise<number>;
  /** Waits for the last process to end, returns the CPU seconds used and removes the cgroup. */
  finish: () => Promise<number>;
}

/**
 * A fresh cgroup for one measured command: `procs` is the file a process writes its pid into to
 * join, `finish` waits for its last process to end, returns the CPU seconds used and removes it.
 *
 * Rusage (GNU time, `process.resourceUsage`) misses most of Chromium's CPU: its renderers are
 * forked by its zygote and never reaped through the measured process (on this machine it saw 2.3 of
 * bare Chromium's 5.0 CPU seconds). A cgroup counts every process started inside it. Needs root
 * and cgroup v1's cpuacct or cgroup v2, as `make bench` has here.
 */
async function cpuAccounting(): Promise<Accounting> {
  const name = `mudran-bench-${process.pid}-${++cgroups}`;
  const hierarchies = [
    { root: '/sys/fs/cgroup/cpuacct', usage: 'cpuacct.usage', seconds: (text: string) => Number(text) / 1e9 },
    ...['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].map((root) => ({
      root,
      usage: 'cpu.stat',
      seconds: (text: string) => Number(/^usage_usec (\d+)/m.exec(text)?.[1] ?? NaN) / 1e6,
    })),
  ];
  for (const { root, usage, seconds } of hierarchies) {
    const folder = path.join(root, name);
    try {
      await mkdir(folder);
    } catch {
      continue;
    }
    const read = async () => {
      const used = seconds(await readFile(path.join(folder, usage), 'utf8'));
      if (!Number.isFinite(used)) throw new Error(`cannot read ${path.join(folder, usage)}`);
      return used;
    };
    return {
      procs: path.join(folder, 'cgroup.procs'),
      usage: read,
      async finish() {
        // A killed Chromium's last processes may outlive it by a moment.
        for (let attempt = 0; attempt < 100; attempt++) {
          if ((await readFile(path.join(folder, 'cgroup.procs'), 'utf8')).trim() === '') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const used = await read();
        await rmdir(folder).catch(() => undefined);
        return used;
      },
    };
  }
  throw new Error('make bench measures CPU time in a cgroup of its own: run it as root on a machine with cgroups');
}
let cgroups = 0;

/** The median of `runs` measurements (alternate callers so two commands share the load). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function treeMemory(root: number): Promise<{ rss: number; pss: number }> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  let rss = 0;
  let pss = 0;
  for (const pid of parents.keys()) {
    let at: number | undefined = pid;
    while (at !== undefined && at > 1 && at !== root) at = parents.get(at);
    if (at !== root) continue;
    try {
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // the process ended meanwhile
    }
  }
  return { rss, pss };
}

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'mudran-bench-'));
}

/** Debian's Chromium printing a page from its command line, with the flags src/render/browser.ts uses. */
export async function chromiumPrint(html: string, pdf: string): Promise<Measured> {
  const profile = await tempDir();
  return measure('/usr/bin/chromium', [
    '--headless',
    ...chromiumArgs(),
    `--user-data-dir=${profile}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${pdf}`,
    `file://${html}`,
  ]);
}

/** One row of the table every bench prints: the figure, mudran's value, the baseline's, the goal. */
export function row(figure: string, value: string, baseline: string, ratio: string, goal: string, met?: boolean): void {
  const verdict = met === undefined ? '' : met ? 'met' : 'MISSED';
  process.stdout.write(
    `${figure.padEnd(58)} ${value.padStart(10)} ${baseline.padStart(12)} ${ratio.padStart(8)}  ${goal.padEnd(14)} ${verdict}\n`,
  );
}

export function header(title: string): void {
  process.stdout.write(`\n${title}\n`);
  row('figure', 'mudran', 'baseline', 'ratio', 'goal');
  process.stdout.write(`${'-'.repeat(114)}\n`);
}

export function secondsText(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/** Fails loudly: a bench run that did not build measures nothing. */
export function ensureOk(what: string, run: Measured): void {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.slice(-2000)}`);
}
