import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs } from '../../src/render/browser.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The CLI under test; MUDRAN=/elsewhere/bin/mudran measures another checkout. */
export const MUDRAN = process.env['MUDRAN'] ?? path.join(ROOT, 'bin/mudran');
export const ARTICLE = path.join(ROOT, 'manuscript/russia-pakistan.md');

export interface Measured {
  seconds: number;
  /** User + system CPU of the process and its children: steadier than wall time on a busy machine. */
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
 * Runs a command under GNU time (for the CPU of its whole tree), timing its wall clock and
 * with `memory`, sampling its process tree's memory every 50 ms. `cold` runs it with a fresh, empty TMPDIR,
 * so none of mudran's caches (checked words, font subsets, in $TMPDIR/mudran-*) helps.
 */
export async function measure(
  command: string,
  args: string[],
  { cwd = ROOT, cold = false, memory = false }: { cwd?: string; cold?: boolean; memory?: boolean } = {},
): Promise<Measured> {
  const scratch = await tempDir();
  const times = path.join(scratch, 'time');
  const env = cold ? { ...process.env, TMPDIR: await mkdtemp(path.join(scratch, 'tmp-')) } : process.env;
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', times, command, ...args], {
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
  const [user, system] = (await readFile(times, 'utf8')).trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  await rm(scratch, { recursive: true, force: true });
  return { seconds, cpuSeconds: (user ?? 0) + (system ?? 0), peakBytes, peakProportionalBytes, code, stderr };
}

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
    `${figure.padEnd(44)} ${value.padStart(10)} ${baseline.padStart(12)} ${ratio.padStart(8)}  ${goal.padEnd(14)} ${verdict}\n`,
  );
}

export function header(title: string): void {
  process.stdout.write(`\n${title}\n`);
  row('figure', 'mudran', 'baseline', 'ratio', 'goal');
  process.stdout.write(`${'-'.repeat(100)}\n`);
}

export function secondsText(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/** Fails loudly: a bench run that did not build measures nothing. */
export function ensureOk(what: string, run: Measured): void {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.slice(-2000)}`);
}
