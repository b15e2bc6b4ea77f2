import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const ROOT = path.resolve(import.meta.dirname, '..');
export const MUDRAN = path.join(ROOT, 'bin/mudran');
export const ARTICLE = path.join(ROOT, 'manuscript/russia-pakistan.md');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry point. */
export async function mudran(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(MUDRAN, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Starts `mudran preview MANUSCRIPT --port 0` in `cwd`; resolves with its address once it serves. */
export async function spawnPreview(manuscript: string, cwd: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(MUDRAN, ['preview', manuscript, '--port', '0'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (found?.[1]) resolve(found[1]);
    });
    server.once('exit', () => reject(new Error(`preview exited: ${stderr}`)));
  });
  return { server, url };
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as an author at a shell would: what it printed. */
export async function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const command = [MUDRAN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const inherited = { ...process.env };
  delete inherited['NO_COLOR'];
  try {
    return (await exec('script', ['-qec', command, '/dev/null'], { env: { ...inherited, ...env } })).stdout;
  } catch (error) {
    // `script -e` exits with the command's code (1 when the manuscript has errors).
    const failed = error as { code?: number; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    return failed.stdout ?? '';
  }
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function tempDir(prefix = 'mudran-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * A copy of mudran a test may change (remove a font, edit a template): bin/, src/, templates/,
 * fonts/ and the manuscripts, with the real node_modules linked in. Its path.
 */
export async function copyMudran(): Promise<string> {
  const copy = await tempDir('mudran-copy-');
  for (const entry of ['bin', 'src', 'templates', 'fonts', 'package.json', '.puppeteerrc.cjs', 'manuscript']) {
    await cp(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

async function tool(command: string, args: string[]): Promise<string> {
  const { stdout } = await exec(command, args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** `pdfinfo` fields, e.g. `Title`, `Pages`, `Page size`, `Tagged`. */
export async function pdfInfo(file: string): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const line of (await tool('pdfinfo', ['-enc', 'UTF-8', file])).split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) fields[match[1]] = match[2];
  }
  return fields;
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
}

export async function pdfFonts(file: string): Promise<PdfFont[]> {
  const lines = (await tool('pdffonts', [file])).trimEnd().split('\n').slice(2);
  return lines.map((line) => {
    // name, type (may contain spaces), encoding, emb, sub, uni, object, generation
    const match = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(line);
    if (!match) throw new Error(`unexpected pdffonts line: ${line}`);
    return { name: match[1] ?? '', type: match[2] ?? '', embedded: match[4] === 'yes' };
  });
}

export async function pdfText(file: string): Promise<string> {
  return tool('pdftotext', ['-enc', 'UTF-8', file, '-']);
}

export interface EpubCheckReport {
  messages: { severity: string; ID: string; message: string }[];
  checker: { nFatal: number; nError: number; nWarning: number; checkerVersion: string };
}

/** Debian's EPUBCheck 4.2.6 (a jar), with its JSON report; it exits 1 when it finds errors. */
export async function epubcheck(file: string): Promise<EpubCheckReport> {
  const report = path.join(await tempDir('epubcheck-'), 'report.json');
  await exec('java', ['-jar', '/usr/bin/epubcheck', file, '--json', report]).catch(() => undefined);
  return JSON.parse(await readFile(report, 'utf8')) as EpubCheckReport;
}

/** The text of one page, or of a rectangle of it (in points from the top left). */
export async function pdfPageText(
  file: string,
  page: number,
  crop?: { x: number; y: number; width: number; height: number },
): Promise<string> {
  const area = crop
    ? ['-x', String(Math.round(crop.x)), '-y', String(Math.round(crop.y)), '-W', String(Math.round(crop.width))]
    : [];
  const height = crop ? ['-H', String(Math.round(crop.height))] : [];
  return tool('pdftotext', ['-enc', 'UTF-8', '-f', String(page), '-l', String(page), ...area, ...height, file, '-']);
}

/** `pdfinfo -box` of the first page: each box as [x0, y0, x1, y1]. */
export async function pdfBoxes(file: string): Promise<Record<string, number[]>> {
  const boxes: Record<string, number[]> = {};
  for (const line of (await tool('pdfinfo', ['-box', '-f', '1', '-l', '1', file])).split('\n')) {
    const match = /^Page\s+1\s+(\w+Box):\s+(.*)$/.exec(line);
    if (match?.[1] && match[2]) boxes[match[1]] = match[2].trim().split(/\s+/).map(Number);
  }
  return boxes;
}

/** What Apache PDFBox Preflight (Debian's libpdfbox2-java) says of a PDF as PDF/A-1b: its whole report. */
export async function preflightPdfA1b(file: string): Promise<string> {
  const jars = ['preflight', 'pdfbox2', 'fontbox2', 'xmpbox', 'commons-logging', 'javax.activation', 'jaxb-api'];
  const classpath = jars.map((jar) => `/usr/share/java/${jar}.jar`).join(':');
  try {
    return (await tool('java', ['-cp', classpath, 'org.apache.pdfbox.preflight.Validator_A1b', file])).trim();
  } catch (error) {
    // It exits non-zero when the file is not valid; its report is on stdout.
    return String((error as { stdout?: string }).stdout ?? error).trim();
  }
}
