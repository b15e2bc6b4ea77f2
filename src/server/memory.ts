import { readdir, readFile } from 'node:fs/promises';

/**
 * The proportional set size (PSS, shared pages split between their users) of every process
 * below `root`, in bytes, from /proc (0 where /proc cannot be read): what a build server's
 * Chromium and its renderers hold.
 */
export async function descendantsPss(root: number): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The parent follows the command name (which may hold spaces) and the state.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent) parents.set(Number(entry), parent);
  }
  let total = 0;
  for (const pid of parents.keys()) {
    let at = parents.get(pid);
    while (at !== undefined && at !== root && at > 1) at = parents.get(at);
    if (at !== root) continue;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  }
  return total;
}
