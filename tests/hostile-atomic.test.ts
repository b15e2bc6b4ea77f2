import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { descendants } from './hostile-tools.ts';
import { ARTICLE, MUDRAN, mudran, tempDir } from './tools.ts';

const OUTPUTS = ['russia-pakistan.epub', 'russia-pakistan.pdf', 'russia-pakistan-handout.pdf'];

/** A whole output: the EPUB opens as a zip, the PDF parses and has pages. */
async function isWhole(file: string): Promise<boolean> {
  const bytes = await readFile(file);
  try {
    if (file.endsWith('.epub')) return (await JSZip.loadAsync(bytes)).file('mimetype') !== null;
    return (await PDFDocument.load(bytes)).getPageCount() > 0;
  } catch {
    return false;
  }
}

/** Old outputs: recognisable bytes that no build would write. */
async function oldOutputs(out: string): Promise<Map<string, string>> {
  const old = new Map(OUTPUTS.map((name) => [name, `old ${name} from yesterday`]));
  for (const [name, text] of old) await writeFile(path.join(out, name), text);
  return old;
}

/**
 * Starts a build and kills it with SIGKILL (and the browser it started: a killed Node
 * cannot close it) once Chromium runs, or once the first output is written.
 */
async function killBuild(out: string, moment: 'browser-started' | 'first-output', formats: string): Promise<string> {
  const child = spawn(MUDRAN, ['build', ARTICLE, '--out', out, '--format', formats], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const pid = child.pid ?? 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the build ended before it could be killed:\n${stderr}`);
    const reached =
      moment === 'first-output'
        ? /^wrote /m.test(stderr)
        : (await processNames(await descendants(pid))).some((name) => name.startsWith('chrom'));
    if (reached) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const target of [pid, ...(await descendants(pid))]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
  return stderr;
}

async function processNames(pids: number[]): Promise<string[]> {
  return Promise.all(pids.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')));
}

describe('no lost work', () => {
  it('keeps every old output when a build is killed while printing', async () => {
    const out = await tempDir();
    const old = await oldOutputs(out);
    const stderr = await killBuild(out, 'browser-started', 'pdf,handout');
    expect(stderr).not.toMatch(/^wrote /m);
    for (const [name, text] of old) expect(await readFile(path.join(out, name), 'utf8'), name).toBe(text);
    expect((await readdir(out)).sort()).toEqual([...OUTPUTS].sort());
  });

  it('leaves each output old or whole, never half, when a build is killed half-way', async () => {
    const out = await tempDir();
    const old = await oldOutputs(out);
    const stderr = await killBuild(out, 'first-output', 'epub,pdf,handout');
    expect(stderr).toMatch(/^wrote /m);
    let kept = 0;
    for (const [name, text] of old) {
      const file = path.join(out, name);
      const isOld = (await readFile(file, 'utf8').catch(() => '')) === text;
      if (isOld) kept += 1;
      expect(isOld || (await isWhole(file)), name).toBe(true);
    }
    // The first output was written; the kill came before the last.
    expect(kept).toBeLessThan(3);
  });

  it('lets two builds into one folder finish with whole outputs and no temporary files', async () => {
    const out = await tempDir();
    const [first, second] = await Promise.all([
      mudran(['build', ARTICLE, '--out', out]),
      mudran(['build', ARTICLE, '--out', out]),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([...OUTPUTS].sort());
    for (const name of OUTPUTS) expect(await isWhole(path.join(out, name)), name).toBe(true);
  });

  it('refuses two manuscripts that would write the same outputs, exit 2', async () => {
    const run = await mudran(['build', ARTICLE, ARTICLE, '--out', await tempDir()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/would both write russia-pakistan\.\*/);
  });
});
